import { describe, expect, it } from 'vitest';
import { AttemptTimes, DAY_MS, LogNormalFit, abandonFigures, normalCdf } from './stats.ts';

describe('measured statistics', () => {
  it('normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
  });
  it('log-normal fit: starts at the prior, learns the samples, conditions on the elapsed time', () => {
    const fit = new LogNormalFit(180, 1, 10, 1);
    expect(fit.mean).toBeCloseTo(180, 0);
    // a deterministic log-normal sample with median 100: ln x spread symmetrically
    for (let i = 0; i < 2000; i++) fit.add(100 * Math.exp(0.7 * (((i * 7919) % 2000) / 2000 - 0.5) * 3.4));
    expect(Math.exp(fit.mu)).toBeGreaterThan(90);
    expect(Math.exp(fit.mu)).toBeLessThan(110);
    expect(fit.cdf(Math.exp(fit.mu))).toBeCloseTo(0.5, 6);
    expect(fit.doneWithin(0, 1e9)).toBeCloseTo(1, 6);
    expect(fit.doneWithin(50, 0)).toBe(0);
    const p = fit.doneWithin(100, 20);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
  it('attempt times: live rate with a prior, answer distribution, the chance a ringing call is answered', () => {
    const t = new AttemptTimes({ maxS: 30, priorLiveRate: 0.2, priorWeight: 10, forget: 1 });
    expect(t.liveRate()).toBeCloseTo(0.2, 6);
    for (let i = 0; i < 1000; i++) {
      if (i % 4 === 0) t.record('live', 5 + (i % 20)); // 25 % live, answered 5..24 s
      else if (i % 4 === 1) t.record('busy', 4);
      else t.record('no-answer', 30);
    }
    expect(t.liveRate()).toBeGreaterThan(0.24);
    expect(t.liveRate()).toBeLessThan(0.25);
    expect(t.answerCdf(2)).toBeLessThan(0.02);
    expect(t.answerCdf(26)).toBeCloseTo(1, 6);
    expect(t.answerQuantile(0.5)).toBeGreaterThan(12);
    expect(t.answerQuantile(0.5)).toBeLessThan(18);
    // once the busy signals are past, a ringing call is likelier to be a person
    expect(t.liveWithin(6, 30)).toBeGreaterThan(t.liveWithin(0, 30));
    // past the last answers, nobody answers any more
    expect(t.liveWithin(26, 10)).toBeLessThan(0.01);
  });
  it('forgets old attempts', () => {
    const t = new AttemptTimes({ maxS: 30, forget: 0.99 });
    for (let i = 0; i < 2000; i++) t.record('live', 10);
    expect(t.liveRate()).toBeGreaterThan(0.99);
    for (let i = 0; i < 2000; i++) t.record('busy', 3);
    expect(t.liveRate()).toBeLessThan(0.01);
  });
  it('abandonment over the rolling 24 h and 30 d windows', () => {
    const now = Date.UTC(2025, 5, 30);
    const recs = [
      { liveAnsweredAt: now - 1000, abandoned: true },
      { liveAnsweredAt: now - 2000, abandoned: false },
      { liveAnsweredAt: now - 3000, abandoned: false },
      { liveAnsweredAt: now - DAY_MS - 1, abandoned: true }, // month only
      { liveAnsweredAt: now - 29 * DAY_MS, abandoned: false },
      { liveAnsweredAt: now - 31 * DAY_MS, abandoned: true }, // too old
      { liveAnsweredAt: null, abandoned: false }, // nobody answered
      { liveAnsweredAt: now + 1000, abandoned: true }, // after now
    ];
    expect(abandonFigures(recs, now)).toEqual({
      day: { liveAnswered: 3, abandoned: 1, rate: 1 / 3 },
      month: { liveAnswered: 5, abandoned: 2, rate: 2 / 5 },
    });
    expect(abandonFigures([], now).day).toEqual({ liveAnswered: 0, abandoned: 0, rate: null });
  });
});
