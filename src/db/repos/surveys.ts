import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';

export interface CallSurvey { callId: string; customerId: string | null; agentId: string | null; score: number; at: string }

/** Post-call satisfaction answers (call_surveys): one per call, against the call's customer and agent. */
export class SurveyRepo {
  constructor(private readonly db: Db) {}

  /** Stores the caller's answer (a second answer on the same call replaces the first) and puts it in the customer's timeline. */
  async record(callId: string, score: number): Promise<CallSurvey> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ call_id: string; customer_id: string | null; agent_id: string | null; score: number; at: Date }>(
        `INSERT INTO call_surveys(call_id, customer_id, agent_id, score)
         SELECT id, customer_id, agent_id, $2 FROM calls WHERE id = $1
         ON CONFLICT (call_id) DO UPDATE SET score = excluded.score, at = now() RETURNING *`, [callId, score]);
      const s = r.rows[0];
      if (!s) throw new Error(`call ${callId} has no record`);
      if (s.customer_id) {
        await tx.query("INSERT INTO interactions(id, customer_id, kind, ref_id, summary, data) VALUES ($1,$2,'survey',$3,$4,$5::jsonb)",
          [randomUUID(), s.customer_id, callId, `satisfaction ${score}/5`, JSON.stringify({ callId, score, agentId: s.agent_id })]);
      }
      return { callId: s.call_id, customerId: s.customer_id, agentId: s.agent_id, score: s.score, at: s.at.toISOString() };
    });
  }

  async forCall(callId: string): Promise<CallSurvey | null> {
    const r = await this.db.query<{ call_id: string; customer_id: string | null; agent_id: string | null; score: number; at: Date }>('SELECT * FROM call_surveys WHERE call_id = $1', [callId]);
    const s = r.rows[0];
    return s ? { callId: s.call_id, customerId: s.customer_id, agentId: s.agent_id, score: s.score, at: s.at.toISOString() } : null;
  }
}
