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

/** One fax page as coded data (T.4), as a TIFF holds it and a fax modem sends it. */
export interface FaxPage {
  width: number; height: number; xRes: number; yRes: number;
  /** TIFF Compression: 3 (T.4, G3) or 4 (T.6, G4). */
  compression: number;
  /** TIFF T4Options (bit 0: 2-D coding, bit 2: fill bits before EOLs). */
  t4Options: number;
  /** TIFF FillOrder: 1 most significant bit first, 2 least significant first (a modem's direct bit order). */
  fillOrder: number;
  data: Buffer;
}

/** The tags readFaxPages reads: size, compression, fill order, strips, T4Options. */
const WANTED = new Set([256, 257, 259, 266, 273, 279, 292]);

/** The pages of a G3/G4 TIFF with their coded data (strips joined). Bounded by the file's size and MAX_PAGES. */
export function readFaxPages(buf: Buffer): FaxPage[] {
  const le = buf.toString('latin1', 0, 2) === 'II';
  tiffPages(buf); // validates the header and the chain
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const values = (e: number): number[] => {
    const type = u16(e + 2); const count = u32(e + 4);
    const size = type === 3 ? 2 : 4;
    if (count > 100_000) throw new Error('TIFF: too many values in a tag');
    const at = count * size <= 4 ? e + 8 : u32(e + 8);
    if (at + count * size > buf.length) throw new Error('TIFF: tag values past the end of the file');
    return Array.from({ length: count }, (_, i) => (type === 3 ? u16(at + i * 2) : u32(at + i * 4)));
  };
  const pages: FaxPage[] = [];
  const seen = new Set<number>();
  let ifd = u32(4);
  while (ifd !== 0 && !seen.has(ifd) && pages.length < MAX_PAGES) {
    seen.add(ifd);
    const n = u16(ifd);
    const tags = new Map<number, number[]>();
    const rat = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      if (type === 5 && (tag === 282 || tag === 283)) { const off = u32(e + 8); const den = off + 8 <= buf.length ? u32(off + 4) : 0; rat.set(tag, den ? u32(off) / den : 0); }
      else if (WANTED.has(tag) && (type === 3 || type === 4)) tags.set(tag, values(e));
    }
    const offsets = tags.get(273) ?? []; const counts = tags.get(279) ?? [];
    if (offsets.length !== counts.length || offsets.length === 0) throw new Error(`TIFF page ${pages.length + 1}: no strips`);
    const data = Buffer.concat(offsets.map((o, i) => {
      if (o + counts[i]! > buf.length) throw new Error(`TIFF page ${pages.length + 1}: strip past the end of the file`);
      return buf.subarray(o, o + counts[i]!);
    }));
    pages.push({
      width: tags.get(256)?.[0] ?? 0, height: tags.get(257)?.[0] ?? 0, xRes: rat.get(282) ?? 204, yRes: rat.get(283) ?? 196,
      compression: tags.get(259)?.[0] ?? 1, t4Options: tags.get(292)?.[0] ?? 0, fillOrder: tags.get(266)?.[0] ?? 1, data,
    });
    ifd = u32(ifd + 2 + n * 12);
  }
  return pages;
}

/** A multi-page TIFF (little-endian, one strip per page) of coded fax pages. */
export function writeFaxTiff(pages: readonly FaxPage[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 8;
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1'); header.writeUInt16LE(42, 2); header.writeUInt32LE(8, 4);
  parts.push(header);
  pages.forEach((p, i) => {
    const entries: Array<[tag: number, type: number, value: number]> = [
      [254, 4, 2], [256, 4, p.width], [257, 4, p.height], [258, 3, 1], [259, 3, p.compression], [262, 3, 0], [266, 3, p.fillOrder],
      [273, 4, 0], [277, 3, 1], [278, 4, p.height], [279, 4, p.data.length], [282, 5, 0], [283, 5, 0],
      [292, 4, p.t4Options], [296, 3, 2], [297, 3, i], // NewSubfileType page, ..., ResolutionUnit inch, PageNumber
    ];
    const ifdSize = 2 + entries.length * 12 + 4;
    const ratAt = offset + ifdSize;
    const dataAt = ratAt + 16;
    const ifd = Buffer.alloc(ifdSize + 16);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], k) => {
      const e = 2 + k * 12;
      ifd.writeUInt16LE(tag, e); ifd.writeUInt16LE(type, e + 2); ifd.writeUInt32LE(tag === 297 ? 2 : 1, e + 4);
      if (tag === 273) ifd.writeUInt32LE(dataAt, e + 8);
      else if (tag === 282) ifd.writeUInt32LE(ratAt, e + 8);
      else if (tag === 283) ifd.writeUInt32LE(ratAt + 8, e + 8);
      else if (tag === 297) { ifd.writeUInt16LE(i, e + 8); ifd.writeUInt16LE(pages.length, e + 10); }
      else if (type === 3) ifd.writeUInt16LE(value, e + 8);
      else ifd.writeUInt32LE(value, e + 8);
    });
    const next = i + 1 < pages.length ? dataAt + p.data.length + (p.data.length % 2) : 0;
    ifd.writeUInt32LE(next, 2 + entries.length * 12);
    ifd.writeUInt32LE(Math.round(p.xRes), ifdSize); ifd.writeUInt32LE(1, ifdSize + 4);
    ifd.writeUInt32LE(Math.round(p.yRes), ifdSize + 8); ifd.writeUInt32LE(1, ifdSize + 12);
    parts.push(ifd, p.data);
    if (p.data.length % 2) parts.push(Buffer.alloc(1)); // the next directory starts on a word boundary
    offset = dataAt + p.data.length + (p.data.length % 2);
  });
  return Buffer.concat(parts);
}
