/**
 * The KPI figures the statistics engine does not keep, each computed here and
 * nowhere else: complaints (and the substantiated ones deductions are made
 * for), lost customers (churn) and post-call survey scores, per agent over
 * [from, to). One query per table over the asked agents.
 */
import type { Queryable } from '../types.ts';

export interface AgentRecordSums {
  /** Complaints against the agent created in the period, rejected ones left out. */
  complaints: number;
  /** Substantiated complaints against the agent created in the period, oldest first. */
  substantiatedComplaintIds: string[];
  /** Customers the agent owns (customers.owner_id) lost (churned_at) in the period. */
  churned: number;
  /** Survey answers (call_surveys) for the agent in the period, and their scores summed. */
  surveyCount: number;
  surveyTotal: number;
}

export async function agentRecordSums(db: Queryable, q: { from: Date; to: Date; agentIds: readonly string[] }): Promise<Map<string, AgentRecordSums>> {
  const out = new Map<string, AgentRecordSums>(q.agentIds.map((id) => [id, { complaints: 0, substantiatedComplaintIds: [], churned: 0, surveyCount: 0, surveyTotal: 0 }]));
  if (out.size === 0) return out;
  const base = [[...out.keys()], q.from, q.to];
  const at = (id: string) => out.get(id)!;

  const complaints = await db.query<{ agent_id: string; id: string; status: string }>(
    `SELECT agent_id, id::text AS id, status FROM complaints
      WHERE agent_id = ANY($1::text[]) AND created_at >= $2 AND created_at < $3 AND status <> 'rejected' ORDER BY created_at, id`, base);
  for (const r of complaints.rows) {
    const s = at(r.agent_id);
    s.complaints += 1;
    if (r.status === 'substantiated') s.substantiatedComplaintIds.push(r.id);
  }

  const churn = await db.query<{ owner_id: string; n: number }>(
    'SELECT owner_id, count(*) AS n FROM customers WHERE owner_id = ANY($1::text[]) AND churned_at >= $2 AND churned_at < $3 GROUP BY owner_id', base);
  for (const r of churn.rows) at(r.owner_id).churned = Number(r.n);

  const surveys = await db.query<{ agent_id: string; n: number; total: number }>(
    'SELECT agent_id, count(*) AS n, sum(score) AS total FROM call_surveys WHERE agent_id = ANY($1::text[]) AND at >= $2 AND at < $3 GROUP BY agent_id', base);
  for (const r of surveys.rows) Object.assign(at(r.agent_id), { surveyCount: Number(r.n), surveyTotal: Number(r.total) });
  return out;
}
