/**
 * The words of a CMU-format pronouncing dictionary (`word PH ON ES`,
 * alternatives as `word(2)`), read once and kept as a set.
 */
import { readFile } from 'node:fs/promises';

export async function loadDictionaryWords(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8');
  const words = new Set<string>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    words.add(line.slice(0, sp).replace(/\(\d+\)$/, '').toLowerCase());
  }
  return words;
}
