import { describe, expect, it } from 'vitest';
import { backoffMs, transition, type DeliveryState, type RetryPolicy } from './policy.ts';

/** config/default.yaml's webhooks.retry. */
const DEFAULTS: RetryPolicy = { initialDelayMs: 5000, factor: 2, maxDelayMs: 600_000, jitter: 0.2, maxAttempts: 500, maxAgeMs: 86_400_000 };
const T0 = new Date('2026-12-01T00:00:00Z');
const fresh = (): DeliveryState => ({ status: 'pending', attempts: 0, nextAttemptAt: T0, roundStartedAt: T0 });

describe('webhook retry policy', () => {
  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 8, 20].map((n) => backoffMs(DEFAULTS, n, 0))).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 600_000, 600_000]);
  });
  it('takes up to `jitter` off each wait, never more', () => {
    expect(backoffMs(DEFAULTS, 1, 0.999_999)).toBe(4000);
    expect(backoffMs(DEFAULTS, 1, 0.5)).toBe(4500);
    expect(backoffMs({ ...DEFAULTS, jitter: 0 }, 1, 0.7)).toBe(5000);
    for (let i = 0; i < 100; i++) {
      const d = backoffMs(DEFAULTS, 3, Math.random());
      expect(d).toBeGreaterThanOrEqual(16_000);
      expect(d).toBeLessThanOrEqual(20_000);
    }
  });
  it('succeeds, retries, and dies at maxAttempts', () => {
    const p = { ...DEFAULTS, maxAttempts: 3 };
    let s = transition(fresh(), { type: 'failed', at: T0, random: 0 }, p);
    expect(s).toEqual({ status: 'pending', attempts: 1, nextAttemptAt: new Date(T0.getTime() + 5000), roundStartedAt: T0 });
    s = transition(s, { type: 'failed', at: s.nextAttemptAt, random: 0 }, p);
    expect(s.nextAttemptAt).toEqual(new Date(T0.getTime() + 15_000));
    s = transition(s, { type: 'failed', at: s.nextAttemptAt, random: 0 }, p);
    expect(s).toMatchObject({ status: 'dead', attempts: 3 });
    // a late success of a dead letter changes nothing; a replay starts a new round
    expect(transition(s, { type: 'succeeded', at: T0 }, p)).toBe(s);
    const at = new Date(T0.getTime() + 99_000);
    expect(transition(s, { type: 'replay', at }, p)).toEqual({ status: 'pending', attempts: 0, nextAttemptAt: at, roundStartedAt: at });
    expect(transition(fresh(), { type: 'succeeded', at: T0 }, p)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
  it('with the defaults: survives a receiver down for an hour, and gives up after 24 hours', () => {
    let s = fresh();
    let now = T0.getTime();
    const HOUR = 3_600_000;
    // refused for an hour: still pending, and the next attempt is at most 10 minutes after the hour
    while (s.nextAttemptAt.getTime() < T0.getTime() + HOUR) {
      now = s.nextAttemptAt.getTime();
      s = transition(s, { type: 'failed', at: new Date(now), random: 0.5 }, DEFAULTS);
      expect(s.status).toBe('pending');
    }
    expect(s.nextAttemptAt.getTime() - (T0.getTime() + HOUR)).toBeLessThanOrEqual(600_000);
    expect(transition(s, { type: 'succeeded', at: s.nextAttemptAt }, DEFAULTS).status).toBe('succeeded');
    // refused for good: dead once the next wait would pass 24 hours
    while (s.status === 'pending') s = transition(s, { type: 'failed', at: s.nextAttemptAt, random: 0.5 }, DEFAULTS);
    expect(s.nextAttemptAt.getTime() - T0.getTime()).toBeGreaterThan(23 * HOUR);
    expect(s.nextAttemptAt.getTime() - T0.getTime()).toBeLessThanOrEqual(24 * HOUR);
    expect(s.attempts).toBeGreaterThan(140);
  });
});
