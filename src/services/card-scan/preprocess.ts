/**
 * Card photo preparation with sharp, before OCR: turned upright by its EXIF
 * orientation, grey, cropped to the card when it lies on a darker surface,
 * lighting flattened (divided by its own blurred background: uneven light
 * and shadows go, text stays grey), contrast stretched, small skew measured
 * and removed, and brought to a size tesseract reads well (long side 1600 to
 * 2400 px). Never thresholded: tesseract binarises better itself.
 */
import sharp, { type Sharp } from 'sharp';
import { KefuError } from '../../core/errors.ts';
import type { QuarterTurn } from '../../core/ocr/types.ts';

/** A grey image as raw bytes. */
export interface Grey { data: Buffer; width: number; height: number }

export const MIN_LONG_SIDE = 1600;
export const MAX_LONG_SIDE = 2400;

const toPng = (g: Grey) => sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();

async function raw(img: Sharp): Promise<Grey> {
  const { data, info } = await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Otsu's threshold of a grey histogram (used to find the card and measure skew, never applied to the OCR image). */
export function otsu(data: Uint8Array): number {
  const hist = new Array<number>(256).fill(0);
  for (const v of data) hist[v]!++;
  const total = data.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0, wB = 0, best = 0, threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const between = wB * wF * (sumB / wB - (sum - sumB) / wF) ** 2;
    if (between > best) { best = between; threshold = t; }
  }
  return threshold;
}

/** The bright card's box when the picture's border is mostly dark (a card on a desk), else null. */
function cardBox(g: Grey): { left: number; top: number; width: number; height: number } | null {
  const t = otsu(g.data);
  const { width: w, height: h, data } = g;
  let dark = 0, n = 0;
  for (let x = 0; x < w; x++) { n += 2; if (data[x]! < t) dark++; if (data[(h - 1) * w + x]! < t) dark++; }
  for (let y = 0; y < h; y++) { n += 2; if (data[y * w]! < t) dark++; if (data[y * w + w - 1]! < t) dark++; }
  if (dark / n < 0.6) return null;
  const rowBright = (y: number) => { let c = 0; for (let x = 0; x < w; x++) if (data[y * w + x]! >= t) c++; return c / w; };
  const colBright = (x: number) => { let c = 0; for (let y = 0; y < h; y++) if (data[y * w + x]! >= t) c++; return c / h; };
  let top = 0, bottom = h - 1, left = 0, right = w - 1;
  while (top < h && rowBright(top) < 0.3) top++;
  while (bottom > top && rowBright(bottom) < 0.3) bottom--;
  while (left < w && colBright(left) < 0.3) left++;
  while (right > left && colBright(right) < 0.3) right--;
  if (right - left < w * 0.3 || bottom - top < h * 0.3) return null;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * The skew of the text lines in degrees (positive: turned clockwise), from
 * the sharpness of the row profile of dark pixels over trial angles
 * (-8..8°, then 0.1° steps around the best).
 */
export function measureSkew(g: Grey): number {
  const t = otsu(g.data);
  const xs: number[] = [], ys: number[] = [];
  for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) if (g.data[y * g.width + x]! < t) { xs.push(x); ys.push(y); }
  if (xs.length < 50 || xs.length > g.data.length * 0.5) return 0;
  const score = (deg: number) => {
    const a = (deg * Math.PI) / 180, sin = Math.sin(a), cos = Math.cos(a);
    const off = g.width;
    const bins = new Float64Array(g.height + 2 * off);
    for (let i = 0; i < xs.length; i++) bins[Math.round(ys[i]! * cos - xs[i]! * sin) + off]!++;
    let s = 0;
    for (let i = 1; i < bins.length; i++) s += (bins[i]! - bins[i - 1]!) ** 2;
    return s;
  };
  let best = 0, bestScore = -1;
  for (let d = -8; d <= 8; d += 0.5) { const s = score(d); if (s > bestScore) { bestScore = s; best = d; } }
  const coarse = best;
  for (let d = coarse - 0.4; d <= coarse + 0.4; d += 0.1) { const s = score(d); if (s > bestScore) { bestScore = s; best = d; } }
  return Math.round(best * 10) / 10;
}

