import type { FaxNode } from '../schema.ts';
import { HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Hands the call over to fax reception: from then on it is the fax's (the
 * fax inbox shows it) and the flow ends with `fax`; `fallback` when the line
 * cannot receive faxes.
 */
export const exec: NodeExec<FaxNode> = async (node, env) => {
  if (!(await say(env, node.prompt, false))) return HUNG_UP;
  const ok = await env.media.fax();
  if (ok) return { end: 'fax' };
  if (env.media.signal.aborted) return HUNG_UP;
  return { next: node.fallback, branch: 'not available' };
};
