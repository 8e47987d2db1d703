/**
 * Vertical cards (竖排): Debian has no `chi_sim_vert` data, so a card whose
 * text runs in columns, top to bottom and right to left, is re-laid out as
 * horizontal lines for the ordinary model: columns are found from the dark
 * pixels' vertical profile, each column is cut into character cells (short
 * pieces of one character joined), and the cells are set side by side, one
 * line per column, the rightmost column first. Horizontal text on the same
 * card (an email under the columns) is blanked out by the caller first.
 */
import { otsu, type Grey } from './preprocess.ts';

interface Run { start: number; end: number }

/** Character size (px) of the re-laid-out lines. */
const CELL = 56;

function runs(profile: ArrayLike<number>, minInk: number, maxGap: number): Run[] {
  const out: Run[] = [];
  let cur: Run | null = null;
  for (let i = 0; i < profile.length; i++) {
    if (profile[i]! >= minInk) {
      if (cur && i - cur.end <= maxGap) cur.end = i;
      else { cur = { start: i, end: i }; out.push(cur); }
    }
  }
  return out;
}

/** Boxes (pixels of `g`) to leave out of the column analysis. */
export interface Box { left: number; top: number; width: number; height: number }

/** The columns of `g` re-laid out as lines, or null when it has no vertical columns. */
export function verticalStripOf(g: Grey, blank: readonly Box[] = []): Grey | null {
  const { width: w, height: h } = g;
  const t = otsu(g.data);
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < ink.length; i++) ink[i] = g.data[i]! < t ? 1 : 0;
  for (const b of blank) {
    for (let y = Math.max(0, b.top - 4); y < Math.min(h, b.top + b.height + 4); y++) {
      ink.fill(0, y * w + Math.max(0, b.left - 4), y * w + Math.min(w, b.left + b.width + 4));
    }
  }
  const colProfile = new Uint32Array(w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) colProfile[x]! += ink[y * w + x]!;
  const columns = runs(colProfile, 2, Math.max(2, Math.round(w * 0.004)))
    .filter((c) => c.end - c.start >= w * 0.012)
    .map((c) => {
      const rows = new Uint32Array(h);
      for (let y = 0; y < h; y++) for (let x = c.start; x <= c.end; x++) rows[y]! += ink[y * w + x]!;
      const pieces = runs(rows, 1, 1);
      const cw = c.end - c.start + 1;
      // join the pieces of one character (三, 号...): together no taller than the column is wide
      const cells: Run[] = [];
      for (const p of pieces) {
        const last = cells.at(-1);
        if (last && p.end - last.start <= 1.1 * cw && p.start - last.end < 0.35 * cw) last.end = p.end;
        else cells.push({ ...p });
      }
      const tall = cells.length ? cells.at(-1)!.end - cells[0]!.start : 0;
      return { ...c, cw, cells, tall };
    })
    .filter((c) => c.cells.length >= 2 && c.tall > 1.5 * c.cw);
  if (columns.length === 0) return null;
  columns.sort((a, b) => b.start - a.start);

  // Every column brought to one character size (a large name beside small lines confuses the model), nearest-neighbour.
  const pad = 12;
  const lineH = Math.round(CELL * 1.5) + 2 * pad;
  const lines = columns.map((c) => {
    const scale = CELL / c.cw;
    let width = pad;
    const placed: Array<{ cell: Run; x: number }> = [];
    c.cells.forEach((cell, i) => {
      const prev = c.cells[i - 1];
      if (prev && cell.start - prev.end > 0.6 * c.cw) width += Math.round(0.6 * CELL);
      placed.push({ cell, x: width });
      width += CELL + Math.round(0.12 * CELL);
    });
    return { c, scale, placed, width: width + pad };
  });
  const outW = Math.max(...lines.map((l) => l.width));
  const outH = lineH * lines.length;
  const out = Buffer.alloc(outW * outH, 255);
  lines.forEach((l, li) => {
    for (const { cell, x } of l.placed) {
      const ch = Math.max(1, Math.round((cell.end - cell.start + 1) * l.scale));
      const y0 = li * lineH + Math.round((lineH - ch) / 2);
      for (let y = 0; y < ch; y++) {
        const sy = Math.min(cell.end, cell.start + Math.floor(y / l.scale));
        for (let xx = 0; xx < CELL; xx++) {
          const sx = l.c.start + Math.min(l.c.cw - 1, Math.floor(xx / l.scale));
          out[(y0 + y) * outW + x + xx] = g.data[sy * w + sx]!;
        }
      }
    }
  });
  return { data: out, width: outW, height: outH };
}
