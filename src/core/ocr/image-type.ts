/** What an uploaded file is, by its first bytes (never by its name or declared type). */

export type ImageType = 'jpeg' | 'png' | 'webp';

/** The image type the bytes start with, or null when they are no JPEG, PNG or WebP. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return null;
}

/** A short description of what the bytes look like instead, for the 400 message. */
export function describeNonImage(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty body';
  const head = String.fromCharCode(...bytes.subarray(0, 5));
  if (head === '%PDF-') return 'a PDF';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'a ZIP archive (or an Office file)';
  if (head.startsWith('GIF8')) return 'a GIF (not taken: send JPEG, PNG or WebP)';
  if ([...head].every((ch) => ch === '\t' || ch === '\n' || ch === '\r' || (ch >= ' ' && ch <= '~'))) return 'text';
  return `bytes starting ${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`;
}
