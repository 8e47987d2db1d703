/**
 * The little of TIFF kefu reads itself: how many pages (IFDs) a file has,
 * and each page's size and resolution. Bounded: at most `MAX_PAGES` IFDs are
 * followed, and a loop in the IFD chain ends the walk.
 */
export const MAX_PAGES = 500;

export interface TiffPage { width: number; height: number; xRes: number | null; yRes: number | null }

/** The pages of a TIFF file; throws an Error naming what is wrong when it is not one. */
export function tiffPages(buf: Buffer): TiffPage[] {
  if (buf.length < 8) throw new Error('not a TIFF file: shorter than its header');
  const order = buf.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF file: no byte-order mark');
  const le = order === 'II';
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u16(2) !== 42) throw new Error('not a TIFF file: wrong magic number');
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  let ifd = u32(4);
  while (ifd !== 0) {
    if (seen.has(ifd) || pages.length >= MAX_PAGES) break;
    seen.add(ifd);
    if (ifd + 2 > buf.length) throw new Error(`TIFF page ${pages.length + 1}: directory past the end of the file`);
    const n = u16(ifd);
    if (ifd + 2 + n * 12 + 4 > buf.length) throw new Error(`TIFF page ${pages.length + 1}: directory past the end of the file`);
    const page: TiffPage = { width: 0, height: 0, xRes: null, yRes: null };
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const value = type === 3 ? u16(e + 8) : u32(e + 8);
      const rational = (): number | null => {
        const off = u32(e + 8);
        if (off + 8 > buf.length) return null;
        const den = u32(off + 4);
        return den === 0 ? null : u32(off) / den;
      };
      if (tag === 256) page.width = value;
      else if (tag === 257) page.height = value;
      else if (tag === 282 && type === 5) page.xRes = rational();
      else if (tag === 283 && type === 5) page.yRes = rational();
    }
    pages.push(page);
    ifd = u32(ifd + 2 + n * 12);
  }
  return pages;
}
