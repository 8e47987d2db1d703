import { describe, expect, it } from 'vitest';
import { CallProgressDetector, type Heard } from './detector.ts';
import { Rng, addNoise, concat, farEnd, music, progressTone, silence, speech, toPcm, tone, type FarEndKind } from './far-end-audio.ts';
import type { ToneCountry } from './plans.ts';

/** Runs a clip through a detector in 20 ms chunks (as a modem delivers it). */
function hear(x: Float64Array, opts?: ConstructorParameters<typeof CallProgressDetector>[0]): Heard[] {
  const d = new CallProgressDetector(opts);
  const pcm = toPcm(x);
  for (let o = 0; o < pcm.length && !d.final; o += 320) d.push(pcm.subarray(o, o + 320));
  return d.decisions;
}
const kinds = (hs: Heard[]): string[] => hs.map((h) => h.kind);
const last = (hs: Heard[]): Heard | undefined => hs[hs.length - 1];

const COUNTRIES: ToneCountry[] = ['CN', 'NA', 'UK'];

describe('call-progress tones by cadence, per country', () => {
  it.each(COUNTRIES)('%s ringback (25 %% jitter, 1 %% drift, noise) is ringing of that country, never final', (country) => {
    for (const seed of [1, 2, 3]) {
      const x = addNoise(progressTone(country, 'ringback', 20_000, new Rng(seed), { jitter: 0.25, drift: 0.01, levelDb: -28, offsetMs: 300 * seed }), -50, new Rng(seed));
      const hs = hear(x);
      expect(kinds(hs)).toEqual(['ringback']);
      expect(hs[0]?.country).toBe(country);
    }
  });

  it.each(COUNTRIES)('%s busy is final busy within 3 s', (country) => {
    const hs = hear(progressTone(country, 'busy', 10_000, new Rng(4), { jitter: 0.2, levelDb: -15 }));
    expect(last(hs)).toMatchObject({ kind: 'busy', country, final: true });
    expect(last(hs)!.atMs).toBeLessThan(3000);
  });

  it.each(COUNTRIES)('%s congestion is final congestion', (country) => {
    const hs = hear(progressTone(country, 'congestion', 10_000, new Rng(5), { jitter: 0.15, levelDb: -20 }));
    expect(last(hs)).toMatchObject({ kind: 'congestion', country, final: true });
  });

  it('a continuous tone (dial tone, number unobtainable) is congestion after 3.5 s', () => {
    const hs = hear(tone([350, 440], 8000, -20));
    expect(last(hs)).toMatchObject({ kind: 'congestion', final: true });
    expect(last(hs)!.atMs).toBeGreaterThanOrEqual(3500);
  });
});

