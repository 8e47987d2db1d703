import type { CollectNode } from '../schema.ts';
import { goOrHangUp, HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Plays the prompt (interruptible) and reads digits 0-9 until the terminator,
 * `maxDigits`, or `timeoutMs` without a key (the wait restarts after each key).
 * Other keys are read and ignored. With at least `minDigits` the digits go
 * into `variables[variable]`; otherwise `invalidPrompt` and another attempt,
 * up to `retries`, then `onInvalid` (hang up when empty).
 */
export const exec: NodeExec<CollectNode> = async (node, env) => {
  const terminator = node.terminator ?? '#';
  const minDigits = node.minDigits ?? 1;
  const timeoutMs = node.timeoutMs ?? 5000;
  const retries = node.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    if (!(await say(env, node.prompt, true))) return HUNG_UP;
    let value = '';
    let how = 'timeout';
    while (value.length < node.maxDigits) {
      const key = await env.readDigit(timeoutMs);
      if (key === null) break;
      if (key === terminator) {
        how = 'terminator';
        break;
      }
      if (/^[0-9]$/.test(key)) value += key;
    }
    if (env.media.signal.aborted) return HUNG_UP;
    if (value.length >= node.maxDigits) how = 'max digits';
    if (value.length >= minDigits) {
      env.variables[node.variable] = value;
      return { next: node.next, branch: how };
    }
    if (attempt >= retries) return goOrHangUp(node.onInvalid, 'invalid');
    if (!(await say(env, node.invalidPrompt, true))) return HUNG_UP;
  }
};
