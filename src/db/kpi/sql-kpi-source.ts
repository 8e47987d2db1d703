/**
 * The scorecards' KPI port (src/core/scorecards/kpi.ts) with plain SQL over
 * the records: calls, call_legs, complaints, call_surveys and customers. One
 * query per table, each over the asked agents and the period [from, to).
 * The statistics engine's rollups may take its place: the port is all the
 * scorecards use.
 */
import type { Queryable } from '../types.ts';
import type { AgentKpiSums, KpiQuery, KpiSource } from '../../core/scorecards/kpi.ts';

const MS = (expr: string) => `(extract(epoch from (${expr})) * 1000)`;

export class SqlKpiSource implements KpiSource {
  constructor(private readonly db: Queryable) {}

  async sums(q: KpiQuery): Promise<AgentKpiSums[]> {
    const out = new Map<string, AgentKpiSums>(q.agentIds.map((agentId) => [agentId, {
      agentId, answered: 0, responseCount: 0, responseTotalMs: 0, handleCount: 0, handleTotalMs: 0, converted: 0,
      complaints: 0, substantiatedComplaintIds: [], churned: 0, surveyCount: 0, surveyTotal: 0,
    }]));
    if (out.size === 0) return [];
    const base = [[...out.keys()], q.from, q.to];
    const at = (id: string) => out.get(id)!;

    const calls = await this.db.query<{ agent_id: string; answered: number; handle_count: number; handle_ms: number | null; converted: number }>(
      `SELECT agent_id,
              count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
              count(*) FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL) AS handle_count,
              (sum(greatest(0, ${MS('ended_at - answered_at')}) + coalesce(greatest(0, ${MS('wrapped_at - ended_at')}), 0))
                 FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL))::float8 AS handle_ms,
              count(*) FILTER (WHERE answered_at IS NOT NULL AND outcome = ANY($4::text[])) AS converted
         FROM calls WHERE agent_id = ANY($1::text[]) AND started_at >= $2 AND started_at < $3 GROUP BY agent_id`,
      [...base, [...q.conversionOutcomes]]);
    for (const r of calls.rows) {
      Object.assign(at(r.agent_id), { answered: Number(r.answered), handleCount: Number(r.handle_count), handleTotalMs: Math.round(Number(r.handle_ms ?? 0)), converted: Number(r.converted) });
    }

    const legs = await this.db.query<{ agent_id: string; n: number; ms: number | null }>(
      `SELECT agent_id, count(*) AS n, sum(greatest(0, ${MS('answered_at - started_at')}))::float8 AS ms
         FROM call_legs WHERE kind = 'agent' AND agent_id = ANY($1::text[]) AND answered_at IS NOT NULL AND started_at >= $2 AND started_at < $3
        GROUP BY agent_id`, base);
    for (const r of legs.rows) Object.assign(at(r.agent_id), { responseCount: Number(r.n), responseTotalMs: Math.round(Number(r.ms ?? 0)) });

    const complaints = await this.db.query<{ agent_id: string; id: string; status: string }>(
      `SELECT agent_id, id::text AS id, status FROM complaints
        WHERE agent_id = ANY($1::text[]) AND created_at >= $2 AND created_at < $3 AND status <> 'rejected' ORDER BY created_at, id`, base);
    for (const r of complaints.rows) {
      const s = at(r.agent_id);
      s.complaints += 1;
      if (r.status === 'substantiated') s.substantiatedComplaintIds.push(r.id);
    }

    const churn = await this.db.query<{ owner_id: string; n: number }>(
      'SELECT owner_id, count(*) AS n FROM customers WHERE owner_id = ANY($1::text[]) AND churned_at >= $2 AND churned_at < $3 GROUP BY owner_id', base);
    for (const r of churn.rows) at(r.owner_id).churned = Number(r.n);

    const surveys = await this.db.query<{ agent_id: string; n: number; total: number }>(
      'SELECT agent_id, count(*) AS n, sum(score) AS total FROM call_surveys WHERE agent_id = ANY($1::text[]) AND at >= $2 AND at < $3 GROUP BY agent_id', base);
    for (const r of surveys.rows) Object.assign(at(r.agent_id), { surveyCount: Number(r.n), surveyTotal: Number(r.total) });

    return [...out.values()];
  }
}
