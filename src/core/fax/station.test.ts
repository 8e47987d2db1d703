import { describe, expect, it } from 'vitest';
import { cleanStationId } from './station.ts';

describe('station ids', () => {
  it('cleans what a far end sends: printable, trimmed, at most 20', () => {
    expect(cleanStationId('  +86 21 5555 1234 ')).toBe('+86 21 5555 1234');
    expect(cleanStationId('A\u0000B\u00ffC')).toBe('ABC');
    expect(cleanStationId('1'.repeat(30))).toHaveLength(20);
    expect(cleanStationId('   ')).toBeNull();
    expect(cleanStationId(undefined)).toBeNull();
  });
});
