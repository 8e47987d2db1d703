/**
 * Tesseract's outputs as data: the TSV of `tesseract IMG - tsv` (one row per
 * page, block, paragraph, line and word; words are level 5, confidence
 * 0..100, -1 for non-words) and the report of `--psm 0` (orientation and
 * script detection).
 */
import type { OcrOrientation, OcrWord, QuarterTurn } from '../../src/core/ocr/types.ts';

/** The words of a TSV report (level 5 rows with text), confidence mapped to 0..1. */
export function parseTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5') continue;
    const text = f.slice(11).join('\t').trim();
    const conf = Number(f[10]);
    if (text === '' || !Number.isFinite(conf) || conf < 0) continue;
    const n = (i: number) => Number(f[i]) || 0;
    words.push({
      text, confidence: Math.min(1, conf / 100),
      block: n(2), paragraph: n(3), line: n(4), left: n(6), top: n(7), width: n(8), height: n(9),
    });
  }
  return words;
}

/** `Rotate: 270` and `Orientation confidence: 3.27` of an OSD report; null when absent. */
export function parseOsd(report: string): OcrOrientation | null {
  const rot = /^Rotate:\s*(\d+)/m.exec(report);
  const conf = /^Orientation confidence:\s*([\d.]+)/m.exec(report);
  if (!rot || !conf) return null;
  const r = Number(rot[1]);
  if (r !== 0 && r !== 90 && r !== 180 && r !== 270) return null;
  return { rotate: r as QuarterTurn, confidence: Number(conf[1]) };
}
