import { describe, expect, it } from 'vitest';
import { legCause } from './legs.ts';

describe('leg end causes', () => {
  it('Q.850 causes in the words of the call record; a normal clearing before answer is a cancelled offer', () => {
    expect(legCause(16, true)).toBe('normal');
    expect(legCause(16, false)).toBe('cancelled');
    expect(legCause(undefined, false)).toBe('cancelled');
    expect(legCause(17, false)).toBe('busy');
    expect(legCause(19, false)).toBe('no-answer');
    expect(legCause(21, false)).toBe('rejected');
    expect(legCause(34, false)).toBe('failed');
  });
});
