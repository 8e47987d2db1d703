import { describe, expect, it } from 'vitest';
import { faxSupport } from './classes.ts';

describe('faxSupport', () => {
  it('prefers class 2.0, then class 2', () => {
    expect(faxSupport(['0', '1', '1.0', '2', '2.0', '8'])).toMatchObject({ supported: true, faxClass: '2.0' });
    expect(faxSupport(['0', '1', '2', '8'])).toMatchObject({ supported: true, faxClass: '2' });
  });
  it('reports class-1-only and fax-less modems as not supported', () => {
    expect(faxSupport(['0', '1', '1.0', '8'])).toEqual({ supported: false, faxClass: null, detail: expect.stringMatching(/^fax not supported \(class 1 only/) });
    expect(faxSupport(['0', '8']).detail).toBe('fax not supported (no fax class reported)');
    expect(faxSupport([]).supported).toBe(false);
  });
});
