/**
 * IVR flows several tests publish: the post-call survey (a `survey` node,
 * press 1–5, asked again once on a bad key, then hang up), and a menu whose
 * 1 puts the caller in queue `sales` (asked up to 11 times).
 */
export function salesMenuFlow(o: { id: string; name: string; timeoutMs: number }) {
  return {
    id: o.id, name: o.name, entry: 'menu',
    nodes: {
      menu: { type: 'menu', prompt: { text: 'Press one for sales.', voice: 'en-us' }, options: { 1: 'q' }, timeoutMs: o.timeoutMs, retries: 10 },
      q: { type: 'queue', queue: 'sales', fallback: 'bye' },
      bye: { type: 'hangup' },
    },
  };
}

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
