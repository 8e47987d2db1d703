/**
 * Tone runs: the on/off sequence of call-progress tone, debounced. A change
 * counts once two frames in a row agree (80 ms): one odd frame (a click, a
 * speech harmonic on 450 Hz, a dropped packet) neither starts nor breaks a tone.
 */
import { FRAME_MS } from './dsp.ts';
import type { Run } from './plans.ts';

const CONFIRM_FRAMES = 2;
/** Enough history for two cycles of the longest cadence (UK: 4 elements). */
const KEEP = 12;

export class Runs {
  private readonly done: Run[] = [];
  private cur: { on: boolean; start: number; freqs: Map<string, number> } = { on: false, start: 0, freqs: new Map() };
  private pending = 0;
  private pendingFreqs: string[] = [];
  private lastT = 0;

  /**
   * One frame ending at `t` ms: tone or not. Returns the run that opened, if
   * this frame confirmed a change.
   */
  push(on: boolean, freqs: readonly number[], t: number): Run | null {
    this.lastT = t;
    const key = freqs.join(',');
    if (on === this.cur.on) {
      this.pending = 0;
      this.pendingFreqs = [];
      if (on) this.cur.freqs.set(key, (this.cur.freqs.get(key) ?? 0) + 1);
      return null;
    }
    this.pending++;
    this.pendingFreqs.push(key);
    if (this.pending < CONFIRM_FRAMES) return null;
    const start = t - this.pending * FRAME_MS;
    this.done.push(this.close(this.cur, start));
    if (this.done.length > KEEP) this.done.shift();
    const counts = new Map<string, number>();
    if (on) for (const k of this.pendingFreqs) counts.set(k, (counts.get(k) ?? 0) + 1);
    this.cur = { on, start, freqs: counts };
    this.pending = 0;
    this.pendingFreqs = [];
    return { on, ms: t - start, freqs: on ? freqs : [], open: true };
  }

  /** Runs that have ended, oldest first (the first, before any tone, is the leading gap). */
  closed(): Run[] {
    return [...this.done];
  }

  /** The ended runs and the one going on (marked open), measured up to `now`. */
  withOpen(): Run[] {
    return [...this.done, { ...this.close(this.cur, this.lastT), open: true }];
  }

  private close(cur: Runs['cur'], end: number): Run {
    let best = '';
    let n = -1;
    for (const [k, c] of cur.freqs) if (c > n) [best, n] = [k, c];
    const freqs = cur.on && best ? best.split(',').map(Number) : [];
    return { on: cur.on, ms: end - cur.start, freqs };
  }
}
