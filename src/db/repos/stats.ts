import type { Queryable } from '../types.ts';

export type StatsGroup = 'hour' | 'day' | 'agent' | 'queue' | 'line' | 'disposition' | 'outcome';

export interface StatsRow {
  /** The hour or day (ISO local date-time in the asked time zone), or the agent / queue / line / disposition ('' = none). */
  key: string;
  total: number;
  answered: number;
  abandoned: number;
  missed: number;
  blocked: number;
  voicemail: number;
  /** Share of queued calls answered within the service-level threshold (abandoned ones count against); null without queued calls. */
  serviceLevel: number | null;
  /** Mean duration of answered calls. */
  averageHandleMs: number | null;
  /** Mean queue wait of calls that went through a queue. */
  averageWaitMs: number | null;
  /** What the service level is over: queued calls answered or abandoned, and those answered within the threshold. */
  serviceLevelCalls: number;
  serviceLevelMet: number;
  /** Calls with a measured queue wait (what averageWaitMs is over). */
  queued: number;
}

const KEY: Record<StatsGroup, string> = {
  hour: "to_char(date_trunc('hour', started_at AT TIME ZONE $3), 'YYYY-MM-DD\"T\"HH24:00')",
  day: "to_char(date_trunc('day', started_at AT TIME ZONE $3), 'YYYY-MM-DD')",
  agent: "coalesce(agent_id, '')",
  queue: "coalesce(queue_id, '')",
  line: 'line_id',
  disposition: "coalesce(disposition, '')",
  outcome: "coalesce(outcome, '')",
};

const NOT_ANSWERED = "('abandoned','missed','blocked','busy','no-answer','failed','overflow')";

/** Call figures straight from the call records, grouped by time or by who/where. */
export class StatsRepo {
  constructor(private readonly db: Queryable) {}

  async calls(q: { from: Date; to: Date; groupBy: StatsGroup; timeZone: string; serviceLevelS: number; direction?: string | undefined }): Promise<StatsRow[]> {
    const params: unknown[] = [q.from, q.to, q.timeZone, q.serviceLevelS * 1000];
    let where = 'started_at >= $1 AND started_at < $2';
    if (q.direction) { params.push(q.direction); where += ` AND direction = $${params.length}`; }
    const r = await this.db.query<{
      key: string; total: number; answered: number; abandoned: number; missed: number; blocked: number; voicemail: number;
      in_sl: number; sl_base: number; avg_handle_ms: number | null; avg_wait_ms: number | null; queued: number; tz: string;
    }>(
      `SELECT ${KEY[q.groupBy]} AS key, count(*)::int AS total,
         count(*) FILTER (WHERE answered_at IS NOT NULL AND coalesce(disposition, '') NOT IN ${NOT_ANSWERED})::int AS answered,
         count(*) FILTER (WHERE disposition = 'abandoned')::int AS abandoned,
         count(*) FILTER (WHERE disposition IN ('missed', 'no-answer', 'busy'))::int AS missed,
         count(*) FILTER (WHERE disposition = 'blocked')::int AS blocked,
         count(*) FILTER (WHERE disposition = 'voicemail')::int AS voicemail,
         count(*) FILTER (WHERE queue_id IS NOT NULL AND agent_id IS NOT NULL AND queue_wait_ms <= $4)::int AS in_sl,
         count(*) FILTER (WHERE queue_id IS NOT NULL AND (agent_id IS NOT NULL OR disposition = 'abandoned'))::int AS sl_base,
         round(avg(duration_ms) FILTER (WHERE answered_at IS NOT NULL AND coalesce(disposition, '') NOT IN ${NOT_ANSWERED}))::int AS avg_handle_ms,
         round(avg(queue_wait_ms) FILTER (WHERE queue_wait_ms IS NOT NULL))::int AS avg_wait_ms,
         count(queue_wait_ms)::int AS queued,
         $3::text AS tz
       FROM calls WHERE ${where} GROUP BY 1 ORDER BY 1`, params);
    return r.rows.map((x) => ({
      key: x.key, total: x.total, answered: x.answered, abandoned: x.abandoned, missed: x.missed, blocked: x.blocked, voicemail: x.voicemail,
      serviceLevel: x.sl_base > 0 ? x.in_sl / x.sl_base : null, averageHandleMs: x.avg_handle_ms, averageWaitMs: x.avg_wait_ms,
      serviceLevelCalls: x.sl_base, serviceLevelMet: x.in_sl, queued: x.queued,
    }));
  }
}
