/**
 * Words of an OCR page put back into lines of text, top to bottom. Within a
 * line, words are split into segments where the gap is wide or the type size
 * changes (a large name beside a small title is two segments); Han
 * characters join without spaces, Latin words with one.
 */
import type { OcrWord } from './types.ts';

/** A run of words on one line, in one type size. */
export interface TextSegment {
  text: string;
  confidence: number;
  /** Median word height in pixels (type size). */
  height: number;
}

/** One line of text. */
export interface TextLine {
  text: string;
  /** Mean word confidence weighted by characters, 0..1. */
  confidence: number;
  height: number;
  top: number;
  segments: TextSegment[];
}

const HAN = /\p{Script=Han}/u;

/** Type size of a word: its box height. */
const size = (w: OcrWord) => w.height;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

function weightedConfidence(words: readonly OcrWord[]): number {
  let n = 0;
  let sum = 0;
  for (const w of words) {
    const len = [...w.text].length;
    n += len;
    sum += w.confidence * len;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Tesseract's boxes of Han "words" are loose (one box may span three
 * characters), so gaps are judged against the line's type size, not a word's.
 */
function join(words: readonly OcrWord[], lineSize: number): string {
  let out = '';
  words.forEach((w, i) => {
    const prev = words[i - 1];
    if (prev) {
      const gap = w.left - (prev.left + prev.width);
      const hanJoin = HAN.test(prev.text.slice(-1)) && HAN.test(w.text[0]!);
      if (hanJoin ? gap > 0.9 * lineSize : gap > 0.15 * Math.min(lineSize, size(prev), size(w))) out += ' ';
    }
    out += w.text;
  });
  return out;
}

/** Runs of words split where the gap is about two characters wide (a name and a title side by side, two labelled numbers). */
function segmentsOf(words: readonly OcrWord[]): TextSegment[] {
  const lineSize = median(words.map(size));
  const groups: OcrWord[][] = [];
  for (const w of words) {
    const cur = groups.at(-1);
    const prev = cur?.at(-1);
    if (cur && prev && w.left - (prev.left + prev.width) < 1.6 * lineSize) cur.push(w);
    else groups.push([w]);
  }
  return groups.map((g) => ({ text: join(g, lineSize), confidence: weightedConfidence(g), height: median(g.map(size)) }));
}

/** The page's lines, top to bottom (tesseract's block/paragraph/line numbers group the words). */
export function pageLines(words: readonly OcrWord[]): TextLine[] {
  const byLine = new Map<string, OcrWord[]>();
  for (const w of words) {
    if (w.text.trim() === '') continue;
    const k = `${w.block}.${w.paragraph}.${w.line}`;
    const list = byLine.get(k);
    if (list) list.push(w);
    else byLine.set(k, [w]);
  }
  const lines: TextLine[] = [];
  for (const ws of byLine.values()) {
    ws.sort((a, b) => a.left - b.left);
    const segments = segmentsOf(ws);
    lines.push({
      text: segments.map((s) => s.text).join('  '),
      confidence: weightedConfidence(ws),
      height: median(ws.map(size)),
      top: Math.min(...ws.map((w) => w.top)),
      segments,
    });
  }
  return lines.sort((a, b) => a.top - b.top);
}
