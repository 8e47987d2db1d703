import { directoryPhrases, matchEntries } from '../../asr/match.ts';
import type { DirectoryEntry } from '../../asr/speech.ts';
import type { DirectoryNode } from '../schema.ts';
import { hear, hearDefaults } from './hear.ts';
import { goOrHangUp, HUNG_UP, say, type NodeEnv, type NodeExec } from './types.ts';

/** Most contacts one directory grammar holds. */
export const MAX_DIRECTORY_ENTRIES = 2000;
const HAN = /\p{Script=Han}/u;

/**
 * Voice lookup of contacts: "say the name of the person you want", matched
 * against the address book (names and nicknames; Han names by tone-less
 * pinyin when the engine returns text), optionally confirmed ("did you say
 * 王芳? press 1 for yes, 2 for no"; a "no" tries the next homophone, then
 * asks again), then transferred to the contact's seat or number. Sets
 * `contactId` and `contactName`. A failed transfer goes to `fallback`.
 */
export const exec: NodeExec<DirectoryNode> = async (node, env) => {
  const o = hearDefaults(node);
  const retries = node.retries ?? 1;
  const speech = env.ctx.speech;
  if (!speech?.directory) return { next: node.fallback, branch: 'no directory' };
  const entries = await speech.directory.entries({ groups: node.groups, limit: MAX_DIRECTORY_ENTRIES });
  const reachable = entries.filter((e) => e.seat !== null || e.number !== null);
  if (reachable.length === 0) return { next: node.fallback, branch: 'no contacts' };
  const phrases = directoryPhrases(reachable);
  const free = !speech.recognizer.language.toLowerCase().startsWith('en');
  for (let attempt = 0; ; attempt++) {
    const h = await hear(env, node.prompt, phrases.map((p) => p.phrase), o, free);
    if (h.kind === 'hangup') return HUNG_UP;
    let candidates: number[] = [];
    if (h.kind === 'phrase') {
      const first = phrases[h.index]!.entry;
      candidates = [first, ...matchEntries(reachable[first]!.name, reachable).filter((i) => i !== first)];
    } else if (h.kind === 'text') candidates = matchEntries(h.text, reachable);
    for (const i of candidates) {
      const entry = reachable[i]!;
      const yes = node.confirm === false ? true : await confirm(env, node, entry);
      if (yes === null) return env.media.signal.aborted ? HUNG_UP : goOrHangUp(node.onNoInput, 'no input');
      if (!yes) continue;
      env.variables.contactId = entry.id;
      env.variables.contactName = entry.name;
      const ok = await env.media.transfer({ seat: entry.seat, number: entry.number });
      if (env.media.signal.aborted && !ok) return HUNG_UP;
      return ok ? { end: 'handset', branch: `transferred to ${entry.name}` } : { next: node.fallback, branch: `transfer to ${entry.name} failed` };
    }
    const noInput = h.kind === 'no-input';
    if (attempt >= retries) return noInput ? goOrHangUp(node.onNoInput, 'no input') : goOrHangUp(node.onNoMatch, 'no match');
    if (!(await say(env, noInput ? node.noInputPrompt : node.noMatchPrompt, true))) return HUNG_UP;
  }
};

/** "Did you say NAME?": true on 1, false on any other key, null when nothing was pressed. */
async function confirm(env: NodeEnv, node: DirectoryNode, entry: DirectoryEntry): Promise<boolean | null> {
  const cmn = (node.voice ?? (HAN.test(entry.name) ? 'cmn' : 'en-us')) === 'cmn';
  const text = cmn ? `您要找的是${entry.name}吗？是请按1，不是请按2。` : `Did you say ${entry.name}? Press 1 for yes, 2 for no.`;
  if (!(await say(env, { text, voice: cmn ? 'cmn' : 'en-us' }, true))) return null;
  const key = await env.readDigit(node.noInputMs ?? 4000);
  if (key === null) return null;
  return key === '1';
}
