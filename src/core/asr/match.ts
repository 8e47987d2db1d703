/**
 * Matching what a recogniser heard against the voice directory. Han text is
 * compared by its tone-less pinyin (pinyin-pro), so homophones and an engine
 * that writes 王方 for 王芳, or "wang2 fang1", still find the contact; Latin
 * text by its lower-case letters.
 */
import { pinyin } from 'pinyin-pro';
import type { DirectoryEntry } from './speech.ts';

const HAN = /\p{Script=Han}/u;

/** The comparison key of a name or of heard text: tone-less pinyin or letters, no spaces. */
export function soundKey(text: string): string {
  const t = text.normalize('NFKC').toLowerCase();
  const latin = HAN.test(t) ? pinyin(t, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('') : t;
  // ü is v in tone-less pinyin; other accents (tone marks) are dropped.
  return latin.replace(/ü/g, 'v').normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z]/g, '');
}

/** One phrase of the directory grammar and the entry it stands for. */
export interface DirectoryPhrase {
  phrase: string;
  entry: number;
}

/** Every name and nickname of the entries, in order (what a grammar engine gets as phrases). */
export function directoryPhrases(entries: readonly DirectoryEntry[]): DirectoryPhrase[] {
  const out: DirectoryPhrase[] = [];
  entries.forEach((e, i) => {
    for (const p of [e.name, ...e.nicknames]) if (p.trim() !== '') out.push({ phrase: p, entry: i });
  });
  return out;
}

/**
 * Entries whose name or a nickname sounds like `heard` (same key), best
 * first: an exact spelling before a homophone. Empty when none does.
 */
export function matchEntries(heard: string, entries: readonly DirectoryEntry[]): number[] {
  const key = soundKey(heard);
  if (key === '') return [];
  const exact: number[] = [];
  const sounds: number[] = [];
  const spelled = heard.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  entries.forEach((e, i) => {
    const names = [e.name, ...e.nicknames];
    if (names.some((n) => n.normalize('NFKC').replace(/\s+/g, '').toLowerCase() === spelled)) exact.push(i);
    else if (names.some((n) => soundKey(n) === key)) sounds.push(i);
  });
  return [...exact, ...sounds];
}
