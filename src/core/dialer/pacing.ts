/**
 * Pacing: how many new calls a campaign places now, and why. Pure: the
 * caller passes a snapshot of the campaign's live state and the measured
 * statistics, and runs the decision again whenever something changes (an
 * agent frees, a call resolves) and on a short tick (elapsed times move).
 *
 * Modes
 * - preview: the agent asks for each call: place what agents asked for.
 * - progressive: one call per ready agent not already covered by a call on
 *   the way (ready − ringing − callers waiting). No abandon is possible while
 *   agents stay ready.
 * - predictive: dial ahead so that an agent frees up about when a person
 *   answers. For each candidate count N (from the progressive count up) the
 *   risk model (risk.ts) gives the chance that the N-th new call, if a person
 *   answers it, finds no agent within the connect limit (2 s), from: agents
 *   ready, each busy agent's chance of being free by then (log-normal talk and
 *   wrap-up fits, conditioned on the elapsed time), each ringing call's chance
 *   of a live answer before then (measured ring-to-answer histograms,
 *   conditioned on the elapsed ring time), the live rate. The largest N whose
 *   marginal risk stays ≤ θ is placed.
 *   θ (aggressiveness) comes from the abandonment budget: with the rolling
 *   figures (24 h and 30 d) the budget is min over windows of
 *   target × liveAnswered − abandoned, less one abandon in reserve (calls
 *   already ringing may still abandon), the target (default 2.5 %) below the
 *   cap (default 3 %). θ = maxRisk × budget / fullBudget, clamped to
 *   [0, maxRisk]: the dialer spends its budget and slows down as it runs out,
 *   which holds the rolling rate near the target whatever the model's bias.
 *   A steady θ spends the budget best (every call carries the same marginal
 *   risk), hence a small maxRisk (5 %) reached only with a large budget
 *   (20 abandons): θ settles near 2 % in a 20-agent team. The risk of a call
 *   in the simulation comes out ≈ 1.2–1.4 × its predicted risk (calls placed
 *   later can be answered first); the budget absorbs that bias.
 *   A spent budget, or a window where one more abandon would reach the cap,
 *   means progressive.
 *   Small teams have little pooling and a few abandons weigh a lot: below
 *   `smallTeam` agents θ is scaled down by agents ÷ smallTeam.
 * - broadcast: no agents; fill the free lines.
 * Whatever the mode: never negative, never more calls up than lines.
 *
 * Measured (npm run bench -- dialer, 100 simulated 8 h shifts, 20 agents on
 * 40 lines, 25 % live, talk log-normal mean 120 s): ≈ 50.4 talk minutes per
 * agent-hour at 2.3 % abandonment (worst run 2.4 %), progressive ≈ 37; with
 * 5 agents on 10 lines ≈ 40 at 0.7 % (worst 1.2 %). A fixed θ traces the
 * frontier: 2.3 % → 50.7, 3.0 % → 51.1, 5.4 % → 52.6 talk minutes. Neither
 * an exact Poisson-binomial law instead of the normal one, nor steadier talk
 * times (σ 0.3) or ring times (14–16 s), moved it: the binomial live/not-live
 * draw of each call, known only 5–25 s after dialling, is what costs.
 */
import { riskCurve, type RiskInput, type RiskStats } from './risk.ts';

export type DialMode = 'preview' | 'progressive' | 'predictive' | 'broadcast';

/** Pacing settings of a campaign. */
export interface PacingConfig {
  mode: DialMode;
  /** Most lines the campaign may hold at once (calls up, ringing or connected). */
  maxLines: number;
  /** Abandonment cap, a fraction of live answers (rules: 3 %). */
  abandonCap: number;
  /** The rate predictive pacing aims at, well below the cap. */
  abandonTarget: number;
  /** A live answer must reach an agent within this many seconds (rules: 2 s). */
  connectWithinS: number;
  /** Let a call ring at least this long (rules: 15 s); ringTimeoutS is raised to it. */
  minRingS: number;
  ringTimeoutS: number;
  /** Largest marginal risk a predictive call may carry. */
  maxRisk: number;
  /** Budget (in abandons) at which predictive pacing is at full aggressiveness. */
  fullBudget: number;
  /** Abandons kept in reserve: the budget is counted without them (in-flight calls may still abandon). */
  reserve: number;
  /** Teams smaller than this are paced more conservatively. */
  smallTeam: number;
  /** Whether agents do wrap-up after calls (the model adds it to the handle time). */
  wrapUp: boolean;
}

