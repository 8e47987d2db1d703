/**
 * A second look at words tesseract was unsure of. Its LSTM reads a line at
 * one type size, so a small title beside a large name (王建国 销售经理), or
 * a faint word, often comes out as noise. Each unsure run of words is cut
 * out, scaled to one height, and all of them are stacked in one image read
 * in a single run (one process start); a run's new text replaces the old
 * when it is read with more confidence.
 */
import sharp from 'sharp';
import type { OcrWord, TextRecognizer } from '../../core/ocr/types.ts';
import type { Grey } from './preprocess.ts';

const UNSURE = 0.8;
const HEIGHT = 64;
const GAP = 48;

interface Run { words: OcrWord[]; left: number; top: number; width: number; height: number; apart: boolean }

function unsureRuns(words: readonly OcrWord[], g: Grey): Run[] {
  const byLine = new Map<string, OcrWord[]>();
  for (const w of words) {
    const k = `${w.block}.${w.paragraph}.${w.line}`;
    (byLine.get(k) ?? byLine.set(k, []).get(k)!).push(w);
  }
  const out: Run[] = [];
  for (const ws of byLine.values()) {
    ws.sort((a, b) => a.left - b.left);
    let cur: OcrWord[] = [];
    let apart = false;
    const flush = () => {
      if (cur.length === 0) return;
      const left = Math.min(...cur.map((w) => w.left)), top = Math.min(...cur.map((w) => w.top));
      const right = Math.max(...cur.map((w) => w.left + w.width)), bottom = Math.max(...cur.map((w) => w.top + w.height));
      // Little room at the sides: a neighbouring character partly in the cut is read twice (区区).
      const pad = Math.round((bottom - top) * 0.3) + 4, side = 2;
      const l = Math.max(0, left - side), t = Math.max(0, top - pad);
      out.push({ words: cur, left: l, top: t, width: Math.min(g.width, right + side) - l, height: Math.min(g.height, bottom + pad) - t, apart });
      cur = [];
      apart = false;
    };
    ws.forEach((w, j) => {
      const last = ws[j - 1];
      // a large name beside a small title: two cuts, each scaled on its own and kept apart
      // (Han glyph boxes vary in height by a third: only a clear change counts)
      const sizeChange = last !== undefined && Math.max(w.height, last.height) > 1.6 * Math.min(w.height, last.height);
      if (sizeChange) {
        if (cur.length > 0) { apart = true; flush(); }
        const before = out.at(-1);
        if (before?.words.includes(last)) before.apart = true;
      }
      if (w.confidence < UNSURE) {
        if (sizeChange) apart = true;
        cur.push(w);
      } else flush();
    });
    flush();
  }
  return out.filter((r) => r.width > 4 && r.height > 8).slice(0, 20);
}

/** The words with unsure runs read again (at most 20 runs, one engine run). */
export async function rereadUnsure(words: OcrWord[], g: Grey, ocr: TextRecognizer, signal?: AbortSignal): Promise<OcrWord[]> {
  const runs = unsureRuns(words, g);
  if (runs.length === 0) return words;
  const src = sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } });
  const crops = await Promise.all(runs.map(async (r) => {
    const scale = HEIGHT / r.height;
    const width = Math.max(1, Math.round(r.width * scale));
    const data = await src.clone().extract(r).resize({ width, height: HEIGHT, fit: 'fill' }).png().toBuffer();
    return { data, width };
  }));
  const canvasW = Math.max(...crops.map((c) => c.width)) + 2 * GAP;
  const canvasH = runs.length * (HEIGHT + GAP) + GAP;
  const png = await sharp({ create: { width: canvasW, height: canvasH, channels: 3, background: '#ffffff' } })
    .composite(crops.map((c, i) => ({ input: c.data, left: GAP, top: GAP + i * (HEIGHT + GAP) })))
    .toColourspace('b-w').png().toBuffer();
  const page = await ocr.recognize(png, { layout: 'block', ...(signal ? { signal } : {}) });
  const dropped = new Set<OcrWord>();
  const insertions = new Map<OcrWord, OcrWord[]>();
  runs.forEach((r, i) => {
    const y0 = GAP + i * (HEIGHT + GAP);
    const got = page.words.filter((w) => w.top + w.height / 2 >= y0 - GAP / 2 && w.top + w.height / 2 < y0 + HEIGHT + GAP / 2).sort((a, b) => a.left - b.left);
    if (got.length === 0) return;
    const conf = (ws: readonly OcrWord[]) => ws.reduce((s, w) => s + w.confidence * w.text.length, 0) / Math.max(1, ws.reduce((s, w) => s + w.text.length, 0));
    if (conf(got) <= conf(r.words)) return;
    // Han read as Latin noise (明 → "aA") is no better reading,
    // and Han text must keep its number of characters (a neighbour caught in the cut is read twice: 海淀 → 每淀区)
    const hanCount = (ws: readonly OcrWord[]) => ws.map((w) => w.text).join('').match(/\p{Script=Han}/gu)?.length ?? 0;
    if (hanCount(r.words) > 0 && hanCount(got) !== hanCount(r.words)) return;
    const scale = r.height / HEIGHT;
    const first = r.words[0]!;
    for (const w of r.words) dropped.add(w);
    // new words are placed back in the run's box, as a line of their own (a title read apart from the name stays apart)
    const back = got.map((w) => ({ ...w, block: first.block, paragraph: first.paragraph, line: r.apart ? first.line + 1000 * (i + 1) : first.line,
      left: Math.round(r.left + (w.left - GAP) * scale), top: r.top + Math.round((w.top - y0) * scale), width: Math.round(w.width * scale), height: Math.round(w.height * scale) }));
    insertions.set(first, back);
  });
  const out: OcrWord[] = [];
  for (const w of words) {
    const ins = insertions.get(w);
    if (ins) out.push(...ins);
    else if (!dropped.has(w)) out.push(w);
  }
  return out;
}
