/**
 * Live queue figures, the way call centres count them:
 *   service level = answered within the threshold / (answered + abandoned after the threshold),
 *     short abandons (caller gone within `shortAbandonMs`, default 5 s) left out of both;
 *   ASA (average speed of answer) = total wait of answered calls / answered calls.
 * Pure counters; the ACD service keeps one per queue.
 */
export interface QueueCounters {
  answered: number;
  answeredWithinSl: number;
  abandoned: number;
  abandonedAfterSl: number;
  shortAbandoned: number;
  overflowed: number;
  /** Callers who left with the queue's exit key (they go to the overflow target too). */
  exited: number;
  answerWaitTotalMs: number;
}

export const emptyCounters = (): QueueCounters => ({ answered: 0, answeredWithinSl: 0, abandoned: 0, abandonedAfterSl: 0, shortAbandoned: 0, overflowed: 0, exited: 0, answerWaitTotalMs: 0 });

export function countAnswered(c: QueueCounters, waitMs: number, slMs: number): QueueCounters {
  return { ...c, answered: c.answered + 1, answeredWithinSl: c.answeredWithinSl + (waitMs <= slMs ? 1 : 0), answerWaitTotalMs: c.answerWaitTotalMs + waitMs };
}

export function countAbandoned(c: QueueCounters, waitMs: number, slMs: number, shortAbandonMs = 5000): QueueCounters {
  if (waitMs < shortAbandonMs) return { ...c, shortAbandoned: c.shortAbandoned + 1 };
  return { ...c, abandoned: c.abandoned + 1, abandonedAfterSl: c.abandonedAfterSl + (waitMs > slMs ? 1 : 0) };
}

export const countOverflow = (c: QueueCounters): QueueCounters => ({ ...c, overflowed: c.overflowed + 1 });
export const countExited = (c: QueueCounters): QueueCounters => ({ ...c, exited: c.exited + 1 });

/** Share of calls answered within the threshold (0..1), or null before any call counted. */
export function serviceLevel(c: QueueCounters): number | null {
  const d = c.answered + c.abandonedAfterSl;
  return d === 0 ? null : c.answeredWithinSl / d;
}

/** Average speed of answer in ms, or null before any answered call. */
export const averageSpeedOfAnswerMs = (c: QueueCounters): number | null => (c.answered === 0 ? null : Math.round(c.answerWaitTotalMs / c.answered));

/** What the counters need of one finished call (rebuilt from the call records after a restart). */
export interface CountedCall {
  queueId: string | null; agentId: string | null; disposition: string | null; queueWaitMs: number | null;
  left: Array<{ queueId: string; why: 'timeout' | 'exit' }>;
}

/**
 * The counters of each queue from finished calls, counted the way the live
 * counters count them: answered (an agent took it from the queue), abandoned
 * (the caller hung up while waiting), overflowed and exited (from the call's
 * IVR path). `slMs` gives each queue's service-level threshold.
 */
export function countersFromCalls(calls: readonly CountedCall[], slMs: (queueId: string) => number): Map<string, QueueCounters> {
  const out = new Map<string, QueueCounters>();
  const bump = (q: string, f: (c: QueueCounters) => QueueCounters) => out.set(q, f(out.get(q) ?? emptyCounters()));
  for (const c of calls) {
    for (const l of c.left) bump(l.queueId, l.why === 'timeout' ? countOverflow : countExited);
    if (!c.queueId || c.queueWaitMs === null) continue;
    const wait = c.queueWaitMs;
    if (c.agentId) bump(c.queueId, (x) => countAnswered(x, wait, slMs(c.queueId!)));
    else if (c.disposition === 'abandoned') bump(c.queueId, (x) => countAbandoned(x, wait, slMs(c.queueId!)));
  }
  return out;
}
