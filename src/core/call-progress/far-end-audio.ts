/**
 * What the far end of a dialled call sounds like, synthesised and seeded:
 * ringback, busy and congestion per country tone plan (with cadence jitter,
 * frequency drift and level differences), speech-like greetings (voiced
 * syllables through formant resonators, consonant noise, pauses), music
 * (chords on a steady beat: a colour ring-back tone) and line noise.
 * Used by the modem simulator, the classifier's tests and its benchmark.
 * Samples are floats in ±1 at 8 kHz; `toPcm` makes telephone PCM.
 */
import { SAMPLE_RATE } from '../audio.ts';
import { TONE_PLANS, type ToneCountry, type ToneRole } from './plans.ts';

/** mulberry32: small, fast, and the same numbers on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
}

const samples = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000);
const amp = (levelDb: number): number => 10 ** (levelDb / 20) * Math.SQRT2;

export const silence = (ms: number): Float64Array => new Float64Array(samples(ms));

export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Adds white-ish noise at `levelDb` dBFS (RMS) in place. */
export function addNoise(x: Float64Array, levelDb: number, rng: Rng): Float64Array {
  const a = 10 ** (levelDb / 20) * Math.sqrt(3);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + a * (2 * rng.next() - 1);
  return x;
}

/** Floats in ±1 to telephone PCM (s16le), clipped. */
export function toPcm(x: Float64Array): Buffer {
  const b = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((x[i] as number) * 32767))), i * 2);
  return b;
}

/** A steady tone of one or more frequencies; `levelDb` is the RMS of the sum. */
export function tone(freqs: readonly number[], ms: number, levelDb: number, phase = 0): Float64Array {
  const n = samples(ms);
  const out = new Float64Array(n);
  const a = amp(levelDb) / Math.sqrt(freqs.length);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const f of freqs) v += Math.sin((2 * Math.PI * f * i) / SAMPLE_RATE + phase);
    out[i] = a * v;
  }
  return out;
}

export interface ToneOptions {
  /** Each cadence element is scaled by 1 ± jitter (uniform). Default 0. */
  jitter?: number;
  /** Frequencies are off by up to ± this share (exchanges drift). Default 0. */
  drift?: number;
  /** Default -20 dBFS. */
  levelDb?: number;
  /** Start this far into the cadence (listening rarely starts on a tone edge). Default 0. */
  offsetMs?: number;
}

/** `ms` of a country's ringback, busy or congestion tone. */
export function progressTone(country: ToneCountry, role: ToneRole, ms: number, rng: Rng, o: ToneOptions = {}): Float64Array {
  const plan = TONE_PLANS.find((p) => p.country === country && p.role === role);
  if (!plan) throw new Error(`no ${role} tone for ${country}`);
  const k = 1 + (o.drift ?? 0) * (2 * rng.next() - 1);
  const freqs = (plan.freqs[0] as readonly number[]).map((f) => f * k);
  const parts: Float64Array[] = [];
  let total = -(o.offsetMs ?? 0);
  for (let i = 0; total < ms; i++) {
    const nominal = plan.cadence[i % plan.cadence.length] as number;
    const len = nominal * (1 + (o.jitter ?? 0) * (2 * rng.next() - 1));
    const el = i % 2 === 0 ? tone(freqs, len, o.levelDb ?? -20) : silence(len);
    parts.push(total < 0 ? el.subarray(Math.min(el.length, samples(-total))) : el);
    total += len;
  }
  return concat(parts).subarray(0, samples(ms));
}

/** Two-pole resonator (a formant) run over `x` in place of a copy. */
function resonate(x: Float64Array, freq: number, bw: number): Float64Array {
  const r = Math.exp((-Math.PI * bw) / SAMPLE_RATE);
  const c = 2 * r * Math.cos((2 * Math.PI * freq) / SAMPLE_RATE);
  const out = new Float64Array(x.length);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const y = (x[i] as number) + c * y1 - r * r * y2;
    out[i] = y;
    y2 = y1;
    y1 = y;
  }
  return out;
}

