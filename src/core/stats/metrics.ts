/**
 * Call-centre figures from summed counters, no I/O. The sums come from the
 * hourly rollups (or a plain GROUP BY over the call records: the same
 * columns); everything here is a ratio or a mean of them.
 *
 * Definitions (docs/statistics.md):
 * - offered = every call in the selection; answered = picked up by a person
 *   (not abandoned, missed, blocked, busy, no-answer, failed or overflowed);
 * - wait = the queue wait when the call went through a queue, else the time
 *   from the call's start to its answer;
 * - answered within N rings = answered with wait <= N x ring cycle;
 * - service level = answered within T seconds / offered;
 * - ASA = answer wait / answered; handle = (talk + wrap-up) / answered;
 * - occupancy = (on call + wrap-up) / (ready + ringing + on call + wrap-up);
 *   utilisation = (on call + wrap-up) / logged-in time (every state but logged-out).
 */

/** Counters summed over a group of calls (one rollup row, or many added up). */
export interface CallSums {
  calls: number; answered: number; abandoned: number; abandonWaitMs: number; answerWaitMs: number; slMet: number;
  /** Answered within 1..5 ring cycles. */
  rings: [number, number, number, number, number];
  talkMs: number; wrapMs: number; wraps: number;
}

/** Agent time per state (ms), summed over the group's hours. */
export type StateTimes = Partial<Record<'logged-out' | 'ready' | 'ringing' | 'on-call' | 'wrap-up' | 'paused', number>>;

export interface Kpi {
  offered: number;
  answered: number;
  abandoned: number;
  /** Offered but neither answered nor abandoned (missed, busy, blocked, failed...). */
  unanswered: number;
  answerRate: number | null;
  abandonRate: number | null;
  averageAbandonWaitMs: number | null;
  /** How many rings the next figure counts, and the ring cycle it was measured with. */
  rings: number;
  answeredWithinRings: number;
  answeredWithinRingsRate: number | null;
  serviceLevel: number | null;
  serviceLevelMet: number;
  averageSpeedOfAnswerMs: number | null;
  talkMs: number;
  averageTalkMs: number | null;
  /** Hold is not tracked anywhere in kefu (no agent hold): always null. */
  averageHoldMs: null;
  wrapUpMs: number;
  averageWrapUpMs: number | null;
  averageHandleMs: number | null;
  /** From agent-state history: null where time is not attributable (queue, line, campaign, outcome, direction). */
  loggedInMs: number | null;
  occupancy: number | null;
  utilisation: number | null;
}

export const emptySums = (): CallSums => ({ calls: 0, answered: 0, abandoned: 0, abandonWaitMs: 0, answerWaitMs: 0, slMet: 0, rings: [0, 0, 0, 0, 0], talkMs: 0, wrapMs: 0, wraps: 0 });

export function addSums(a: CallSums, b: CallSums): CallSums {
  return {
    calls: a.calls + b.calls, answered: a.answered + b.answered, abandoned: a.abandoned + b.abandoned,
    abandonWaitMs: a.abandonWaitMs + b.abandonWaitMs, answerWaitMs: a.answerWaitMs + b.answerWaitMs, slMet: a.slMet + b.slMet,
    rings: a.rings.map((r, i) => r + b.rings[i]!) as CallSums['rings'], talkMs: a.talkMs + b.talkMs, wrapMs: a.wrapMs + b.wrapMs, wraps: a.wraps + b.wraps,
  };
}

/** How many ring cycles a caller heard before the answer (0 ms: answered before the first ring ended = 1). */
export function ringsHeard(waitMs: number, ringCycleMs: number): number {
  if (!(ringCycleMs > 0)) throw new RangeError('ringCycleMs must be positive');
  return Math.max(1, Math.ceil(Math.max(0, waitMs) / ringCycleMs));
}

/** The seed's rule: answered within `n` rings when the wait is at most n ring cycles. */
export const answeredWithinRings = (waitMs: number, n: number, ringCycleMs: number): boolean => Math.max(0, waitMs) <= n * ringCycleMs;

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const mean = (a: number, b: number): number | null => (b > 0 ? Math.round(a / b) : null);

/** The figures of one group. `rings` is 1..5; `times` only where agent time belongs to the group (null otherwise). */
export function kpi(s: CallSums, rings: number, times: StateTimes | null): Kpi {
  if (!Number.isInteger(rings) || rings < 1 || rings > 5) throw new RangeError('rings must be 1..5');
  const within = s.rings[rings - 1]!;
  const busy = times ? (times['on-call'] ?? 0) + (times['wrap-up'] ?? 0) : 0;
  const available = times ? busy + (times.ready ?? 0) + (times.ringing ?? 0) : 0;
  const loggedIn = times ? available + (times.paused ?? 0) : null;
  return {
    offered: s.calls, answered: s.answered, abandoned: s.abandoned, unanswered: s.calls - s.answered - s.abandoned,
    answerRate: ratio(s.answered, s.calls), abandonRate: ratio(s.abandoned, s.calls), averageAbandonWaitMs: mean(s.abandonWaitMs, s.abandoned),
    rings, answeredWithinRings: within, answeredWithinRingsRate: ratio(within, s.calls),
    serviceLevel: ratio(s.slMet, s.calls), serviceLevelMet: s.slMet, averageSpeedOfAnswerMs: mean(s.answerWaitMs, s.answered),
    talkMs: s.talkMs, averageTalkMs: mean(s.talkMs, s.answered), averageHoldMs: null,
    wrapUpMs: s.wrapMs, averageWrapUpMs: mean(s.wrapMs, s.wraps), averageHandleMs: mean(s.talkMs + s.wrapMs, s.answered),
    loggedInMs: loggedIn, occupancy: times ? ratio(busy, available) : null, utilisation: times && loggedIn !== null ? ratio(busy, loggedIn) : null,
  };
}
