import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, nextAttempt, nextAttemptAt, type PastAttempt } from './retry.ts';

const H = 3600_000;
const T0 = Date.UTC(2025, 2, 10, 2, 0); // Monday 10:00 in Beijing

describe('retry rules', () => {
  it('a fresh number may be tried at once', () => {
    expect(nextAttempt([])).toEqual({ retry: true, at: -Infinity });
  });
  it('the delay of the last outcome', () => {
    expect(nextAttempt([{ endedAt: T0, outcome: 'busy' }])).toEqual({ retry: true, at: T0 + 10 * 60_000 });
    expect(nextAttempt([{ endedAt: T0, outcome: 'busy' }, { endedAt: T0 + H, outcome: 'no-answer' }])).toEqual({ retry: true, at: T0 + 2 * H });
    expect(nextAttempt([{ endedAt: T0, outcome: 'machine' }])).toEqual({ retry: true, at: T0 + 4 * H });
    expect(nextAttempt([{ endedAt: T0, outcome: 'abandoned' }])).toEqual({ retry: true, at: T0 + 72 * H });
  });
  it('stops after the most attempts of an outcome, of any kind, or once reached', () => {
    const busy = (n: number): PastAttempt[] => Array.from({ length: n }, (_, i) => ({ endedAt: T0 + i * H, outcome: 'busy' }));
    expect(nextAttempt(busy(4)).retry).toBe(true);
    expect(nextAttempt(busy(5))).toEqual({ retry: false, why: '5 × busy (most 5)' });
    expect(nextAttempt(busy(3), { ...DEFAULT_RETRY, maxTotal: 3 })).toEqual({ retry: false, why: '3 attempts (most 3)' });
    expect(nextAttempt([{ endedAt: T0, outcome: 'connected' }, { endedAt: T0 + H, outcome: 'busy' }])).toEqual({ retry: false, why: 'reached' });
  });
  it('moves the retry into the calling window of the callee', () => {
    // no answer at 20:30 Beijing: the rules say 21:30, the window says 08:00 the next day
    const late = Date.UTC(2025, 2, 10, 12, 30);
    expect(new Date(nextAttemptAt('+8613800138000', [{ endedAt: late, outcome: 'no-answer' }], late)!).toISOString()).toBe('2025-03-11T00:00:00.000Z');
    // busy at 10:00: 10:10, inside the window
    expect(nextAttemptAt('+8613800138000', [{ endedAt: T0, outcome: 'busy' }], T0)).toBe(T0 + 10 * 60_000);
    // never before now
    expect(nextAttemptAt('+8613800138000', [{ endedAt: T0, outcome: 'busy' }], T0 + H)).toBe(T0 + H);
    expect(nextAttemptAt('+8613800138000', [{ endedAt: T0, outcome: 'connected' }], T0)).toBeNull();
  });
});
