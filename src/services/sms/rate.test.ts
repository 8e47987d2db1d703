import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate.ts';

describe('RateWindow', () => {
  it('allows max takes in any window and says when the next is free', () => {
    const r = new RateWindow(2, 60_000);
    expect(r.allows(0)).toBe(true);
    r.take(0); r.take(10_000);
    expect(r.allows(30_000)).toBe(false);
    expect(r.nextFreeAt(30_000)).toBe(60_000);
    expect(r.allows(60_000)).toBe(true);
    expect(r.nextFreeAt(60_000)).toBeNull();
  });
});
