/**
 * Per-agent period sums of the statistics engine, for other parts (the
 * scorecards' KPI port reads its call figures here and nowhere else). The
 * same facts as /stats/kpi (sql/016_stats.sql): a call counts by its start,
 * once it has ended; answered, wait, talk and wrap-up as docs/statistics.md
 * defines them.
 *
 * Where from: a period on whole UTC hours (a month in any whole-hour zone,
 * Asia/Shanghai or UTC) is summed from the hourly rollups (one indexed range
 * scan; they carry the outcome, which conversion needs and the daily rollups
 * lack); any other period from the per-call facts (stats_call_facts) of the
 * calls started in it, which is exact to the millisecond.
 */
import type { Queryable } from '../types.ts';

export interface AgentPeriodSums {
  agentId: string;
  /** Calls the agent answered (the statistics' "answered"). */
  answered: number;
  /** The callers' waits before the agent answered, summed (ASA = answerWaitMs / answered). */
  answerWaitMs: number;
  /** Talk and wrap-up time of those calls, summed (handle = (talkMs + wrapMs) / answered). */
  talkMs: number;
  wrapMs: number;
  /** Answered calls whose outcome is one of the asked outcomes. */
  converted: number;
}

export const isWholeHour = (d: Date): boolean => d.getTime() % 3_600_000 === 0;

/**
 * Sums for every agent in `agentIds` over [from, to), in that order (zeros
 * when an agent took no call). `source` says which table answered.
 */
export async function agentPeriodSums(db: Queryable, q: { from: Date; to: Date; agentIds: readonly string[]; outcomes?: readonly string[] }): Promise<{ source: 'hourly' | 'facts'; rows: AgentPeriodSums[] }> {
  const source = isWholeHour(q.from) && isWholeHour(q.to) ? 'hourly' : 'facts';
  const cols = (t: string) => `${t}agent_id AS agent_id, sum(${t}answered)::bigint AS answered, sum(${t}answer_wait_ms)::bigint AS wait,
    sum(${t}talk_ms)::bigint AS talk, sum(${t}wrap_ms)::bigint AS wrap,
    coalesce(sum(${t}answered) FILTER (WHERE ${t}outcome = ANY($4::text[])), 0)::bigint AS converted`;
  const params = [[...q.agentIds], q.from, q.to, [...(q.outcomes ?? [])]];
  // The facts: the calls started in the period (calls_started index), each joined to its facts by key.
  const sql = source === 'hourly'
    ? `SELECT ${cols('')} FROM stats_hourly WHERE agent_id = ANY($1::text[]) AND hour >= $2 AND hour < $3 GROUP BY agent_id`
    : `SELECT ${cols('f.')} FROM calls c JOIN stats_call_facts f ON f.call_id = c.id
       WHERE c.started_at >= $2 AND c.started_at < $3 AND f.agent_id = ANY($1::text[]) GROUP BY f.agent_id`;
  const r = await db.query<{ agent_id: string; answered: number; wait: number; talk: number; wrap: number; converted: number }>(sql, params);
  const by = new Map(r.rows.map((x) => [x.agent_id, x]));
  return {
    source,
    rows: q.agentIds.map((agentId) => {
      const x = by.get(agentId);
      return {
        agentId, answered: Number(x?.answered ?? 0), answerWaitMs: Number(x?.wait ?? 0), talkMs: Number(x?.talk ?? 0), wrapMs: Number(x?.wrap ?? 0),
        converted: Number(x?.converted ?? 0),
      };
    }),
  };
}
