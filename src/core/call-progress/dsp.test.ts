import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, analyseFrame, goertzel } from './dsp.ts';
import { Rng, addNoise, music, speech, tone } from './far-end-audio.ts';
import { TONE_PLANS, cadenceMatch, within, type Run } from './plans.ts';

const frame = (x: Float64Array, at = 0): Float64Array => x.slice(at, at + FRAME_SAMPLES);
const energy = (x: Float64Array): number => x.reduce((a, v) => a + v * v, 0);

describe('Goertzel and tone frames', () => {
  it('gives about 1 for a sine on the frequency and about 0 two bins away', () => {
    const x = frame(tone([450], 100, -20));
    expect(goertzel(x, 450, energy(x))).toBeGreaterThan(0.95);
    expect(goertzel(x, 400, energy(x))).toBeLessThan(0.05);
    expect(goertzel(new Float64Array(FRAME_SAMPLES), 450, 0)).toBe(0);
  });

  it.each([
    [[450]], [[425]], [[400]], [[440, 480]], [[480, 620]], [[400, 450]], [[350, 440]],
  ])('names the signature %j, also 1 % off frequency, at -35 dBFS in -55 dBFS noise', (freqs) => {
    const x = addNoise(tone(freqs.map((f) => f * 1.01), 100, -35), -55, new Rng(1));
    const f = analyseFrame(frame(x, 100));
    expect(f.tone?.freqs).toEqual(freqs);
    expect(f.tone?.score).toBeGreaterThan(0.8);
  });

  it('finds no tone in noise, and seldom in speech or music', () => {
    const rng = new Rng(2);
    expect(analyseFrame(frame(addNoise(new Float64Array(FRAME_SAMPLES), -30, rng))).tone).toBeNull();
    for (const x of [speech(4000, rng), music(4000, rng)]) {
      let toned = 0;
      let n = 0;
      for (let o = 0; o + FRAME_SAMPLES <= x.length; o += FRAME_SAMPLES, n++) if (analyseFrame(frame(x, o)).tone) toned++;
      expect(toned / n).toBeLessThan(0.1);
    }
  });

  it('levels: a full-scale sine is about -3 dBFS, digital silence -120', () => {
    expect(analyseFrame(frame(tone([1000], 100, -3))).levelDb).toBeCloseTo(-3, 0);
    expect(analyseFrame(new Float64Array(FRAME_SAMPLES)).levelDb).toBe(-120);
  });
});

describe('cadence matching', () => {
  const plan = (country: string, role: string) => TONE_PLANS.find((p) => p.country === country && p.role === role)!;
  const on = (ms: number, freqs: number[]): Run => ({ on: true, ms, freqs });
  const off = (ms: number): Run => ({ on: false, ms, freqs: [] });

  it('allows ±30 % of each element and never less than ±100 ms', () => {
    expect(within(1280, 1000)).toBe(true);
    expect(within(1320, 1000)).toBe(false);
    expect(within(290, 200)).toBe(true);
    expect(within(310, 200)).toBe(false);
  });

  it('matches the UK double ring at any phase, not as a busy tone', () => {
    const uk = [off(300), on(380, [400, 450]), off(230), on(420, [400, 450]), off(1900), on(400, [400, 450])];
    expect(cadenceMatch(plan('UK', 'ringback'), uk)).toBe(5);
    expect(cadenceMatch(plan('UK', 'busy'), uk)).toBeLessThan(2);
  });

  it('tells Chinese busy from congestion from ringback by the lengths', () => {
    const busy = [on(330, [450]), off(380), on(360, [450]), off(340)];
    expect(cadenceMatch(plan('CN', 'busy'), busy)).toBe(4);
    expect(cadenceMatch(plan('CN', 'congestion'), busy)).toBe(0);
    expect(cadenceMatch(plan('CN', 'ringback'), busy)).toBe(0);
  });

  it('accepts a near frequency (440 for 450) but not another plan’s pair', () => {
    expect(cadenceMatch(plan('CN', 'busy'), [on(350, [440]), off(350)])).toBe(2);
    expect(cadenceMatch(plan('CN', 'busy'), [on(350, [480, 620]), off(350)])).toBe(1);
  });
});
