/**
 * Where a caller goes when a queue lets them go (wait limit, exit key): the
 * flow run for `overflow: { type: 'voicemail' }` is the IVR's own voicemail
 * node (the same recording and storage as in any flow).
 */
import type { Flow } from '../../core/ivr/schema.ts';
import type { QueueOverflow } from '../../core/acd/records.ts';

export const DEFAULT_VOICEMAIL_PROMPT = 'Sorry, nobody can take your call now. Please leave a message after the tone, and press the pound key when you are done.';

/** A one-node flow that records a voicemail for the call. */
export function voicemailFlow(queueId: string, target: Extract<QueueOverflow, { type: 'voicemail' }>): Flow {
  return {
    id: `queue-${queueId}-voicemail`, name: `Voicemail of queue ${queueId}`, entry: 'voicemail',
    nodes: {
      voicemail: {
        type: 'voicemail', prompt: { text: target.prompt?.text ?? DEFAULT_VOICEMAIL_PROMPT, voice: target.prompt?.voice ?? 'en-us' },
        maxMs: (target.maxS ?? 120) * 1000, beep: true,
      },
    },
  };
}
