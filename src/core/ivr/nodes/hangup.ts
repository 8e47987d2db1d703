import type { HangupNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/** Plays the optional goodbye in full, then ends the call. */
export const exec: NodeExec<HangupNode> = async (node, env) => {
  if (!(await say(env, node.prompt, false))) return HUNG_UP;
  return { end: 'hangup' };
};
