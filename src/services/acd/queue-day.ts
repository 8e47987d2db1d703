/**
 * Each queue's counters of the day (local time): rebuilt from the call
 * records when the ACD loads (after a restart the figures go on, not from
 * zero), counted live as calls are answered, abandoned, overflow or exit,
 * and from zero again when a new day starts.
 */
import { averageSpeedOfAnswerMs, countersFromCalls, emptyCounters, serviceLevel, type QueueCounters } from '../../core/acd/stats.ts';
import type { CallRepo } from '../../db/repos/calls.ts';
import type { QueueRow } from '../../core/acd/records.ts';

/** A queue as GET /queues and queue.update show it on this node. */
export interface QueueStat extends RecordedFigures {
  queueId: string; name: string; strategy: string; waiting: number; longestWaitMs: number; agents: Record<string, number>; serviceLevelS: number;
}

/** A queue's figures now: its callers waiting since `since` (ms), its members by state, its counters of the day. */
export function queueStat(q: QueueRow, since: readonly number[], stateOf: (agentId: string) => string, c: QueueCounters, now: number): QueueStat {
  const agents: Record<string, number> = {};
  for (const id of q.members) { const s = stateOf(id); agents[s] = (agents[s] ?? 0) + 1; }
  return {
    queueId: q.id, name: q.name, strategy: q.strategy, waiting: since.length, longestWaitMs: since.length ? now - Math.min(...since) : 0, agents,
    ...figures(c), serviceLevelS: q.settings.serviceLevelS,
  };
}

/** A queue's figures: the counters as GET /queues and queue.update show them. */
export interface RecordedFigures { answered: number; abandoned: number; overflowed: number; exited: number; serviceLevel: number | null; averageSpeedOfAnswerMs: number | null }

/** What a queue's counters show: abandoned includes the short abandons. */
export const figures = (c: QueueCounters): RecordedFigures => ({
  answered: c.answered, abandoned: c.abandoned + c.shortAbandoned, overflowed: c.overflowed, exited: c.exited,
  serviceLevel: serviceLevel(c), averageSpeedOfAnswerMs: averageSpeedOfAnswerMs(c),
});

const dayKey = (d: Date): string => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;

export class QueueDay {
  private counters = new Map<string, QueueCounters>();
  private day = '';

  /** `serviceLevelMs`: a queue's service-level threshold (its settings.serviceLevelS). */
  constructor(private readonly records: Pick<CallRepo, 'queueCallsSince'>, private readonly serviceLevelMs: (queueId: string) => number) {}

  /** Rebuilt from the records once, at the first load. */
  async load(): Promise<void> {
    if (this.day) return;
    const day = dayKey(new Date());
    this.counters = await this.countToday();
    this.day = day;
  }

  /** Each queue's counters of today from the finished calls in the records (every node's), counted as the live counters count. */
  async countToday(): Promise<Map<string, QueueCounters>> {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    return countersFromCalls(await this.records.queueCallsSince(midnight), this.serviceLevelMs);
  }

  /** A queue's counters now. */
  of(queueId: string): QueueCounters {
    this.roll();
    return this.counters.get(queueId) ?? emptyCounters();
  }

  count(queueId: string, f: (c: QueueCounters) => QueueCounters): void {
    this.roll();
    this.counters.set(queueId, f(this.counters.get(queueId) ?? emptyCounters()));
  }

  private roll(): void {
    const day = dayKey(new Date());
    if (day !== this.day) { this.counters = new Map(); this.day = day; }
  }
}
