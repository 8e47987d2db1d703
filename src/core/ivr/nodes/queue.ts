import type { QueueNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/** Routes to an ACD queue; `fallback` in single-line mode or when the queue refuses. */
export const exec: NodeExec<QueueNode> = async (node, env) => {
  if (!(await say(env, node.prompt, false))) return HUNG_UP;
  const ok = await env.media.queue(node.queue);
  if (env.media.signal.aborted) return HUNG_UP;
  return ok ? { end: 'queue', queue: node.queue } : { next: node.fallback, branch: 'not available' };
};
