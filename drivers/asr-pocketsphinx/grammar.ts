/**
 * Phrases to a JSGF grammar pocketsphinx can load: words are lower-cased,
 * stripped of punctuation (apostrophes kept: "o'brien") and kept only when
 * the pronouncing dictionary has them.
 */

/** A phrase as the dictionary spells it: lower-case words, or null when it has no word left. */
export function phraseWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '');
}

/** The grammar and how its alternatives map back to the caller's phrase list. */
export interface Grammar {
  /** JSGF text; null when no phrase could be used. */
  jsgf: string | null;
  /** Normalised phrase ("john smith") → index into the phrase list (the first one with that spelling). */
  index: Map<string, number>;
}

/** Builds the JSGF grammar from the phrases whose every word is in the dictionary (`known`). */
export function buildGrammar(phrases: readonly string[], known: (word: string) => boolean): Grammar {
  const index = new Map<string, number>();
  phrases.forEach((p, i) => {
    const words = phraseWords(p);
    if (words.length === 0 || !words.every(known)) return;
    const key = words.join(' ');
    if (!index.has(key)) index.set(key, i);
  });
  if (index.size === 0) return { jsgf: null, index };
  const alternatives = [...index.keys()].join(' | ');
  return { jsgf: `#JSGF V1.0;\ngrammar kefu;\npublic <utterance> = ${alternatives};\n`, index };
}

/**
 * Reads pocketsphinx_continuous's output with `-time yes`: the hypothesis
 * line, then one line per word (`word start end posterior`, fillers such as
 * `<sil>` and `[NOISE]` included). Returns the text and the product of the
 * words' posteriors, or null when nothing was recognised.
 */
export function parseOutput(stdout: string): { text: string; confidence: number } | null {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const timing = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+\.\d+)$/;
  let text: string | null = null;
  let confidence = 1;
  for (const line of lines) {
    const m = timing.exec(line);
    if (m) {
      const word = m[1]!;
      if (text !== null && !/^[<[]/.test(word)) confidence *= Math.max(0, Math.min(1, Number(m[4])));
    } else if (text === null) {
      text = line;
    }
  }
  return text === null ? null : { text, confidence };
}