/**
 * Lighting flattened: each pixel divided by the paper's brightness around it
 * (the brightest pixel of its block and the blocks next to it, smoothed: text,
 * even bold text, never counts as paper), then stretched.
 */
async function flatten(g: Grey): Promise<Grey> {
  const block = Math.max(16, Math.round(Math.max(g.width, g.height) / 24));
  const gw = Math.ceil(g.width / block), gh = Math.ceil(g.height / block);
  const pool = new Uint8Array(gw * gh);
  for (let y = 0; y < g.height; y++) {
    const row = Math.floor(y / block) * gw;
    for (let x = 0; x < g.width; x++) {
      const v = g.data[y * g.width + x]!, k = row + Math.floor(x / block);
      if (v > pool[k]!) pool[k] = v;
    }
  }
  const dilated = Buffer.alloc(gw * gh);
  for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) {
    let m = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < gh && xx >= 0 && xx < gw) m = Math.max(m, pool[yy * gw + xx]!);
    }
    dilated[y * gw + x] = m;
  }
  const bg = await raw(sharp(dilated, { raw: { width: gw, height: gh, channels: 1 } }).blur(1).resize({ width: g.width, height: g.height, fit: 'fill', kernel: 'cubic' }));
  const out = Buffer.alloc(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round((g.data[i]! * 255) / Math.max(32, bg.data[i]!)));
  return raw(sharp(out, { raw: { width: g.width, height: g.height, channels: 1 } }).normalise({ lower: 1, upper: 99 }));
}

/** Result of {@link prepareCard}. */
export interface PreparedCard {
  /** Upright-by-EXIF, grey, cropped, flattened, sized. */
  grey: Grey;
  /** True when a card was found on a darker background and cropped to. */
  cropped: boolean;
}

/** Decodes and prepares a card photo (JPEG/PNG/WebP). BAD_REQUEST when sharp cannot decode it or it is too large. */
export async function prepareCard(image: Buffer, opts: { maxPixels: number }): Promise<PreparedCard> {
  let g: Grey;
  try {
    const meta = await sharp(image, { limitInputPixels: opts.maxPixels }).metadata();
    const long = Math.max(meta.width ?? 0, meta.height ?? 0);
    if (long < 200) throw new KefuError('BAD_REQUEST', `image: ${meta.width}×${meta.height} px is too small to read (at least 200 px on the long side)`, { field: 'image' });
    g = await raw(sharp(image, { limitInputPixels: opts.maxPixels }).rotate().greyscale()
      .resize({ width: 3000, height: 3000, fit: 'inside', withoutEnlargement: true }));
  } catch (err) {
    if (err instanceof KefuError) throw err;
    throw new KefuError('BAD_REQUEST', `image: cannot be decoded (${(err as Error).message})`, { field: 'image' }, { cause: err });
  }
  const box = cardBox(g);
  if (box) g = await raw(sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }).extract(box));
  const long = Math.max(g.width, g.height);
  const target = long < MIN_LONG_SIDE ? MIN_LONG_SIDE : long > MAX_LONG_SIDE ? MAX_LONG_SIDE : long;
  if (target !== long) {
    g = await raw(sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } })
      .resize({ width: Math.round((g.width * target) / long), height: Math.round((g.height * target) / long), kernel: 'lanczos3' }));
  }
  return { grey: await flatten(g), cropped: box !== null };
}

/** The skew measured on a reduced copy (fast), in degrees. */
export async function skewOf(g: Grey): Promise<number> {
  const small = await raw(sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } }).resize({ width: 500 }));
  return measureSkew(small);
}

const open = (g: Grey) => sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } });

/** Turned by quarter turns and/or a small angle (white fills the corners). */
export async function turn(g: Grey, quarter: QuarterTurn, degrees: number): Promise<Grey> {
  let out = quarter !== 0 ? await raw(open(g).rotate(quarter)) : g;
  if (degrees !== 0) out = await raw(open(out).rotate(degrees, { background: '#ffffff' }));
  return out;
}

export { toPng };
