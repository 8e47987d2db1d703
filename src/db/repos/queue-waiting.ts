import type { Db } from '../types.ts';

/**
 * The waiting callers that count (alias w): their call is open and their
 * node has a live lease. A dead node's rows, or a closed call's, hold
 * nothing back. Used by the offer's queue check (AcdRepo) and byQueue.
 */
export const COUNTING_WAITERS = `queue_waiting w JOIN node_lease l ON l.node = w.node AND l.expires_at > now()
  JOIN calls c ON c.id = w.call_id AND c.ended_at IS NULL`;

/**
 * The callers waiting in queues on every node of a cluster (sql/029): what
 * lets an offer on one node yield to a caller who has waited longer on
 * another (AcdRepo.saveAgentState's `fifo`).
 */
export class QueueWaitingRepo {
  constructor(private readonly db: Db) {}

  /** A caller enters (or, overflowing, moves to) a queue. */
  async enter(callId: string, queueId: string, node: string, since: number): Promise<void> {
    await this.db.query(
      `INSERT INTO queue_waiting(call_id, queue_id, node, since) VALUES ($1,$2,$3,$4)
       ON CONFLICT (call_id) DO UPDATE SET queue_id = EXCLUDED.queue_id, node = EXCLUDED.node, since = EXCLUDED.since, ringing = false`,
      [callId, queueId, node, new Date(since)]);
  }

  /** When a caller entered its queue (ms since the epoch, the writer's clock), and which queue; null when not listed. */
  async entered(callId: string): Promise<{ queueId: string; since: number } | null> {
    const r = await this.db.query<{ queue_id: string; since: Date | string }>('SELECT queue_id, since FROM queue_waiting WHERE call_id = $1', [callId]);
    const row = r.rows[0];
    return row ? { queueId: row.queue_id, since: new Date(row.since).getTime() } : null;
  }

  /** An agent's phone rings for the caller (true), or no longer does (false). */
  async ringing(callId: string, on: boolean): Promise<void> {
    await this.db.query('UPDATE queue_waiting SET ringing = $2 WHERE call_id = $1 AND ringing <> $2', [callId, on]);
  }

  /**
   * Per queue, the callers waiting on every node with a live lease (open
   * calls only): how many, and since when the longest has waited (database
   * clock, ms ago).
   */
  async byQueue(): Promise<Map<string, { waiting: number; longestWaitMs: number }>> {
    const r = await this.db.query<{ queue_id: string; waiting: number; longest_ms: number | null }>(
      `SELECT w.queue_id, count(*)::int AS waiting, (extract(epoch FROM now() - min(w.since)) * 1000)::bigint::int AS longest_ms
       FROM ${COUNTING_WAITERS} GROUP BY w.queue_id`);
    return new Map(r.rows.map((x) => [x.queue_id, { waiting: x.waiting, longestWaitMs: Math.max(0, x.longest_ms ?? 0) }]));
  }

  /** Rows whose call is no longer open (a node taken over, a leave that failed): they count for nothing already; housekeeping. */
  async prune(): Promise<number> {
    const r = await this.db.query('DELETE FROM queue_waiting w WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = w.call_id AND c.ended_at IS NULL)');
    return r.rowCount ?? 0;
  }

  /** The caller is answered or gone. */
  async leave(callId: string): Promise<void> {
    await this.db.query('DELETE FROM queue_waiting WHERE call_id = $1', [callId]);
  }
}
