import type { MenuNode } from '../schema.ts';
import { goOrHangUp, HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Plays the prompt (interruptible) and reads one key. A timeout or an unknown
 * key uses one of `retries` extra attempts (shared count): the matching
 * timeout/invalid prompt plays, then the main prompt again. When attempts run
 * out the node goes to `onTimeout` / `onInvalid` (hang up when empty).
 */
export const exec: NodeExec<MenuNode> = async (node, env) => {
  const timeoutMs = node.timeoutMs ?? 5000;
  const retries = node.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    if (!(await say(env, node.prompt, true))) return HUNG_UP;
    const key = await env.readDigit(timeoutMs);
    if (env.media.signal.aborted) return HUNG_UP;
    if (key !== null) {
      const target = Object.hasOwn(node.options, key) ? node.options[key] : undefined;
      if (target !== undefined) return { next: target, branch: `option ${key}` };
    }
    const timedOut = key === null;
    if (attempt >= retries) return timedOut ? goOrHangUp(node.onTimeout, 'timeout') : goOrHangUp(node.onInvalid, 'invalid');
    if (!(await say(env, timedOut ? node.timeoutPrompt : node.invalidPrompt, true))) return HUNG_UP;
  }
};