// Vowel formants F1/F2 (Hz), roughly those of Mandarin a, o, e, i, u, ü, ai, ao.
const VOWELS: ReadonlyArray<readonly [number, number]> = [
  [850, 1220], [600, 900], [550, 1200], [300, 2300], [330, 800], [300, 1900], [700, 1700], [650, 1000],
];

function normalise(x: Float64Array, levelDb: number): Float64Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, x.length));
  const g = rms > 0 ? 10 ** (levelDb / 20) / rms : 0;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * g;
  return x;
}

/** One syllable: optional consonant noise, then a voiced vowel with a gliding pitch and a smooth envelope. */
function syllable(rng: Rng, f0: number, levelDb: number): Float64Array {
  const ms = rng.range(130, 260);
  const n = samples(ms);
  const src = new Float64Array(n);
  const glide = rng.range(-0.25, 0.2);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = f0 * (1 + (glide * i) / n);
    phase += f / SAMPLE_RATE;
    if (phase >= 1) {
      phase -= 1;
      src[i] = 1;
    }
  }
  const [f1, f2] = rng.pick(VOWELS);
  const a = resonate(src, f1 * rng.range(0.9, 1.1), 90);
  const b = resonate(src, f2 * rng.range(0.9, 1.1), 130);
  const c = resonate(src, 2600, 250);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const env = Math.sin((Math.PI * i) / n) ** 0.6;
    v[i] = env * ((a[i] as number) + 0.6 * (b[i] as number) + 0.25 * (c[i] as number));
  }
  normalise(v, levelDb);
  if (rng.next() < 0.5) return v;
  // A fricative or aspirated onset: high-passed noise.
  const cons = new Float64Array(samples(rng.range(40, 90)));
  let prev = 0;
  for (let i = 0; i < cons.length; i++) {
    const w = 2 * rng.next() - 1;
    cons[i] = w - prev;
    prev = w;
  }
  return concat([normalise(cons, levelDb - 8), v]);
}

export interface SpeechOptions {
  /** Default -22 dBFS (RMS over the voiced parts). */
  levelDb?: number;
  /** Longest gap between phrases, ms. Default 350 (a machine reading on); a person's turn-taking pause is longer. */
  maxPhraseGapMs?: number;
}

/**
 * About `ms` of speech: syllables in words (gaps 15–70 ms), words in phrases
 * (gaps 40–150 ms), phrases apart by 150 ms to `maxPhraseGapMs`. Each gap is
 * the whole silence between two syllables.
 */
export function speech(ms: number, rng: Rng, o: SpeechOptions = {}): Float64Array {
  const f0 = rng.range(110, 230);
  const parts: Float64Array[] = [];
  let total = 0;
  const add = (x: Float64Array): void => {
    parts.push(x);
    total += (x.length * 1000) / SAMPLE_RATE;
  };
  while (total < ms) {
    const words = 1 + Math.floor(rng.next() * 3);
    for (let w = 0; w < words && total < ms; w++) {
      const syll = 1 + Math.floor(rng.next() * 3);
      for (let s = 0; s < syll && total < ms; s++) {
        add(syllable(rng, f0 * rng.range(0.85, 1.15), o.levelDb ?? -22));
        const gap = s < syll - 1 ? rng.range(15, 70) : w < words - 1 ? rng.range(40, 150) : rng.range(150, o.maxPhraseGapMs ?? 350);
        add(silence(gap));
      }
    }
  }
  return concat(parts).subarray(0, samples(ms));
}

const SEMITONE = 2 ** (1 / 12);
// I–V–vi–IV, the progression of most ring-back pop songs, as semitones above the key.
const PROGRESSION = [[0, 4, 7], [7, 11, 14], [9, 12, 16], [5, 9, 12]];

