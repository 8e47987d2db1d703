/**
 * Per-frame measurements of telephone PCM for call-progress detection:
 * level, call-progress tone (Goertzel at the tone frequencies in use) and a
 * coarse pitch-class profile used to tell music from speech.
 *
 * Frames are 40 ms (320 samples at 8 kHz). Why 40 ms: the Goertzel bin is
 * then 25 Hz wide, enough to separate the tones that sit close together
 * (400/450 UK ringback, 440/480 NA ringback: 40 Hz = 1.6 bins, leakage under
 * 4 %) while the shortest cadence element in the tables (NA reorder 250 ms,
 * UK ringback gap 200 ms) still spans five or more frames.
 */
import { SAMPLE_RATE } from '../audio.ts';

export const FRAME_MS = 40;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/** Frequencies of the call-progress tones used in China, North America, the UK and most of Europe (ITU-T E.180). */
export const TONE_FREQS = [350, 400, 425, 440, 450, 480, 620] as const;
export type ToneFreq = (typeof TONE_FREQS)[number];

/**
 * The single tones and pairs a tone plan uses. A frame is a tone when one of
 * these explains most of its energy.
 */
export const TONE_SIGNATURES: ReadonlyArray<readonly ToneFreq[]> = [
  [450], [425], [400], [440], [440, 480], [480, 620], [400, 450], [350, 440],
];

/** Power of `freq` in `x`, normalised so a pure sine at `freq` gives 1 and silence 0 (2|X|² / (N Σx²)). */
export function goertzel(x: Float64Array, freq: number, energy: number): number {
  if (energy <= 0) return 0;
  const w = (2 * Math.PI * freq) / SAMPLE_RATE;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = (x[i] as number) + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return (2 * power) / (x.length * energy);
}

export interface FrameTone {
  freqs: readonly ToneFreq[];
  /** Share of the frame's energy the tone explains (0..1). */
  score: number;
}

export interface FrameFeatures {
  /** RMS level, dB relative to full scale (a full-scale sine is -3 dBFS); -120 for digital silence. */
  levelDb: number;
  /** Energy (mean square, full scale = 1). */
  energy: number;
  /** The best-fitting tone signature, or null when no signature explains ≥ `TONE_MIN_SCORE`. */
  tone: FrameTone | null;
  /** 12 pitch classes (C..B), each the Goertzel power summed over 3 octaves; normalised to sum 1. */
  chroma: Float64Array;
  /** Share of energy at 2100 Hz: the answer tone of a fax or data modem (ITU-T V.25 ANS / T.30 CED). */
  answerTone: number;
}

/** The fax/modem answer tone, Hz. */
export const ANSWER_TONE_HZ = 2100;

/**
 * A frame is a tone when one signature explains ≥ 60 % of its energy and
 * each frequency of a pair ≥ 20 %. A clean tone scores ~0.95 (network tones
 * are within ±1.5 % of nominal), a tone at 10 dB SNR ~0.85; voiced speech
 * puts one harmonic on a tone frequency now and then but rarely more than
 * 40 % of a frame's energy in it, and never for long (runs are debounced).
 */
export const TONE_MIN_SCORE = 0.6;
const PAIR_MIN_EACH = 0.2;

// Pitch classes over 3 octaves, C4 (261.6 Hz) to B6: where sung and played
// melody sits, above the tone frequencies' octave so tones do not dominate.
const CHROMA_FREQS: number[][] = Array.from({ length: 12 }, (_, pc) =>
  [0, 1, 2].map((oct) => 261.63 * 2 ** (oct + pc / 12)),
);

export function analyseFrame(frame: Float64Array): FrameFeatures {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += (frame[i] as number) ** 2;
  const energy = sum / frame.length;
  const levelDb = energy > 0 ? 10 * Math.log10(energy) : -120;
  const r = new Map<ToneFreq, number>();
  for (const f of TONE_FREQS) r.set(f, goertzel(frame, f, sum));
  let tone: FrameTone | null = null;
  for (const sig of TONE_SIGNATURES) {
    const parts = sig.map((f) => r.get(f) as number);
    if (sig.length > 1 && parts.some((p) => p < PAIR_MIN_EACH)) continue;
    const score = Math.min(1, parts.reduce((a, b) => a + b, 0));
    // A pair must beat a single by a margin: leakage lets a pair score a little on a single tone.
    if (score >= TONE_MIN_SCORE && (!tone || score > tone.score + (sig.length > tone.freqs.length ? 0.1 : 0))) tone = { freqs: sig, score };
  }
  const chroma = new Float64Array(12);
  let total = 0;
  for (let pc = 0; pc < 12; pc++) {
    for (const f of CHROMA_FREQS[pc] as number[]) chroma[pc] = (chroma[pc] as number) + goertzel(frame, f, sum);
    total += chroma[pc] as number;
  }
  if (total > 0) for (let pc = 0; pc < 12; pc++) chroma[pc] = (chroma[pc] as number) / total;
  return { levelDb, energy, tone, chroma, answerTone: goertzel(frame, ANSWER_TONE_HZ, sum) };
}

/** Telephone PCM (s16le) to samples scaled to ±1. */
export function pcmToFloat(pcm: Buffer): Float64Array {
  const n = pcm.length >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}

/** Cosine similarity of two non-negative vectors (0 when either is zero). */
export function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
