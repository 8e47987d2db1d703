import { describe, expect, it } from 'vitest';
import { ExactTableBuilder, MAX_E164_DIGITS_VALUE, e164Value } from './exact-table.ts';

describe('e164Value', () => {
  it('parses + and 1–15 digits', () => {
    expect(e164Value('+8613800138000')).toBe(8613800138000);
    expect(e164Value('+1')).toBe(1);
    expect(e164Value('+999999999999999')).toBe(MAX_E164_DIGITS_VALUE);
  });

  it('returns -1 for any other shape', () => {
    for (const k of ['', '+', '95588', '+0123', '+86 138', '+1234567890123456', '+86a', '8613800138000']) {
      expect(e164Value(k), k).toBe(-1);
    }
  });
});

describe('ExactTable', () => {
  it('finds every added value with its flags and misses the rest', () => {
    const b = new ExactTableBuilder();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      values.push(8613000000000 + x * 3);
    }
    values.forEach((v, i) => b.add(v, (i % 3) + 1));
    const t = b.finish();
    expect(t.size).toBe(new Set(values).size);
    expect(values.filter((v, i) => (t.flags(v) & ((i % 3) + 1)) === 0)).toEqual([]);
    const strays = Array.from({ length: 1000 }, (_, i) => 8613000000000 + i * 3 + 1);
    expect(strays.filter((v) => t.flags(v) !== 0)).toEqual([]);
    expect(t.byteLength).toBe(Math.ceil(50_000 / 0.7) * 8);
  });

  it('merges duplicates by OR-ing their flags, and handles the extremes', () => {
    const b = new ExactTableBuilder();
    b.add(8613800138000, 1);
    b.add(8613800138000, 2);
    b.add(MAX_E164_DIGITS_VALUE, 1);
    b.add(1, 2);
    const t = b.finish();
    expect(t.size).toBe(3);
    expect(t.flags(8613800138000)).toBe(3);
    expect(t.flags(MAX_E164_DIGITS_VALUE)).toBe(1);
    expect(t.flags(1)).toBe(2);
    expect(t.flags(2)).toBe(0);
  });

  it('works empty and across several 1 M-row chunks', () => {
    expect(new ExactTableBuilder().finish().flags(8613800138000)).toBe(0);
    const b = new ExactTableBuilder();
    const n = 2_500_000;
    for (let i = 0; i < n; i++) b.add(8615000000000 + i * 7, 1);
    const t = b.finish();
    expect(t.size).toBe(n);
    expect(t.flags(8615000000000)).toBe(1);
    expect(t.flags(8615000000000 + (n - 1) * 7)).toBe(1);
    expect(t.flags(8615000000000 + 1_234_567 * 7)).toBe(1);
    expect(t.flags(8615000000000 + 1_234_567 * 7 + 1)).toBe(0);
  });
});
