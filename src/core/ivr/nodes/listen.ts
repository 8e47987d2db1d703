import type { ListenNode } from '../schema.ts';
import { hear, hearDefaults } from './hear.ts';
import { goOrHangUp, HUNG_UP, say, type NodeExec } from './types.ts';

/**
 * Asks the question and recognises the answer against the choices' phrases
 * (a choice's key works too). No match or no input plays the matching prompt
 * and asks again, up to `retries`, then goes to `onNoMatch` / `onNoInput`
 * (hang up when empty). The branch names the phrase and the confidence.
 */
export const exec: NodeExec<ListenNode> = async (node, env) => {
  const o = hearDefaults(node);
  const retries = node.retries ?? 1;
  const phrases = node.choices.map((c) => c.phrase);
  for (let attempt = 0; ; attempt++) {
    const h = await hear(env, node.prompt, phrases, o);
    if (h.kind === 'hangup') return HUNG_UP;
    let chosen: number | undefined;
    if (h.kind === 'phrase') chosen = h.index;
    else if (h.kind === 'key') chosen = node.choices.findIndex((c) => c.key === h.key);
    const choice = chosen !== undefined && chosen >= 0 ? node.choices[chosen] : undefined;
    if (choice) {
      if (node.variable) env.variables[node.variable] = choice.phrase;
      const how = h.kind === 'phrase' ? `said ${choice.phrase} (${h.confidence.toFixed(2)})` : `key ${choice.key}`;
      return { next: choice.next, branch: how };
    }
    const noInput = h.kind === 'no-input';
    if (attempt >= retries) return noInput ? goOrHangUp(node.onNoInput, 'no input') : goOrHangUp(node.onNoMatch, 'no match');
    if (!(await say(env, noInput ? node.noInputPrompt : node.noMatchPrompt, true))) return HUNG_UP;
  }
};
