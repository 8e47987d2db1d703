import type { VoicemailNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Plays the prompt in full, drops buffered keys, records up to `maxMs` and
 * hands a non-empty message to `hooks.onVoicemail` (awaited: a rejecting sink
 * ends the flow with `error`). A caller who hangs up while recording still
 * leaves the message.
 */
export const exec: NodeExec<VoicemailNode> = async (node, env) => {
  if (!(await say(env, node.prompt, false))) return HUNG_UP;
  env.media.clearDigits();
  const rec = await env.media.record({ maxMs: node.maxMs ?? 120_000, beep: node.beep ?? true });
  if (rec.pcm.length > 0) {
    await env.ctx.hooks?.onVoicemail?.({ ...rec, flowId: env.flowId, nodeId: env.nodeId, caller: env.ctx.caller, at: env.ctx.now() });
  }
  return { end: 'voicemail', branch: rec.endedBy };
};