export const DEFAULT_PACING: PacingConfig = {
  mode: 'predictive',
  maxLines: 1,
  abandonCap: 0.03,
  abandonTarget: 0.025,
  connectWithinS: 2,
  minRingS: 15,
  ringTimeoutS: 25,
  maxRisk: 0.05,
  fullBudget: 20,
  reserve: 1,
  smallTeam: 10,
  wrapUp: true,
};

/** The ring timeout a campaign uses: its setting, never below the minimum ring time. */
export const ringTimeout = (c: Pick<PacingConfig, 'ringTimeoutS' | 'minRingS'>): number => Math.max(c.ringTimeoutS, c.minRingS);

/** Live answers and abandons in one rolling window. */
export interface WindowCounts { liveAnswered: number; abandoned: number }

/** The campaign's live state at the moment of the decision. */
export interface CampaignSnapshot extends RiskInput {
  /** Lines free for this campaign now. */
  linesFree: number;
  /** Campaign calls holding a line now (ringing, waiting, connected, playing a message). */
  callsUp: number;
  /** Rolling abandonment counts (24 h and 30 d). */
  abandon: { day: WindowCounts; month: WindowCounts };
  /** Preview mode: calls agents asked for and not yet placed. */
  previewRequests?: number;
}

/** What to do now. */
export interface PacingDecision {
  /** New calls to place now (≥ 0). */
  place: number;
  /** The rule that decided. */
  mode: DialMode;
  reason: string;
  /** Predictive: the marginal risk allowed, and the risk of the last call placed. */
  theta?: number;
  risk?: number;
}

/** Aggressiveness θ from the abandonment figures, and why. */
export function aggressiveness(abandon: CampaignSnapshot['abandon'], agents: number, c: PacingConfig): { theta: number; why: string } {
  for (const [name, w] of [['24 h', abandon.day], ['30 d', abandon.month]] as const) {
    if (w.liveAnswered > 0 && w.abandoned / w.liveAnswered >= c.abandonCap) {
      return { theta: 0, why: `abandonment over ${name} ${pct(w.abandoned / w.liveAnswered)} at the ${pct(c.abandonCap)} cap` };
    }
    if ((w.abandoned + 1) / Math.max(1, w.liveAnswered) >= c.abandonCap) {
      return { theta: 0, why: `one more abandon would put ${name} at the ${pct(c.abandonCap)} cap` };
    }
  }
  const budget = Math.min(...[abandon.day, abandon.month].map((w) => c.abandonTarget * w.liveAnswered - w.abandoned)) - c.reserve;
  if (budget <= 0) return { theta: 0, why: `abandonment budget spent (target ${pct(c.abandonTarget)})` };
  const team = Math.min(1, agents / Math.max(1, c.smallTeam));
  const theta = c.maxRisk * Math.min(1, budget / c.fullBudget) * team;
  return { theta, why: `budget ${budget.toFixed(1)} abandons` };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** How many new calls to place now. */
export function pace(s: CampaignSnapshot, stats: RiskStats, c: PacingConfig): PacingDecision {
  const room = Math.max(0, Math.min(s.linesFree, c.maxLines - s.callsUp));
  const none = (reason: string): PacingDecision => ({ place: 0, mode: c.mode, reason });
  if (room === 0) return none('no free line');
  if (c.mode === 'broadcast') return { place: room, mode: 'broadcast', reason: 'broadcast: fill the free lines' };
  if (c.mode === 'preview') {
    const asked = Math.max(0, Math.floor(s.previewRequests ?? 0));
    return { place: Math.min(room, asked), mode: 'preview', reason: 'preview: calls the agents asked for' };
  }
  const progressive = Math.min(room, Math.max(0, s.agentsReady - s.waiting - s.ringingS.length));
  if (c.mode === 'progressive') return { place: progressive, mode: 'progressive', reason: 'progressive: one call per ready agent' };

  const agents = s.agentsReady + s.onCallS.length + s.wrapUpS.length;
  if (agents === 0) return none('no agent logged in');
  const { theta, why } = aggressiveness(s.abandon, agents, c);
  if (theta <= 0) return { place: progressive, mode: 'progressive', reason: `${why}: progressive` };
  const curve = riskCurve(s, stats, c.connectWithinS, c.wrapUp);
  let n = progressive;
  let risk = n > 0 ? curve.risk(n) : 0;
  while (n < room) {
    const next = curve.risk(n + 1);
    if (next > theta) break;
    n++;
    risk = next;
  }
  return {
    place: n, mode: 'predictive', theta, risk,
    reason: `predictive: ${why}, θ ${theta.toFixed(3)}; ~${curve.expectedFree.toFixed(1)} agents free vs ~${curve.expectedLive.toFixed(1)} answers on the way`,
  };
}
