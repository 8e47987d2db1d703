/**
 * Call-progress tone plans: frequency and cadence per country (ITU-T E.180
 * supplement and the national plans: China YD/T 1.0, North America's
 * "precise tones", BT SIN 350). The cadence is the repeating on/off pattern
 * in milliseconds, starting with an "on".
 *
 * Networks are never exact: exchanges drift, mobile networks insert their own
 * tones and gateways clip the first frame. Matching allows ±30 % of each
 * element, and never less than ±100 ms (two and a half frames: a transition
 * can fall anywhere inside a 40 ms frame on both ends of a run).
 */
import type { ToneFreq } from './dsp.ts';

export type ToneCountry = 'CN' | 'NA' | 'UK' | 'EU';
export type ToneRole = 'ringback' | 'busy' | 'congestion';

export interface TonePlan {
  role: ToneRole;
  country: ToneCountry;
  /** Signatures accepted for it: the nominal one, and what cheap gateways substitute (a single 425/450 Hz). */
  freqs: ReadonlyArray<readonly ToneFreq[]>;
  /** on, off[, on, off] in ms, repeating. */
  cadence: readonly number[];
}

export const TONE_PLANS: readonly TonePlan[] = [
  { role: 'ringback', country: 'CN', freqs: [[450]], cadence: [1000, 4000] },
  { role: 'busy', country: 'CN', freqs: [[450]], cadence: [350, 350] },
  { role: 'congestion', country: 'CN', freqs: [[450]], cadence: [700, 700] },
  { role: 'ringback', country: 'NA', freqs: [[440, 480], [440]], cadence: [2000, 4000] },
  { role: 'busy', country: 'NA', freqs: [[480, 620]], cadence: [500, 500] },
  { role: 'congestion', country: 'NA', freqs: [[480, 620]], cadence: [250, 250] },
  { role: 'ringback', country: 'UK', freqs: [[400, 450], [400]], cadence: [400, 200, 400, 2000] },
  { role: 'busy', country: 'UK', freqs: [[400]], cadence: [375, 375] },
  { role: 'congestion', country: 'UK', freqs: [[400]], cadence: [400, 350, 225, 525] },
  { role: 'ringback', country: 'EU', freqs: [[425]], cadence: [1000, 4000] },
  { role: 'busy', country: 'EU', freqs: [[425]], cadence: [500, 500] },
  { role: 'congestion', country: 'EU', freqs: [[425]], cadence: [250, 250] },
];

/** Relative tolerance on each cadence element. */
export const CADENCE_TOLERANCE = 0.3;
/** Absolute floor of the tolerance, ms. */
export const CADENCE_SLACK_MS = 100;

export const within = (measured: number, expected: number): boolean =>
  Math.abs(measured - expected) <= Math.max(expected * CADENCE_TOLERANCE, CADENCE_SLACK_MS);

const sameFreqs = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((f, i) => f === b[i]);

/**
 * Tone frequencies that cheap gateways and the detector confuse: 440 vs 450
 * (10 Hz apart, well inside one bin) and 400+450 heard as 425. A plan also
 * accepts its neighbours; the cadence then decides.
 */
const NEAR: Record<string, string[]> = { '450': ['440', '425'], '440': ['450'], '425': ['450', '400', '400,450'], '400,450': ['425'] };

export function freqsFit(plan: TonePlan, heard: readonly number[]): boolean {
  const key = heard.join(',');
  return plan.freqs.some((f) => sameFreqs(f, heard) || (NEAR[f.join(',')] ?? []).includes(key));
}

/** One tone or gap, as heard. `open` is true for the run still going on (its length is a lower bound). */
export interface Run {
  on: boolean;
  ms: number;
  freqs: readonly number[];
  open?: boolean;
}

/**
 * How many of the last runs (ending with the newest) follow `plan`'s cadence
 * at some phase. An open run matches when it is not already too long.
 */
export function cadenceMatch(plan: TonePlan, runs: readonly Run[]): number {
  const cad = plan.cadence;
  let best = 0;
  for (let phase = 0; phase < cad.length; phase++) {
    let n = 0;
    for (let k = runs.length - 1; k >= 0; k--) {
      const run = runs[k] as Run;
      // Walk the cadence backwards from `phase` for the newest run.
      const idx = (((phase - (runs.length - 1 - k)) % cad.length) + cad.length) % cad.length;
      const expectOn = idx % 2 === 0;
      if (run.on !== expectOn) break;
      if (run.on && !freqsFit(plan, run.freqs)) break;
      const expected = cad[idx] as number;
      const ok = run.open ? run.ms <= expected + Math.max(expected * CADENCE_TOLERANCE, CADENCE_SLACK_MS) : within(run.ms, expected);
      if (!ok) break;
      n++;
    }
    best = Math.max(best, n);
  }
  return best;
}
