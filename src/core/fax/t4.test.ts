import { describe, expect, it } from 'vitest';
import { countT4Rows } from './t4.ts';

/** Bits (MSB first) to bytes, zero-padded. */
const bytes = (bits: string): Buffer => {
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
  return Buffer.from(Array.from({ length: padded.length / 8 }, (_, i) => Number.parseInt(padded.slice(i * 8, i * 8 + 8), 2)));
};
const rev = (b: Buffer) => Buffer.from(b.map((x) => Number.parseInt(x.toString(2).padStart(8, '0').split('').reverse().join(''), 2)));
const EOL = '000000000001';
/** A white line of 1728 pels in MH: make-up 1728 (010011011) + terminating 0 (00110101). */
const WHITE = '01001101100110101';

describe('countT4Rows', () => {
  it('counts lines by their EOLs, MSB or LSB first', () => {
    const page = bytes(`${EOL}${WHITE}`.repeat(5));
    expect(countT4Rows(page, 1, false)).toBe(5);
    expect(countT4Rows(rev(page), 2, false)).toBe(5);
  });
  it('does not count the RTC that ends a page on the line, nor fill bits', () => {
    expect(countT4Rows(bytes(`${EOL}${WHITE}`.repeat(3) + EOL.repeat(6)), 1, false)).toBe(3);
    expect(countT4Rows(bytes(`0000${EOL}${WHITE}0000000${EOL}${WHITE}`), 1, false)).toBe(2);
  });
  it('skips the tag bit after each EOL in 2-D coding', () => {
    expect(countT4Rows(bytes(`${EOL}1${WHITE}`.repeat(4) + `${EOL}1`.repeat(6)), 1, true)).toBe(4);
  });
});
