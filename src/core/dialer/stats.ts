/**
 * What the dialer measures, and the abandonment figures it must respect.
 *
 * - {@link LogNormalFit}: an online log-normal fit (exponentially weighted
 *   mean and variance of ln x, seeded with prior pseudo-observations) for
 *   talk and wrap-up times. Call durations are close to log-normal; the fit
 *   gives a CDF and the conditional "done within x given t elapsed".
 * - {@link AttemptTimes}: two histograms in 1 s bins of when attempts were
 *   resolved: answered by a live person, or ended any other way (busy, no
 *   answer at the ring timeout, machine, failed). From them: the live-answer
 *   rate, the ring-to-answer distribution and, for a call still ringing after
 *   e seconds, the chance that a person answers within the next x seconds.
 *   Seeded with a prior; old attempts fade (forgetting factor).
 * - {@link abandonFigures}: abandoned ÷ live-answered over the rolling 24 h
 *   and 30 d windows, a pure function of the attempt records (what the
 *   compliance endpoint shows and what the pacing is held to).
 *
 * Everything here is pure computation: no clock, no I/O.
 */

/** How an attempt ended, as the dialer could tell. */
export type AttemptOutcome = 'live' | 'machine' | 'busy' | 'no-answer' | 'failed';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** An exponentially weighted log-normal fit of positive durations (seconds). */
export class LogNormalFit {
  private w: number;
  private s1: number;
  private s2: number;

  /**
   * @param priorMeanS prior mean duration
   * @param priorCv prior coefficient of variation
   * @param priorWeight how many observations the prior is worth
   * @param forget weight kept by the past at each new observation (1: remember all)
   */
  constructor(priorMeanS: number, priorCv: number, priorWeight = 10, private readonly forget = 0.998) {
    const sigma2 = Math.log(1 + priorCv * priorCv);
    const mu = Math.log(priorMeanS) - sigma2 / 2;
    this.w = priorWeight;
    this.s1 = priorWeight * mu;
    this.s2 = priorWeight * (sigma2 + mu * mu);
  }

  add(seconds: number): void {
    const x = Math.log(Math.max(seconds, 0.1));
    this.w = this.w * this.forget + 1;
    this.s1 = this.s1 * this.forget + x;
    this.s2 = this.s2 * this.forget + x * x;
  }

  /** Mean and standard deviation of ln x. */
  get mu(): number { return this.s1 / this.w; }
  get sigma(): number { return Math.sqrt(Math.max(this.s2 / this.w - this.mu ** 2, 1e-4)); }
  /** Mean of x. */
  get mean(): number { return Math.exp(this.mu + this.sigma ** 2 / 2); }

  cdf(seconds: number): number {
    if (seconds <= 0) return 0;
    if (this.cachedW !== this.w) { this.cachedW = this.w; this.cMu = this.mu; this.cSigma = this.sigma; }
    return normalCdf((Math.log(seconds) - this.cMu) / this.cSigma);
  }
  private cachedW = -1;
  private cMu = 0;
  private cSigma = 1;

  /** P(done within `x` more seconds | not done after `elapsed` seconds). */
  doneWithin(elapsed: number, x: number): number {
    if (x <= 0) return 0;
    const f0 = this.cdf(elapsed);
    const surv = 1 - f0;
    if (surv < 1e-9) return 0.5;
    return Math.min(1, Math.max(0, (this.cdf(elapsed + x) - f0) / surv));
  }
}

/** Options of {@link AttemptTimes}. */
export interface AttemptTimesOptions {
  /** Longest time an attempt can take before it is resolved (the ring timeout), seconds. */
  maxS?: number;
  /** Prior live-answer rate and its weight in attempts. */
  priorLiveRate?: number;
  priorWeight?: number;
  /** Prior ring-to-answer range of live answers, seconds (uniform). */
  priorAnswerS?: [number, number];
  /** Weight the past keeps at each new attempt. */
  forget?: number;
}

/** When attempts were resolved, live or not, in 1 s bins. */
export class AttemptTimes {
  readonly maxS: number;
  private readonly forget: number;
  private readonly live: Float64Array;
  private readonly other: Float64Array;
  /** Suffix sums (mass resolved at or after bin b), rebuilt lazily. */
  private liveAfter: Float64Array | null = null;
  private otherAfter: Float64Array | null = null;

