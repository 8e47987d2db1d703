import type { SurveyNode } from '../schema.ts';
import { goOrHangUp, HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * The post-call satisfaction question: plays the prompt (interruptible),
 * takes one key; 1-5 is the score, handed to `hooks.onSurvey` (awaited),
 * then the thanks and `next`. No key or another key: `invalidPrompt` and
 * another attempt, up to `retries`, then `onNoAnswer` (hang up when empty).
 */
export const exec: NodeExec<SurveyNode> = async (node, env) => {
  const retries = node.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    if (!(await say(env, node.prompt, true))) return HUNG_UP;
    const key = await env.readDigit(node.timeoutMs ?? 6000);
    if (env.media.signal.aborted) return HUNG_UP;
    if (key !== null && /^[1-5]$/.test(key)) {
      const score = Number(key);
      await env.ctx.hooks?.onSurvey?.(env.nodeId, score);
      if (node.variable) env.variables[node.variable] = key;
      if (!(await say(env, node.thanksPrompt, false))) return HUNG_UP;
      return goOrHangUp(node.next, `score ${score}`);
    }
    if (attempt >= retries) return goOrHangUp(node.onNoAnswer, 'no answer');
    if (!(await say(env, node.invalidPrompt, true))) return HUNG_UP;
  }
};
