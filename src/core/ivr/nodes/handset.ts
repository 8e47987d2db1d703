import type { HandsetNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Hands the call to the office phone; `fallback` when the device cannot or
 * nobody took it. On a PBX the media port rings `seats` for `ringS` and
 * connects the first to answer (true), so the call then belongs to that seat.
 */
export const exec: NodeExec<HandsetNode> = async (node, env) => {
  if (!(await say(env, node.prompt, false))) return HUNG_UP;
  const ok = await env.media.handset({ seats: node.seats, ringS: node.ringS });
  if (env.media.signal.aborted) return HUNG_UP;
  return ok ? { end: 'handset' } : { next: node.fallback, branch: 'not available' };
};
