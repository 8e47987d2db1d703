/**
 * KPI queries of the statistics engine: from the hourly rollups (what the API
 * answers with), and the same figures by a plain GROUP BY over the raw call
 * records and agent-state history (what the rollups are checked and
 * benchmarked against). from/to are whole UTC hours; buckets are local to the
 * asked zone (a whole-hour zone: see src/core/stats/buckets.ts).
 */
import type { Queryable } from '../types.ts';
import { bucketKey, type Bucket } from '../../core/stats/buckets.ts';
import type { CallSums, StateTimes } from '../../core/stats/metrics.ts';

export type Dimension = 'agent' | 'queue' | 'line' | 'campaign' | 'outcome' | 'direction' | 'all';

export interface KpiFilters { agent?: string; queue?: string; line?: string; campaign?: string; outcome?: string; direction?: 'inbound' | 'outbound' }

export interface KpiQuery { from: Date; to: Date; dimension: Dimension; bucket: Bucket; timeZone: string; filters: KpiFilters }

/** One group's sums; `times` is null where agent time does not belong to the group. */
export interface KpiGroup { bucket: string; key: string; sums: CallSums; times: StateTimes | null }

const DIM_COL: Record<Dimension, string> = {
  agent: 'agent_id', queue: 'queue_id', line: 'line_id', campaign: 'campaign_id', outcome: 'outcome', direction: 'direction', all: "''::text",
};
const FILTER_COL: Record<keyof KpiFilters, string> = {
  agent: 'agent_id', queue: 'queue_id', line: 'line_id', campaign: 'campaign_id', outcome: 'outcome', direction: 'direction',
};

/** SQL for the local bucket of a UTC hour column (the zone is parameter $3, unused for 'none'). */
export function bucketSql(col: string, bucket: Bucket): string {
  switch (bucket) {
    case 'hour': return `to_char(${col} AT TIME ZONE $3, 'YYYY-MM-DD"T"HH24:00')`;
    case 'day': return `to_char(${col} AT TIME ZONE $3, 'YYYY-MM-DD')`;
    case 'week': return `to_char(date_trunc('week', ${col} AT TIME ZONE $3), 'YYYY-MM-DD')`;
    case 'month': return `to_char(${col} AT TIME ZONE $3, 'YYYY-MM')`;
    case 'none': return "left($3::text, 0)";
  }
}

const SUMS = `sum(calls)::bigint AS calls, sum(answered)::bigint AS answered, sum(abandoned)::bigint AS abandoned,
  sum(abandon_wait_ms)::bigint AS abandon_wait_ms, sum(answer_wait_ms)::bigint AS answer_wait_ms, sum(sl_met)::bigint AS sl_met,
  sum(ring1)::bigint AS ring1, sum(ring2)::bigint AS ring2, sum(ring3)::bigint AS ring3, sum(ring4)::bigint AS ring4, sum(ring5)::bigint AS ring5,
  sum(talk_ms)::bigint AS talk_ms, sum(wrap_ms)::bigint AS wrap_ms, sum(wraps)::bigint AS wraps`;

export interface SumsRow {
  bucket: string; key: string; calls: number; answered: number; abandoned: number; abandon_wait_ms: number; answer_wait_ms: number; sl_met: number;
  ring1: number; ring2: number; ring3: number; ring4: number; ring5: number; talk_ms: number; wrap_ms: number; wraps: number;
}

export const toSums = (r: Omit<SumsRow, 'bucket' | 'key'>): CallSums => ({
  calls: Number(r.calls), answered: Number(r.answered), abandoned: Number(r.abandoned), abandonWaitMs: Number(r.abandon_wait_ms),
  answerWaitMs: Number(r.answer_wait_ms), slMet: Number(r.sl_met),
  rings: [Number(r.ring1), Number(r.ring2), Number(r.ring3), Number(r.ring4), Number(r.ring5)],
  talkMs: Number(r.talk_ms), wrapMs: Number(r.wrap_ms), wraps: Number(r.wraps),
});