/** Music: a chord per beat (bass, triad, melody note, a few harmonics each), steady tempo, mastered loud. */
export function music(ms: number, rng: Rng, levelDb = -18): Float64Array {
  const key = 220 * SEMITONE ** Math.floor(rng.range(0, 12));
  const beatMs = 60_000 / rng.range(90, 130);
  const n = samples(ms);
  const out = new Float64Array(n);
  const beatN = samples(beatMs);
  for (let b = 0; b * beatN < n; b++) {
    const chord = PROGRESSION[Math.floor(b / 4) % PROGRESSION.length] as number[];
    const melody = rng.pick(chord) + 12;
    const notes = [...chord.map((s) => ({ s, a: 1 })), { s: chord[0] as number - 12, a: 0.8 }, { s: melody, a: 0.9 }];
    for (let i = 0; i < beatN && b * beatN + i < n; i++) {
      const t = (b * beatN + i) / SAMPLE_RATE;
      // Notes sustain through the beat (decay to about 60 %), with a 15 ms attack.
      const env = Math.min(1, i / samples(15)) * (0.6 + 0.4 * Math.exp(-i / beatN * 2));
      let v = 0;
      for (const { s, a } of notes) {
        const f = key * SEMITONE ** s;
        v += a * (Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t) + 0.2 * Math.sin(6 * Math.PI * f * t));
      }
      out[b * beatN + i] = env * v;
    }
  }
  return normalise(out, levelDb);
}

/** The far-end scenarios the simulator and the tests script. */
export type FarEndKind = 'live' | 'machine' | 'crbt-live' | 'crbt-machine' | 'busy' | 'congestion' | 'no-answer' | 'dead';

export interface FarEndOptions {
  country?: ToneCountry;
  /** Ringback (or colour ring-back music) before the answer. Default 7000 ms. */
  ringMs?: number;
  /** Length of the whole clip (the far end keeps talking or ringing to its end). Default 20000 ms. */
  totalMs?: number;
  jitter?: number;
  /** Noise level, dBFS; default -60. */
  noiseDb?: number;
  /** Level of tones and voice, dBFS; default -20. */
  levelDb?: number;
  /** The answer's voice (e.g. from TTS) instead of synthesised speech; played at the level it has. */
  voice?: Float64Array;
}

/**
 * One call's far-end audio. A person answers with a short phrase or two
 * (0.4–2.2 s, gaps under 0.5 s) and waits; a machine talks on for 5–9 s with
 * phrase gaps up to 0.6 s.
 */
export function farEnd(kind: FarEndKind, seed: number, o: FarEndOptions = {}): Float64Array {
  return farEndClip(kind, seed, o).audio;
}

/** {@link farEnd}, and when in it the far end answers (null when it never does). */
export function farEndClip(kind: FarEndKind, seed: number, o: FarEndOptions = {}): { audio: Float64Array; answerAtMs: number | null } {
  const rng = new Rng(seed);
  const country = o.country ?? 'CN';
  const total = o.totalMs ?? 20_000;
  const ring = o.ringMs ?? 7000;
  const lvl = o.levelDb ?? -20;
  const t = { jitter: o.jitter ?? 0, drift: 0.01, levelDb: lvl, offsetMs: rng.range(0, 500) };
  const live = (): Float64Array[] => [silence(rng.range(200, 600)), o.voice ?? speech(rng.range(400, 2200), rng, { levelDb: lvl - 2, maxPhraseGapMs: 500 })];
  const machine = (): Float64Array[] => [silence(rng.range(200, 600)), o.voice ?? speech(rng.range(5000, 9000), rng, { levelDb: lvl - 2, maxPhraseGapMs: 600 })];
  let parts: Float64Array[];
  let answerAtMs: number | null = ring;
  switch (kind) {
    case 'live': parts = [progressTone(country, 'ringback', ring, rng, t), ...live()]; break;
    case 'machine': parts = [progressTone(country, 'ringback', ring, rng, t), ...machine()]; break;
    case 'crbt-live': parts = [music(ring, rng, lvl + 2), ...live()]; break;
    case 'crbt-machine': parts = [music(ring, rng, lvl + 2), ...machine()]; break;
    case 'busy': parts = [progressTone(country, 'busy', total, rng, t)]; answerAtMs = null; break;
    case 'congestion': parts = [progressTone(country, 'congestion', total, rng, t)]; answerAtMs = null; break;
    case 'no-answer': parts = [progressTone(country, 'ringback', total, rng, t)]; answerAtMs = null; break;
    case 'dead': parts = []; answerAtMs = null; break;
  }
  const x = concat(parts);
  const full = new Float64Array(samples(total));
  full.set(x.subarray(0, full.length));
  return { audio: addNoise(full, o.noiseDb ?? -60, rng), answerAtMs };
}
