import { describe, expect, it } from 'vitest';
import { addSums, answeredWithinRings, emptySums, kpi, ringsHeard, type CallSums } from './metrics.ts';

const sums = (o: Partial<CallSums>): CallSums => ({ ...emptySums(), ...o });

describe('ring counting (ring cycle 6 s, China)', () => {
  it('counts the rings a caller heard', () => {
    expect(ringsHeard(0, 6000)).toBe(1);
    expect(ringsHeard(6000, 6000)).toBe(1);
    expect(ringsHeard(6001, 6000)).toBe(2);
    expect(ringsHeard(18_000, 6000)).toBe(3);
    expect(ringsHeard(18_001, 6000)).toBe(4);
    expect(() => ringsHeard(1, 0)).toThrow(RangeError);
  });
  it('applies the seed rule "never more than three rings" as wait <= 3 cycles', () => {
    expect(answeredWithinRings(18_000, 3, 6000)).toBe(true);
    expect(answeredWithinRings(18_001, 3, 6000)).toBe(false);
    expect(answeredWithinRings(-5, 1, 6000)).toBe(true);
    expect(answeredWithinRings(11_999, 3, 4000)).toBe(true);
  });
});

describe('KPIs from sums', () => {
  it('computes rates, means, service level and handle time', () => {
    const s = sums({ calls: 10, answered: 6, abandoned: 3, abandonWaitMs: 90_000, answerWaitMs: 60_000, slMet: 5, rings: [2, 3, 4, 5, 6], talkMs: 600_000, wrapMs: 120_000, wraps: 4 });
    const k = kpi(s, 3, null);
    expect(k).toMatchObject({
      offered: 10, answered: 6, abandoned: 3, unanswered: 1, answerRate: 0.6, abandonRate: 0.3, averageAbandonWaitMs: 30_000,
      answeredWithinRings: 4, answeredWithinRingsRate: 0.4, serviceLevel: 0.5, averageSpeedOfAnswerMs: 10_000,
      averageTalkMs: 100_000, averageHoldMs: null, averageWrapUpMs: 30_000, averageHandleMs: 120_000, occupancy: null, utilisation: null, loggedInMs: null,
    });
  });
  it('gives null, not zero or NaN, where there is nothing to divide by', () => {
    const k = kpi(emptySums(), 1, {});
    expect(k.answerRate).toBeNull();
    expect(k.serviceLevel).toBeNull();
    expect(k.averageSpeedOfAnswerMs).toBeNull();
    expect(k.averageHandleMs).toBeNull();
    expect(k.occupancy).toBeNull();
    expect(k.loggedInMs).toBe(0);
  });
  it('computes occupancy over available time and utilisation over logged-in time', () => {
    const k = kpi(emptySums(), 3, { 'on-call': 3000, 'wrap-up': 1000, ready: 3000, ringing: 1000, paused: 2000, 'logged-out': 99_999 });
    expect(k.occupancy).toBe(0.5);
    expect(k.utilisation).toBe(0.4);
    expect(k.loggedInMs).toBe(10_000);
  });
  it('adds sums field by field and refuses a ring count outside 1..5', () => {
    const a = sums({ calls: 1, rings: [1, 1, 1, 1, 1], talkMs: 5 });
    expect(addSums(a, a)).toEqual(sums({ calls: 2, rings: [2, 2, 2, 2, 2], talkMs: 10 }));
    expect(() => kpi(a, 0, null)).toThrow(RangeError);
    expect(() => kpi(a, 6, null)).toThrow(RangeError);
  });
});