/** Agent time is attributable to an agent (or everyone), and only when no call-only filter narrows the selection. */
export const timesApply = (q: KpiQuery): boolean =>
  (q.dimension === 'agent' || q.dimension === 'all') && Object.keys(q.filters).every((k) => k === 'agent');

function where(q: KpiQuery, params: unknown[], prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q.filters) as Array<[keyof KpiFilters, string | undefined]>) {
    if (v === undefined) continue;
    params.push(v);
    parts.push(`${prefix}${FILTER_COL[k]} = $${params.length}`);
  }
  return parts.length ? ` AND ${parts.join(' AND ')}` : '';
}

type TimeRow = { bucket: string; key: string; state: keyof StateTimes; ms: number };

function merge(sums: SumsRow[], times: TimeRow[] | null): KpiGroup[] {
  const groups = new Map<string, KpiGroup>();
  const id = (b: string, k: string) => `${b}\u0000${k}`;
  for (const r of sums) groups.set(id(r.bucket, r.key), { bucket: r.bucket, key: r.key, sums: toSums(r), times: times ? {} : null });
  for (const t of times ?? []) {
    let g = groups.get(id(t.bucket, t.key));
    if (!g) {
      g = { bucket: t.bucket, key: t.key, sums: toSums({ calls: 0, answered: 0, abandoned: 0, abandon_wait_ms: 0, answer_wait_ms: 0, sl_met: 0, ring1: 0, ring2: 0, ring3: 0, ring4: 0, ring5: 0, talk_ms: 0, wrap_ms: 0, wraps: 0 }), times: {} };
      groups.set(id(t.bucket, t.key), g);
    }
    g.times![t.state] = (g.times![t.state] ?? 0) + Number(t.ms);
  }
  return [...groups.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const DAY_BUCKET: Record<Exclude<Bucket, 'hour'>, string> = {
  day: "to_char(day, 'YYYY-MM-DD')", week: "to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD')", month: "to_char(day, 'YYYY-MM')", none: "''::text",
};

/** The daily rollups answer when the zone is theirs, the period is whole local days, and only agent and queue are asked for. */
export function dailyApplies(q: KpiQuery, dailyZone: string): boolean {
  return q.timeZone === dailyZone && q.bucket !== 'hour' && (q.dimension === 'agent' || q.dimension === 'queue' || q.dimension === 'all')
    && Object.keys(q.filters).every((k) => k === 'agent' || k === 'queue')
    && bucketKey(q.from, 'hour', q.timeZone).endsWith('T00:00') && bucketKey(q.to, 'hour', q.timeZone).endsWith('T00:00');
}

export class StatsKpiRepo {
  constructor(private readonly db: Queryable) {}

  /** The figures from the rollups: daily ones (stats_daily, stats_agent_days) where they apply, else hourly ones. */
  async rollup(q: KpiQuery): Promise<KpiGroup[]> {
    const z = await this.db.query<{ time_zone: string }>('SELECT time_zone FROM stats_settings');
    if (dailyApplies(q, z.rows[0]!.time_zone)) return this.daily(q);
    return this.hourly(q);
  }

  /** From the daily rollups (see dailyApplies). */
  async daily(q: KpiQuery): Promise<KpiGroup[]> {
    const bucket = DAY_BUCKET[q.bucket as Exclude<Bucket, 'hour'>];
    const params: unknown[] = [bucketKey(q.from, 'day', q.timeZone), bucketKey(q.to, 'day', q.timeZone)];
    const sums = await this.db.query<SumsRow>(
      `SELECT ${bucket} AS bucket, ${DIM_COL[q.dimension]} AS key, ${SUMS}
       FROM stats_daily WHERE day >= $1::date AND day < $2::date${where(q, params)} GROUP BY 1, 2`, params);
    let times: TimeRow[] | null = null;
    if (timesApply(q)) {
      const tp: unknown[] = [params[0], params[1]];
      const agent = q.filters.agent === undefined ? '' : (tp.push(q.filters.agent), ` AND agent_id = $${tp.length}`);
      times = (await this.db.query<TimeRow>(
        `SELECT ${bucket} AS bucket, ${q.dimension === 'agent' ? 'agent_id' : "''::text"} AS key, state, sum(ms)::bigint AS ms
         FROM stats_agent_days WHERE day >= $1::date AND day < $2::date${agent} GROUP BY 1, 2, 3 HAVING sum(ms) <> 0`, tp)).rows;
    }
    return merge(sums.rows, times);
  }

  /** From the hourly rollups (stats_hourly, stats_agent_hours): any dimension, filter and whole-hour zone. */
  async hourly(q: KpiQuery): Promise<KpiGroup[]> {
    const params: unknown[] = [q.from, q.to, q.timeZone];
    const sums = await this.db.query<SumsRow>(
      `SELECT ${bucketSql('hour', q.bucket)} AS bucket, ${DIM_COL[q.dimension]} AS key, ${SUMS}
       FROM stats_hourly WHERE hour >= $1 AND hour < $2${where(q, params)} GROUP BY 1, 2`, params);
    let times: TimeRow[] | null = null;
    if (timesApply(q)) {
      const tp: unknown[] = [q.from, q.to, q.timeZone];
      const agent = q.filters.agent === undefined ? '' : (tp.push(q.filters.agent), ` AND agent_id = $${tp.length}`);
      times = (await this.db.query<TimeRow>(
        `SELECT ${bucketSql('hour', q.bucket)} AS bucket, ${q.dimension === 'agent' ? 'agent_id' : "''::text"} AS key, state, sum(ms)::bigint AS ms
         FROM stats_agent_hours WHERE hour >= $1 AND hour < $2${agent} GROUP BY 1, 2, 3 HAVING sum(ms) <> 0`, tp)).rows;
    }
    return merge(sums.rows, times);
  }

  /** The same figures by a plain GROUP BY over calls (+ legs, attempts, wrap-ups) and the agent-state history. */
  async raw(q: KpiQuery): Promise<KpiGroup[]> {
    const params: unknown[] = [q.from, q.to, q.timeZone];
    const sums = await this.db.query<SumsRow>(
      `SELECT ${bucketSql('v.hour', q.bucket)} AS bucket, ${q.dimension === 'all' ? "''::text" : `v.${DIM_COL[q.dimension]}`} AS key, ${SUMS}
       FROM calls c0 JOIN stats_call_facts_v v ON v.call_id = c0.id
       WHERE c0.started_at >= $1 AND c0.started_at < $2${where(q, params, 'v.')} GROUP BY 1, 2`, params);
    let times: TimeRow[] | null = null;
    if (timesApply(q)) {
      const tp: unknown[] = [q.from, q.to, q.timeZone];
      const agent = q.filters.agent === undefined ? '' : (tp.push(q.filters.agent), ` AND s.agent_id = $${tp.length}`);
      times = (await this.db.query<TimeRow>(
        `SELECT ${bucketSql('h', q.bucket)} AS bucket, ${q.dimension === 'agent' ? 's.agent_id' : "''::text"} AS key, s.state,
           sum((extract(epoch FROM (least(h + interval '1 hour', s.ended_at) - greatest(h, s.started_at))) * 1000)::bigint)::bigint AS ms
         FROM agent_state_history s CROSS JOIN LATERAL generate_series(date_trunc('hour', greatest(s.started_at, $1), 'UTC'), least(s.ended_at, $2), interval '1 hour') AS h
         WHERE s.ended_at IS NOT NULL AND s.ended_at > s.started_at AND s.ended_at > $1 AND s.started_at < $2 AND h < s.ended_at AND h >= $1 AND h < $2${agent}
         GROUP BY 1, 2, 3`, tp)).rows;
    }
    return merge(sums.rows, times);
  }
}
