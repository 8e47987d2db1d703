import { describe, expect, it } from 'vitest';
import { goneReason } from './causes.ts';

describe('Q.850 causes in the words of the call record', () => {
  it('maps the causes a leg ends with; a plain clearing is normal once answered, cancelled before', () => {
    expect(goneReason(16, true)).toBe('normal');
    expect(goneReason(16, false)).toBe('cancelled');
    expect(goneReason(undefined, false)).toBe('cancelled');
    expect(goneReason(17, false)).toBe('busy');
    expect(goneReason(19, false)).toBe('no-answer');
    expect(goneReason(21, false)).toBe('rejected');
    expect(goneReason(34, false)).toBe('failed');
  });
});