  constructor(opts: AttemptTimesOptions = {}) {
    this.maxS = Math.ceil(opts.maxS ?? 60);
    this.forget = opts.forget ?? 0.9995;
    this.live = new Float64Array(this.maxS + 1);
    this.other = new Float64Array(this.maxS + 1);
    const rate = opts.priorLiveRate ?? 0.2;
    const weight = opts.priorWeight ?? 40;
    const [lo, hi] = opts.priorAnswerS ?? [4, 25];
    const a = Math.max(0, Math.min(this.maxS, Math.floor(lo)));
    const b = Math.max(a, Math.min(this.maxS, Math.floor(hi)));
    for (let s = a; s <= b; s++) {
      this.live[s] = (rate * weight) / (b - a + 1);
      // unknown shape of the other outcomes: half early (busy), half at the timeout
      this.other[s] = ((1 - rate) * weight * 0.5) / (b - a + 1);
    }
    this.other[this.maxS]! += (1 - rate) * weight * 0.5;
  }

  /** One resolved attempt: how it ended and how many seconds after it was placed. */
  record(outcome: AttemptOutcome, seconds: number): void {
    const bin = this.bin(seconds);
    if (this.forget !== 1) {
      for (let i = 0; i <= this.maxS; i++) { this.live[i]! *= this.forget; this.other[i]! *= this.forget; }
    }
    if (outcome === 'live') this.live[bin]! += 1;
    else this.other[bin]! += 1;
    this.liveAfter = null;
    this.otherAfter = null;
  }

  private bin(seconds: number): number {
    return Math.max(0, Math.min(this.maxS, Math.floor(seconds)));
  }

  private sums(): [Float64Array, Float64Array] {
    if (!this.liveAfter || !this.otherAfter) {
      const la = new Float64Array(this.maxS + 2);
      const oa = new Float64Array(this.maxS + 2);
      for (let i = this.maxS; i >= 0; i--) { la[i] = la[i + 1]! + this.live[i]!; oa[i] = oa[i + 1]! + this.other[i]!; }
      this.liveAfter = la;
      this.otherAfter = oa;
    }
    return [this.liveAfter, this.otherAfter];
  }

  /** Share of attempts a live person answers. */
  liveRate(): number {
    const [la, oa] = this.sums();
    return la[0]! / (la[0]! + oa[0]!);
  }

  /** P(a live answer comes within `s` seconds of placing the call | it is a live answer). */
  answerCdf(s: number): number {
    const [la] = this.sums();
    if (s < 0) return 0;
    if (s >= this.maxS + 1) return 1;
    return 1 - la[Math.floor(s) + 1]! / la[0]!;
  }

  /** The `q`-quantile (0..1) of ring-to-answer of live answers, seconds (bin middle). */
  answerQuantile(q: number): number {
    const [la] = this.sums();
    const target = q * la[0]!;
    let seen = 0;
    for (let i = 0; i <= this.maxS; i++) {
      seen += this.live[i]!;
      if (seen >= target) return i + 0.5;
    }
    return this.maxS + 0.5;
  }

  /**
   * For a call still unresolved `elapsed` seconds after it was placed: the
   * chance a live person answers it within the next `x` seconds.
   */
  liveWithin(elapsed: number, x: number): number {
    const [la, oa] = this.sums();
    const e = Math.min(this.maxS + 1, Math.floor(elapsed));
    const pending = la[e]! + oa[e]!;
    if (pending <= 1e-12) return 0;
    const end = Math.min(this.maxS + 1, Math.floor(elapsed + x) + 1);
    return Math.max(0, (la[e]! - la[end]!) / pending);
  }
}

/** One attempt as the abandonment figures need it. */
export interface AbandonRecord {
  /** When a live person answered (ms since epoch); null when no person answered. */
  liveAnsweredAt: number | null;
  /** True when that person got no agent within the connect limit (2 s). */
  abandoned: boolean;
}

/** Abandonment over one window. */
export interface AbandonWindow {
  liveAnswered: number;
  abandoned: number;
  /** abandoned ÷ liveAnswered, null before any live answer. */
  rate: number | null;
}

export const DAY_MS = 24 * 3600 * 1000;
export const MONTH_MS = 30 * DAY_MS;

/** Abandoned ÷ live-answered over the rolling 24 h and 30 d windows ending at `nowMs`. */
export function abandonFigures(records: Iterable<AbandonRecord>, nowMs: number): { day: AbandonWindow; month: AbandonWindow } {
  let dayN = 0, dayA = 0, monthN = 0, monthA = 0;
  for (const r of records) {
    if (r.liveAnsweredAt === null || r.liveAnsweredAt > nowMs) continue;
    const age = nowMs - r.liveAnsweredAt;
    if (age >= MONTH_MS) continue;
    monthN++;
    if (r.abandoned) monthA++;
    if (age < DAY_MS) { dayN++; if (r.abandoned) dayA++; }
  }
  const win = (n: number, a: number): AbandonWindow => ({ liveAnswered: n, abandoned: a, rate: n === 0 ? null : a / n });
  return { day: win(dayN, dayA), month: win(monthN, monthA) };
}
