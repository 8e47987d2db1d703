import type { PlayNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/** Plays the prompt (keys pressed during it stay buffered for the next node), then goes on. */
export const exec: NodeExec<PlayNode> = async (node, env) => {
  if (!(await say(env, node.prompt, node.interruptible ?? true))) return HUNG_UP;
  return { next: node.next };
};
