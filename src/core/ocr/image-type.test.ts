import { describe, expect, it } from 'vitest';
import { describeNonImage, sniffImage } from './image-type.ts';

describe('image type by magic bytes', () => {
  it('knows JPEG, PNG and WebP, and says what else it got', () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('png');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImage(Buffer.from('%PDF-1.7'))).toBeNull();
    expect(describeNonImage(Buffer.from('%PDF-1.7'))).toBe('a PDF');
    expect(describeNonImage(Buffer.from('hello world'))).toBe('text');
    expect(describeNonImage(Buffer.alloc(0))).toBe('an empty body');
    expect(describeNonImage(Buffer.from([1, 2, 3, 4, 5]))).toBe('bytes starting 01020304');
  });
});
