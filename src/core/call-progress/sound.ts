/**
 * Speech or music? Judged over a stretch of non-tone sound (1.6 s and more).
 *
 * Two facts carry it:
 * - Speech comes in syllables: its energy drops ≥ 10 dB between them several
 *   times a second, so a good share of 40 ms frames sits far below the
 *   stretch's mean. Music played as a ring-back tone is mastered loud and
 *   continuous: notes overlap, dips are shallow.
 * - Music holds pitches: a chord sounds for a beat, so the pitch-class
 *   profile of consecutive frames stays the same. Speech pitch glides all the
 *   time and its harmonics move with it.
 * An advert read over music (a common 彩铃) has music's continuity and is
 * usually judged music, which is the right answer: it is still ringing.
 * Line noise loud enough to pass the noise floor (a hissing line, a floor
 * still settling) is neither: no dips and a level that hardly moves.
 */
import { cosine, type FrameFeatures } from './dsp.ts';

/** A frame ≥ 10 dB under the stretch's mean energy is a dip (between syllables, or a pause). */
const DIP_RATIO = 0.1;
/**
 * Dips in speech: 15–40 % of frames (measured on the synthetic speech of
 * far-end-audio.ts and on espeak-ng); music under 5 %. The threshold sits
 * between, nearer music, because calling music speech only delays the answer
 * decision while calling speech music loses an answer.
 */
export const MUSIC_MAX_DIPS = 0.08;
/**
 * Mean pitch-class similarity of consecutive frames: held chords ≥ 0.85,
 * speech 0.5–0.75.
 */
export const MUSIC_MIN_STEADINESS = 0.8;
/**
 * Spread of frame levels (10th to 90th percentile): steady noise moves about
 * 0.5 dB (320 samples of white noise: ±0.4 dB), music with its beats 2.5 dB
 * and more, speech with its syllables 10 dB and more. Noise also has no
 * steady pitches: the two together tell it from loud, evenly mastered music.
 */
export const NOISE_MAX_SPREAD_DB = 1.5;

export interface SoundVerdict {
  kind: 'music' | 'speech' | 'noise';
  dips: number;
  steadiness: number;
  spreadDb: number;
}

export function judgeSound(frames: readonly FrameFeatures[]): SoundVerdict {
  let mean = 0;
  for (const f of frames) mean += f.energy;
  mean /= Math.max(1, frames.length);
  let dips = 0;
  for (const f of frames) if (f.energy < mean * DIP_RATIO) dips++;
  let sim = 0;
  let pairs = 0;
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1] as FrameFeatures;
    const b = frames[i] as FrameFeatures;
    if (a.energy < mean * DIP_RATIO || b.energy < mean * DIP_RATIO) continue;
    sim += cosine(a.chroma, b.chroma);
    pairs++;
  }
  const dipShare = dips / Math.max(1, frames.length);
  const steadiness = pairs ? sim / pairs : 0;
  const levels = frames.map((f) => f.levelDb).sort((a, b) => a - b);
  const spread = levels.length ? (levels[Math.floor(levels.length * 0.9)] as number) - (levels[Math.floor(levels.length * 0.1)] as number) : 0;
  const kind = dipShare <= MUSIC_MAX_DIPS && spread < NOISE_MAX_SPREAD_DB && steadiness < MUSIC_MIN_STEADINESS ? 'noise'
    : dipShare <= MUSIC_MAX_DIPS && steadiness >= MUSIC_MIN_STEADINESS ? 'music' : 'speech';
  return { kind, dips: dipShare, steadiness, spreadDb: spread };
}
