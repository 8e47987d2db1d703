import { describe, expect, it } from 'vitest';
import { MAX_PAGES, tiffPages } from './tiff.ts';

/** A minimal TIFF: `pages` IFDs with width, height and resolution, little- or big-endian. */
function tiff(pages: number, le = true, loop = false): Buffer {
  const entries = 4;
  const ifdSize = 2 + entries * 12 + 4;
  const ratSize = 16;
  const buf = Buffer.alloc(8 + pages * (ifdSize + ratSize));
  const u16 = (o: number, v: number) => (le ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (le ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  buf.write(le ? 'II' : 'MM', 0, 'latin1');
  u16(2, 42);
  u32(4, 8);
  for (let p = 0; p < pages; p++) {
    const ifd = 8 + p * (ifdSize + ratSize);
    const rat = ifd + ifdSize;
    u16(ifd, entries);
    const entry = (i: number, tag: number, type: number, value: number) => {
      const e = ifd + 2 + i * 12;
      u16(e, tag); u16(e + 2, type); u32(e + 4, 1);
      if (type === 3) u16(e + 8, value); else u32(e + 8, value);
    };
    entry(0, 256, 3, 1728);
    entry(1, 257, 4, 2200 + p);
    entry(2, 282, 5, rat);
    entry(3, 283, 5, rat + 8);
    u32(rat, 204); u32(rat + 4, 1); u32(rat + 8, 196); u32(rat + 12, 1);
    const next = p + 1 < pages ? ifd + ifdSize + ratSize : loop ? 8 : 0;
    u32(ifd + 2 + entries * 12, next);
  }
  return buf;
}

describe('tiffPages', () => {
  it('counts the pages and reads size and resolution, either byte order', () => {
    for (const le of [true, false]) {
      const pages = tiffPages(tiff(3, le));
      expect(pages).toHaveLength(3);
      expect(pages[2]).toEqual({ width: 1728, height: 2202, xRes: 204, yRes: 196 });
    }
  });
  it('stops at a loop in the page chain', () => {
    expect(tiffPages(tiff(2, true, true))).toHaveLength(2);
  });
  it('refuses what is not a TIFF, saying why', () => {
    expect(() => tiffPages(Buffer.from('%PDF-1.4'))).toThrow(/no byte-order mark/);
    expect(() => tiffPages(Buffer.from('II'))).toThrow(/shorter than its header/);
    const cut = tiff(2).subarray(0, 40);
    expect(() => tiffPages(cut)).toThrow(/past the end/);
  });
  it('follows at most MAX_PAGES directories', () => {
    expect(tiffPages(tiff(MAX_PAGES + 3))).toHaveLength(MAX_PAGES);
  });
});
