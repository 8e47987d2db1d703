/**
 * How many scan lines a T.4 (G3) coded page has, from its EOL codes
 * (eleven or more 0 bits, then a 1): a fax modem hands over page data
 * without its length, but a TIFF must say it. The RTC that ends a page on
 * the line (six EOLs in a row) is not lines. `fillOrder` 1: the first bit is
 * each octet's most significant; 2: its least significant. With 2-D coding
 * (`twoD`) each EOL is followed by a tag bit.
 */
export function countT4Rows(data: Buffer, fillOrder: number, twoD: boolean): number {
  let zeros = 0;
  let eols = 0;
  /** EOLs in the current run of EOLs with nothing coded between them. */
  let run = 0;
  let sinceEol = -1; // bits of coded data since the last EOL (-1: none yet)
  let skipTag = false;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    for (let k = 0; k < 8; k++) {
      const bit = fillOrder === 2 ? (byte >> k) & 1 : (byte >> (7 - k)) & 1;
      if (skipTag) { skipTag = false; continue; }
      if (bit === 0) { zeros++; continue; }
      if (zeros >= 11) {
        eols++;
        run = sinceEol === 0 ? run + 1 : 1;
        sinceEol = 0;
        skipTag = twoD;
      } else {
        sinceEol += zeros + 1;
      }
      zeros = 0;
    }
  }
  // EOLs with nothing coded after them end the page (RTC), they precede no line
  const rtc = sinceEol === 0 ? run : 0;
  return Math.max(0, eols - rtc);
}