describe('answers by what is heard', () => {
  const cases: Array<[FarEndKind, string[]]> = [
    ['live', ['ringback', 'answered-live']],
    ['machine', ['ringback', 'answered-machine']],
    ['crbt-live', ['colour-ringback', 'answered-live']],
    ['crbt-machine', ['colour-ringback', 'answered-machine']],
  ];
  for (const [kind, expected] of cases) {
    it.each(COUNTRIES)(`${kind} (%s tones) is heard as ${expected.join(' then ')}, at three levels with noise`, (country) => {
      for (const [seed, levelDb, noiseDb] of [[21, -12, -40], [22, -22, -60], [23, -32, -50]] as const) {
        const hs = hear(farEnd(kind, seed, { country, levelDb, noiseDb, jitter: 0.2 }));
        expect(kinds(hs), `seed ${seed}`).toEqual(expected);
      }
    });
  }

  it('a person: a short greeting, then the pause decides (not before)', () => {
    const rng = new Rng(7);
    const greeting = speech(900, rng);
    const hs = hear(concat([silence(500), greeting, silence(3000)]));
    expect(last(hs)).toMatchObject({ kind: 'answered-live', final: true });
    // 500 ms before, the greeting (its last syllable may end a little before 900 ms), then the 700 ms pause.
    expect(last(hs)!.atMs).toBeGreaterThanOrEqual(500 + 700 + 700);
    expect(last(hs)!.atMs).toBeLessThanOrEqual(500 + 900 + 760);
  });

  it('a machine: speech on and on is decided after 4 s of it', () => {
    const hs = hear(concat([silence(300), speech(9000, new Rng(8)), silence(2000)]));
    expect(last(hs)).toMatchObject({ kind: 'answered-machine', final: true });
    expect(last(hs)!.atMs).toBeLessThan(300 + 4000 + 200);
  });

  it('a greeting between 2.5 and 4 s that ends in a pause is a machine (long greeting)', () => {
    const hs = hear(concat([speech(3200, new Rng(9), { maxPhraseGapMs: 300 }), silence(3000)]));
    expect(last(hs)?.kind).toBe('answered-machine');
    expect(last(hs)?.detail).toMatch(/long greeting/);
  });

  it('music then a person right after it (no gap): colour ring-back, then live', () => {
    const rng = new Rng(10);
    const hs = hear(concat([music(6000, rng), speech(1200, rng), silence(3000)]));
    expect(kinds(hs)).toEqual(['colour-ringback', 'answered-live']);
  });

  it('an advert read over music (a common 彩铃) is still ringing', () => {
    const rng = new Rng(15);
    const m = music(12_000, rng, -20);
    const voice = speech(12_000, rng, { levelDb: -20 });
    const hs = hear(addNoise(m.map((v, i) => 0.6 * v + (voice[i] as number)), -60, rng));
    expect(kinds(hs)).toEqual(['colour-ringback']);
  });

  it('a fax answering (2100 Hz answer tone) is a machine', () => {
    const hs = hear(concat([progressTone('CN', 'ringback', 6000, new Rng(16)), tone([2100], 3300, -15), silence(5000)]));
    expect(last(hs)).toMatchObject({ kind: 'answered-machine', final: true, detail: expect.stringMatching(/2100 Hz/) });
  });

  it('a click or a short noise burst is no answer', () => {
    const hs = hear(concat([progressTone('CN', 'ringback', 6000, new Rng(11)), tone([1000], 80, -10), silence(6000)]), { ringingStoppedMs: 30_000, deadLineMs: 30_000 });
    expect(kinds(hs)).toEqual(['ringback']);
  });
});

describe('silence', () => {
  it('nothing at all: a dead line after deadLineMs', () => {
    const hs = hear(addNoise(silence(15_000), -60, new Rng(12)), { deadLineMs: 8000 });
    expect(hs).toEqual([{ kind: 'silence', final: true, deadLine: true, atMs: 8000, detail: expect.stringMatching(/dead line/) }]);
  });

  it('ringback that stops without a word: silence, not a dead line (the driver takes it as answered)', () => {
    const hs = hear(concat([progressTone('NA', 'ringback', 9000, new Rng(13)), silence(9000)]));
    expect(kinds(hs)).toEqual(['ringback', 'silence']);
    expect(last(hs)?.deadLine).toBeUndefined();
  });

  it('silence while the network sets the call up, then ringback: no dead-line decision before it', () => {
    const hs = hear(concat([silence(7000), progressTone('CN', 'ringback', 12_000, new Rng(14))]));
    expect(kinds(hs)).toEqual(['ringback']);
  });
});

describe('determinism and streaming', () => {
  it('the same audio gives the same decisions whatever the chunk sizes (odd ones too)', () => {
    const x = toPcm(farEnd('crbt-live', 31, { country: 'UK' }));
    const whole = new CallProgressDetector();
    whole.push(x);
    const bits = new CallProgressDetector();
    for (let o = 0, n = 1; o < x.length; o += n, n = (n * 7 + 3) % 997) bits.push(x.subarray(o, o + n));
    expect(bits.decisions).toEqual(whole.decisions);
    expect(whole.decisions.length).toBeGreaterThan(0);
  });

  it('pushes after the final decision are ignored', () => {
    const d = new CallProgressDetector();
    d.push(toPcm(progressTone('CN', 'busy', 5000, new Rng(1))));
    const f = d.final;
    expect(f?.kind).toBe('busy');
    expect(d.push(toPcm(speech(5000, new Rng(2))))).toEqual([]);
    expect(d.final).toBe(f);
  });
});
