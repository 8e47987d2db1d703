/**
 * Fax pages for tests and the bench: a multi-page test PDF (ghostscript),
 * its TIFF-F, and a page-by-page comparison of two fax documents (TIFF or
 * PDF) rendered to 1-bit bitmaps at fax resolution.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PDF of `pages` A4 pages, each with its number in large type, a frame and a diagonal: easy to tell apart, hard to fake. */
export function makeTestPdf(path: string, pages: number, title = 'kefu fax test'): void {
  const ps: string[] = ['/Helvetica-Bold findfont 64 scalefont setfont'];
  for (let p = 1; p <= pages; p++) {
    ps.push(`4 setlinewidth 40 40 515 762 rectstroke 60 ${60 + p * 40} moveto 535 ${780 - p * 40} lineto stroke`);
    ps.push(`80 650 moveto (${title.replace(/[()\\]/g, '')}) show 80 520 moveto (PAGE ${p} / ${pages}) show`);
    for (let i = 0; i < 8; i++) ps.push(`/Helvetica findfont 18 scalefont setfont 80 ${440 - i * 30} moveto (line ${i + 1} of page ${p}: 0123456789 ABCDEFGHIJ) show`);
    ps.push('/Helvetica-Bold findfont 64 scalefont setfont showpage');
  }
  const src = `${path}.ps`;
  writeFileSync(src, `%!PS\n${ps.join('\n')}\n`);
  try {
    execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pdfwrite', '-sPAPERSIZE=a4', `-sOutputFile=${path}`, src]);
  } finally {
    rmSync(src, { force: true });
  }
}

export function pdfToTiff(pdf: string, tiff: string): void {
  execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg3', '-r204x196', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage', `-sOutputFile=${tiff}`, pdf]);
}

interface Bitmap { width: number; height: number; black: Uint8Array }

/** Pages of a fax TIFF or PDF as bitmaps at 204x196 dpi (a TIFF goes through tiff2pdf first). */
export function renderPages(file: string): Bitmap[] {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-fax-pages-'));
  try {
    let pdf = file;
    if (readFileSync(file).subarray(0, 2).toString('latin1') !== '%P') { pdf = join(dir, 'doc.pdf'); execFileSync('tiff2pdf', ['-o', pdf, file]); }
    execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pbmraw', '-r204x196', `-sOutputFile=${join(dir, 'p-%03d.pbm')}`, pdf]);
    return readdirSync(dir).filter((f) => f.endsWith('.pbm')).sort().map((f) => parsePbm(readFileSync(join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parsePbm(buf: Buffer): Bitmap {
  // P4\n[# comment\n]W H\n<rows, each ceil(W/8) bytes, 1 = black>
  const text = buf.toString('latin1', 0, Math.min(200, buf.length));
  const m = /^P4\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s/.exec(text);
  if (!m) throw new Error('not a raw PBM');
  const width = Number(m[1]); const height = Number(m[2]);
  const stride = Math.ceil(width / 8);
  const data = buf.subarray(m[0].length);
  const black = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) black[y * width + x] = (data[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
  return { width, height, black };
}

/**
 * How alike two pages are: of the pixels black on either, the share black
 * on both (1 = identical ink, 0 = nothing in common), compared over the
 * common area. Also the plain share of equal pixels.
 */
export function comparePages(a: Bitmap, b: Bitmap): { inkOverlap: number; equalPixels: number } {
  const w = Math.min(a.width, b.width); const h = Math.min(a.height, b.height);
  let both = 0; let either = 0; let equal = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = a.black[y * a.width + x]!; const q = b.black[y * b.width + x]!;
      if (p || q) either++;
      if (p && q) both++;
      if (p === q) equal++;
    }
  }
  return { inkOverlap: either === 0 ? 1 : both / either, equalPixels: equal / (w * h) };
}

/** Compares two documents page by page; `pages` counts of each and per-page figures. */
export function compareDocuments(sent: string, received: string): { sentPages: number; receivedPages: number; pages: Array<{ inkOverlap: number; equalPixels: number }> } {
  const a = renderPages(sent); const b = renderPages(received);
  return { sentPages: a.length, receivedPages: b.length, pages: a.slice(0, b.length).map((p, i) => comparePages(p, b[i]!)) };
}

export function writeBytes(path: string, data: Buffer): void { writeFileSync(path, data); }
