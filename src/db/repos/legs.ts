import type { Queryable } from '../types.ts';
import type { LegKind, CallLeg } from '../../core/call/records.ts';
export type { LegKind, CallLeg } from '../../core/call/records.ts';

export interface NewLeg {
  id: string; callId: string; kind: LegKind; channelId: string | null; endpoint?: string | null; seatId?: string | null;
  agentId?: string | null; mode?: string | null; startedAt: Date;
}

interface Row {
  id: string; kind: LegKind; channel_id: string | null; endpoint: string | null; seat_id: string | null; agent_id: string | null; mode: string | null;
  started_at: Date; answered_at: Date | null; ended_at: Date | null; end_cause: string | null; sip_call_id: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toApi = (r: Row): CallLeg => ({
  id: r.id, kind: r.kind, channelId: r.channel_id, endpoint: r.endpoint, seatId: r.seat_id, agentId: r.agent_id, mode: r.mode,
  startedAt: r.started_at.toISOString(), answeredAt: iso(r.answered_at), endedAt: iso(r.ended_at), endCause: r.end_cause,
  sipCallId: r.sip_call_id,
});

/** The legs of calls (table call_legs, sql/004). Writes are idempotent: a leg is opened once per channel and closed once. */
export class CallLegRepo {
  constructor(private readonly db: Queryable) {}

  async open(l: NewLeg): Promise<void> {
    await this.db.query(
      `INSERT INTO call_legs(id, call_id, kind, channel_id, endpoint, seat_id, agent_id, mode, started_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
      [l.id, l.callId, l.kind, l.channelId, l.endpoint ?? null, l.seatId ?? null, l.agentId ?? null, l.mode ?? null, l.startedAt],
    );
  }

  async answered(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE call_legs SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL AND ended_at IS NULL', [id, at]);
  }

  async sipCallId(id: string, callId: string): Promise<void> {
    await this.db.query('UPDATE call_legs SET sip_call_id = $2 WHERE id = $1', [id, callId]);
  }

  async ended(id: string, at: Date, cause: string): Promise<void> {
    await this.db.query('UPDATE call_legs SET ended_at = $2, end_cause = $3 WHERE id = $1 AND ended_at IS NULL', [id, at, cause]);
  }

  async forCall(callId: string): Promise<CallLeg[]> {
    const r = await this.db.query<Row>('SELECT * FROM call_legs WHERE call_id = $1 ORDER BY started_at, id', [callId]);
    return r.rows.map(toApi);
  }

  /** The legs still open of these calls (a node taken over: which conversations go on). */
  async openOf(callIds: readonly string[]): Promise<Array<CallLeg & { callId: string }>> {
    if (callIds.length === 0) return [];
    const r = await this.db.query<Row & { call_id: string }>('SELECT * FROM call_legs WHERE ended_at IS NULL AND call_id = ANY($1::uuid[]) ORDER BY started_at, id', [callIds]);
    return r.rows.map((row) => ({ ...toApi(row), callId: row.call_id }));
  }

  /** Which of these channel ids a leg row names, open or closed (a node taken over: callers whose call has no row). */
  async namedChannels(channelIds: readonly string[]): Promise<Set<string>> {
    if (channelIds.length === 0) return new Set();
    const r = await this.db.query<{ channel_id: string }>('SELECT channel_id FROM call_legs WHERE channel_id = ANY($1::text[])', [channelIds]);
    return new Set(r.rows.map((row) => row.channel_id));
  }

  /** The open legs of these calls closed with `cause` at the time of closing. */
  async closeOpenOf(callIds: readonly string[], cause: string): Promise<number> {
    const r = await this.db.query('UPDATE call_legs SET end_cause = $1, ended_at = now() WHERE ended_at IS NULL AND call_id = ANY($2::uuid[])', [cause, callIds]);
    return r.rowCount;
  }

  /**
   * After an unclean stop: every leg still open is closed with `cause`, at the
   * end of its call when the call is closed already, else now. Returns how many.
   */
  async closeOpen(cause: string): Promise<number> {
    const r = await this.db.query(
      `UPDATE call_legs l SET end_cause = $1, ended_at = COALESCE((SELECT c.ended_at FROM calls c WHERE c.id = l.call_id), now())
       WHERE l.ended_at IS NULL`, [cause]);
    return r.rowCount;
  }

  /**
   * Recent handle times of a queue's calls (agent answered -> agent leg ended),
   * newest first: what the estimated wait is computed from.
   */
  async recentHandleTimes(queueId: string, limit: number): Promise<number[]> {
    const r = await this.db.query<{ ms: string | number }>(
      `SELECT (EXTRACT(EPOCH FROM (l.ended_at - l.answered_at)) * 1000)::bigint AS ms FROM call_legs l JOIN calls c ON c.id = l.call_id
       WHERE c.queue_id = $1 AND l.kind = 'agent' AND l.answered_at IS NOT NULL AND l.ended_at IS NOT NULL AND l.end_cause <> 'interrupted'
       ORDER BY l.ended_at DESC LIMIT $2`, [queueId, limit]);
    return r.rows.map((x) => Number(x.ms));
  }
}
