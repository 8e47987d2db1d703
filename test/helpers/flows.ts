/**
 * IVR flows several tests publish: the post-call survey (a `survey` node,
 * press 1–5, asked again once on a bad key, then hang up).
 */
export function surveyFlow(o: { id: string; name: string; question: string; timeoutMs?: number }) {
  return {
    id: o.id, name: o.name, entry: 'rate',
    nodes: {
      rate: {
        type: 'survey', prompt: { text: o.question, voice: 'en-us' }, timeoutMs: o.timeoutMs ?? 8000, retries: 1,
        invalidPrompt: { text: 'One to five, please.', voice: 'en-us' }, thanksPrompt: { text: 'Thank you.', voice: 'en-us' }, next: 'bye',
      },
      bye: { type: 'hangup' },
    },
  };
}
