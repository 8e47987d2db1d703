/**
 * The predictive dialer's risk model: if we place N new calls now, how likely
 * is the last of them to find no agent when a person answers it?
 *
 * Take the last new call, and suppose a person answers it τ seconds from now
 * (τ drawn from the measured ring-to-answer distribution of live answers).
 * It gets an agent if, counting answers in order, fewer people answered
 * before it than agents became free by τ + 2 s (the connect limit):
 *
 *   supply S(τ) = ready agents + Σ_agents on call / in wrap-up  Bernoulli(P(free by τ+2 | elapsed))
 *   demand D(τ) = callers already waiting
 *               + Σ_calls ringing  Bernoulli(P(live answer within τ | unresolved after its elapsed ring))
 *               + Binomial(N − 1, p · F(τ))        (the other new calls, p = live rate, F = answer CDF)
 *   risk(N)     = mean over τ of P(S(τ) − D(τ) − 1 < 0)
 *
 * S and D are sums of independent Bernoulli variables; they are replaced by a
 * normal law with the same mean and variance (continuity-corrected), which
 * costs O(agents + calls) per τ, and τ takes a few quantiles of the
 * ring-to-answer distribution. Counting abandoned callers as demand is
 * pessimistic (an abandoned caller takes no agent): the model errs towards
 * fewer calls. Only what a dialer can observe goes in: agent states and
 * elapsed times, ringing calls and their elapsed ring time, and the
 * statistics measured from past attempts.
 */
import { normalCdf, type AttemptTimes, type LogNormalFit } from './stats.ts';

/** The observable state that the risk depends on. */
export interface RiskInput {
  agentsReady: number;
  /** Elapsed talk time (s) of each agent on a campaign call. */
  onCallS: readonly number[];
  /** Elapsed wrap-up time (s) of each agent in wrap-up. */
  wrapUpS: readonly number[];
  /** Elapsed time (s) since each unresolved call (dialling, ringing) was placed. */
  ringingS: readonly number[];
  /** Callers answered live and waiting for an agent now. */
  waiting: number;
}

/** The measured statistics the model reads. */
export interface RiskStats {
  attempts: AttemptTimes;
  talk: LogNormalFit;
  wrapUp: LogNormalFit;
}

/** Quantiles of ring-to-answer at which the risk is evaluated. */
const TAU_QUANTILES = [0.1, 0.3, 0.5, 0.7, 0.9];

/** The risk as a function of N, prepared once per decision. */
export interface RiskCurve {
  /** Chance that the N-th new call (N ≥ 1) placed now is abandoned if a person answers it. */
  risk(n: number): number;
  /** Expected agents free by the median answer time (for the reason text). */
  expectedFree: number;
  /** Expected live answers already on the way by then. */
  expectedLive: number;
}

/**
 * For each busy agent, its chance of being free within each horizon: the
 * talk must end, then the wrap-up (approximated by shifting the horizon by
 * the mean wrap-up); an agent in wrap-up only has the rest of it to do.
 */
function freeChances(input: RiskInput, stats: RiskStats, horizons: readonly number[], hasWrapUp: boolean): number[][] {
  const out: number[][] = horizons.map(() => []);
  const shift = hasWrapUp ? stats.wrapUp.mean : 0;
  const busy: Array<[LogNormalFit, readonly number[], number]> = [[stats.talk, input.onCallS, shift], [stats.wrapUp, input.wrapUpS, 0]];
  for (const [fit, elapsedList, lag] of busy) {
    for (const elapsed of elapsedList) {
      const f0 = fit.cdf(elapsed);
      const surv = 1 - f0;
      for (let k = 0; k < horizons.length; k++) {
        const x = horizons[k]! - lag;
        const f = x <= 0 ? 0 : surv < 1e-9 ? 0.5 : Math.min(1, Math.max(0, (fit.cdf(elapsed + x) - f0) / surv));
        out[k]!.push(f);
      }
    }
  }
  return out;
}

/** Prepare the risk curve for the current state. `connectWithinS` is the 2 s rule. */
export function riskCurve(input: RiskInput, stats: RiskStats, connectWithinS: number, hasWrapUp: boolean): RiskCurve {
  const p = stats.attempts.liveRate();
  const taus = TAU_QUANTILES.map((q) => stats.attempts.answerQuantile(q));
  const free = freeChances(input, stats, taus.map((t) => t + connectWithinS), hasWrapUp);
  const points = taus.map((tau, k) => {
    let mean = input.agentsReady - input.waiting;
    let variance = 0;
    for (const f of free[k]!) {
      mean += f;
      variance += f * (1 - f);
    }
    let live = 0;
    for (const e of input.ringingS) {
      const a = stats.attempts.liveWithin(e, tau);
      live += a;
      variance += a * (1 - a);
    }
    mean -= live;
    const b = p * stats.attempts.answerCdf(tau);
    return { mean, variance, b, live };
  });
  const mid = points[Math.floor(points.length / 2)]!;
  return {
    expectedFree: mid.mean + mid.live + input.waiting,
    expectedLive: mid.live,
    risk(n: number): number {
      let sum = 0;
      for (const pt of points) {
        const others = Math.max(0, n - 1);
        // Z = agents left after this call takes one: abandoned when Z ≤ −1
        const ez = pt.mean - others * pt.b - 1;
        const vz = pt.variance + others * pt.b * (1 - pt.b);
        if (vz < 1e-9) sum += ez <= -1 + 1e-9 ? 1 : 0;
        else sum += normalCdf((-0.5 - ez) / Math.sqrt(vz));
      }
      return sum / points.length;
    },
  };
}
