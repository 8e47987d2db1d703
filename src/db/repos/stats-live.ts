/**
 * Today's live figures (rollups since local midnight, calls up now, agents by
 * state) and the settings the rollups were built with. The per-agent period
 * sums other parts (scorecards) read are in stats-agents.ts.
 */
import type { Db, Queryable } from '../types.ts';
import { addSums, emptySums, type CallSums, type StateTimes } from '../../core/stats/metrics.ts';
import { toSums, type SumsRow } from './stats-kpi.ts';

export interface StatsSettings { serviceLevelMs: number; ringCycleMs: number; timeZone: string }

export interface LiveFigures {
  since: Date;
  /** Today's ended calls, all together and per queue ('' = not queued). */
  today: CallSums;
  queues: Array<{ queueId: string; sums: CallSums }>;
  /** Agent time today (closed intervals from the rollup plus the current ones up to now). */
  times: StateTimes;
  callsUp: number;
  waiting: number;
  longestWaitMs: number | null;
  agents: Partial<Record<keyof StateTimes, number>>;
}

const SUMS = `sum(calls)::bigint AS calls, sum(answered)::bigint AS answered, sum(abandoned)::bigint AS abandoned,
  sum(abandon_wait_ms)::bigint AS abandon_wait_ms, sum(answer_wait_ms)::bigint AS answer_wait_ms, sum(sl_met)::bigint AS sl_met,
  sum(ring1)::bigint AS ring1, sum(ring2)::bigint AS ring2, sum(ring3)::bigint AS ring3, sum(ring4)::bigint AS ring4, sum(ring5)::bigint AS ring5,
  sum(talk_ms)::bigint AS talk_ms, sum(wrap_ms)::bigint AS wrap_ms, sum(wraps)::bigint AS wraps`;

export class StatsLiveRepo {
  constructor(private readonly db: Queryable) {}

  /** Live figures since `since` (local midnight, a whole UTC hour) up to `now`. */
  async live(since: Date, now: Date): Promise<LiveFigures> {
    const [q, t, open, calls, agents] = await Promise.all([
      this.db.query<SumsRow>(`SELECT '' AS bucket, queue_id AS key, ${SUMS} FROM stats_hourly WHERE hour >= $1 GROUP BY queue_id ORDER BY queue_id`, [since]),
      this.db.query<{ state: keyof StateTimes; ms: number }>('SELECT state, sum(ms)::bigint AS ms FROM stats_agent_hours WHERE hour >= $1 GROUP BY state', [since]),
      this.db.query<{ state: keyof StateTimes; ms: number }>(
        `SELECT state, sum((extract(epoch FROM ($2::timestamptz - greatest(started_at, $1))) * 1000)::bigint)::bigint AS ms
         FROM agent_state_history WHERE ended_at IS NULL AND started_at < $2 GROUP BY state`, [since, now]),
      this.db.query<{ up: number; waiting: number; oldest: Date | null }>(
        `SELECT count(*)::int AS up, count(*) FILTER (WHERE state = 'queued')::int AS waiting, min(started_at) FILTER (WHERE state = 'queued') AS oldest
         FROM calls WHERE ended_at IS NULL`),
      this.db.query<{ state: keyof StateTimes; n: number }>('SELECT state, count(*)::int AS n FROM agent_states GROUP BY state'),
    ]);
    const queues = q.rows.map((r) => ({ queueId: r.key, sums: toSums(r) }));
    const times: StateTimes = {};
    for (const r of [...t.rows, ...open.rows]) times[r.state] = (times[r.state] ?? 0) + Math.max(0, Number(r.ms));
    const c = calls.rows[0]!;
    return {
      since, today: queues.reduce((a, x) => addSums(a, x.sums), emptySums()), queues, times,
      callsUp: c.up, waiting: c.waiting, longestWaitMs: c.oldest ? Math.max(0, now.getTime() - c.oldest.getTime()) : null,
      agents: Object.fromEntries(agents.rows.map((r) => [r.state, r.n])),
    };
  }

  async settings(): Promise<StatsSettings> {
    const r = await this.db.query<{ service_level_ms: number; ring_cycle_ms: number; time_zone: string }>('SELECT service_level_ms, ring_cycle_ms, time_zone FROM stats_settings');
    return { serviceLevelMs: r.rows[0]!.service_level_ms, ringCycleMs: r.rows[0]!.ring_cycle_ms, timeZone: r.rows[0]!.time_zone };
  }
}

/**
 * Make the rollups measure against `s` (config; the daily rollups are in its zone): when the stored settings
 * differ, store them and rebuild every rollup from the raw tables, in one
 * transaction. Returns true when it rebuilt. Run at start-up.
 */
export async function applyStatsSettings(db: Db, s: StatsSettings): Promise<boolean> {
  return db.transaction(async (tx) => {
    const cur = await new StatsLiveRepo(tx).settings();
    if (cur.serviceLevelMs === s.serviceLevelMs && cur.ringCycleMs === s.ringCycleMs && cur.timeZone === s.timeZone) return false;
    await tx.query('UPDATE stats_settings SET service_level_ms = $1, ring_cycle_ms = $2, time_zone = $3', [s.serviceLevelMs, s.ringCycleMs, s.timeZone]);
    await tx.query('SELECT stats_rebuild()');
    return true;
  });
}

/** Rebuild the rollups from the raw tables (kefu keeps them exact; this is for repairs and benchmarks). */
export async function rebuildStats(db: Queryable): Promise<void> { await db.query('SELECT stats_rebuild()'); }
