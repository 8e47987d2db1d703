import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, whereClause } from '../sql.ts';
import type { IvrStep, CallRecord, LegKind } from '../../core/call/records.ts';
export type { IvrStep, CallRecord } from '../../core/call/records.ts';

interface Row {
  id: string; line_id: string; direction: 'inbound' | 'outbound'; number: string | null; caller_name: string | null; withheld: string | null;
  customer_id: string | null; customer_name: string | null; state: string; disposition: string | null; flow_id: string | null; digits: string; ivr_path: IvrStep[];
  blacklist_match: unknown; agent_id: string | null; queue_id: string | null; notes: string | null; outcome: string | null; wrapped_at: Date | null; started_at: Date;
  answered_at: Date | null; ended_at: Date | null; duration_ms: number | null; queue_wait_ms: number | null; recording_id: string | null;
}

const COLS = `c.id, c.line_id, c.direction, c.number, c.caller_name, c.withheld, c.customer_id, c.state, c.disposition, c.flow_id, c.digits,
  c.ivr_path, c.blacklist_match, c.agent_id, c.queue_id, c.notes, c.outcome, c.wrapped_at, c.started_at, c.answered_at, c.ended_at, c.duration_ms, c.queue_wait_ms,
  (SELECT r.id FROM recordings r WHERE r.call_id = c.id ORDER BY r.created_at LIMIT 1) AS recording_id,
  (SELECT cu.name FROM customers cu WHERE cu.id = c.customer_id) AS customer_name`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toApi = (r: Row): CallRecord => ({
  id: r.id, lineId: r.line_id, direction: r.direction, number: r.number, callerName: r.caller_name, withheld: r.withheld,
  customerId: r.customer_id, customerName: r.customer_name, state: r.state, disposition: r.disposition, flowId: r.flow_id, digits: r.digits, ivrPath: r.ivr_path,
  blacklistMatch: r.blacklist_match, agentId: r.agent_id, queueId: r.queue_id, notes: r.notes, outcome: r.outcome, wrappedAt: iso(r.wrapped_at), startedAt: r.started_at.toISOString(),
  answeredAt: iso(r.answered_at), endedAt: iso(r.ended_at), durationMs: r.duration_ms, queueWaitMs: r.queue_wait_ms, recordingId: r.recording_id,
});

/** A call's first leg, written with its row (CallRepo.create); it starts when the call does. */
export interface FirstLeg { id: string; kind: LegKind; channelId: string; endpoint?: string | null }

export interface CallFilter {
  limit: number; cursor?: string | undefined; number?: string | undefined; from?: string | undefined; to?: string | undefined;
  line?: string | undefined; agent?: string | undefined; queue?: string | undefined; direction?: string | undefined;
  disposition?: string | undefined; customer?: string | undefined;
}

/** Fields the call service may change as the call goes on. */
export interface CallPatch {
  number?: string | null; callerName?: string | null; withheld?: string | null; customerId?: string | null; state?: string;
  disposition?: string | null; flowId?: string | null; digits?: string; ivrPath?: IvrStep[]; blacklistMatch?: unknown;
  answeredAt?: Date; endedAt?: Date; durationMs?: number; notes?: string | null; agentId?: string | null;
  queueId?: string | null; queueWaitMs?: number | null; outcome?: string | null; wrappedAt?: Date; lineId?: string;
}

const PATCH_COLS: Record<keyof CallPatch, [string, string?]> = {
  number: ['number'], callerName: ['caller_name'], withheld: ['withheld'], customerId: ['customer_id'], state: ['state'],
  disposition: ['disposition'], flowId: ['flow_id'], digits: ['digits'], ivrPath: ['ivr_path', '::jsonb'],
  blacklistMatch: ['blacklist_match', '::jsonb'], answeredAt: ['answered_at'], endedAt: ['ended_at'], durationMs: ['duration_ms'],
  notes: ['notes'], agentId: ['agent_id'], queueId: ['queue_id'], queueWaitMs: ['queue_wait_ms'], lineId: ['line_id'],
  outcome: ['outcome'], wrappedAt: ['wrapped_at'],
};

/** A finished call as the queue counters see it. */
export interface QueueCallRecord {
  queueId: string | null; agentId: string | null; disposition: string | null; queueWaitMs: number | null;
  /** Queues the caller left before the end: on a time-out (overflow) or with the exit key. */
  left: Array<{ queueId: string; why: 'timeout' | 'exit' }>;
}

export class CallRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * A call's row, and with `leg` its first leg (a caller's channel) in the
   * same statement: a takeover never finds the one without the other. Run
   * again after a lost connection (its commit unknown), it changes nothing.
   */
  async create(c: { id: string; lineId: string; direction: 'inbound' | 'outbound'; state: string; number?: string | null; startedAt?: Date }, leg?: FirstLeg): Promise<void> {
    const call = [c.id, c.lineId, c.direction, c.state, c.number ?? null, c.startedAt ?? new Date()];
    if (!leg) {
      await this.db.query('INSERT INTO calls(id, line_id, direction, state, number, started_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING', call);
      return;
    }
    await this.db.query(
      `WITH c AS (INSERT INTO calls(id, line_id, direction, state, number, started_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING RETURNING id, started_at)
       INSERT INTO call_legs(id, call_id, kind, channel_id, endpoint, started_at) SELECT $7, c.id, $8, $9, $10, c.started_at FROM c ON CONFLICT DO NOTHING`,
      [...call, leg.id, leg.kind, leg.channelId, leg.endpoint ?? null],
    );
  }

  /**
   * Changes a call's row; false when nothing was changed. A patch that sets
   * the state or closes the call applies to an open row only: a call ends
   * once, and a daemon's stale session (its node taken over meanwhile)
   * cannot reopen or close again a row another daemon closed.
   */
  async update(id: string, patch: CallPatch): Promise<boolean> {
    const open = 'state' in patch || 'endedAt' in patch ? ' AND ended_at IS NULL' : '';
    return this.patch(id, patch, open);
  }

  /**
   * A row a takeover closed as `interrupted` gets the end the node's earlier
   * owner saw (call_reports, sql/031): false when the row says otherwise.
   */
  async correctInterrupted(id: string, patch: CallPatch): Promise<boolean> {
    return this.patch(id, patch, " AND disposition = 'interrupted'");
  }

  private async patch(id: string, patch: CallPatch, where: string): Promise<boolean> {
    const params: unknown[] = [id];
    const sets: string[] = [];
    for (const [key, [col, cast]] of Object.entries(PATCH_COLS) as Array<[keyof CallPatch, [string, string?]]>) {
      if (!(key in patch)) continue;
      const v = patch[key];
      params.push(cast === '::jsonb' ? (v === null ? null : JSON.stringify(v)) : v);
      sets.push(`${col} = $${params.length}${cast ?? ''}`);
    }
    if (sets.length === 0) return false;
    sets.push('updated_at = now()');
    const r = await this.db.query(`UPDATE calls SET ${sets.join(', ')} WHERE id = $1${where}`, params);
    return r.rowCount > 0;
  }

  async get(id: string): Promise<CallRecord> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM calls c WHERE c.id = $1`, [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `call ${id} not found`);
    return toApi(r.rows[0]);
  }

  async list(f: CallFilter): Promise<{ items: CallRecord[]; next: string | null }> {
    const where: Array<string | null> = [];
    const params: unknown[] = [];
    const eq = (col: string, v: string | undefined) => { if (v !== undefined) { params.push(v); where.push(`${col} = $${params.length}`); } };
    eq('c.number', f.number); eq('c.line_id', f.line); eq('c.agent_id', f.agent); eq('c.queue_id', f.queue);
    eq('c.direction', f.direction); eq('c.disposition', f.disposition); eq('c.customer_id', f.customer);
    if (f.from) { params.push(f.from); where.push(`c.started_at >= $${params.length}::timestamptz`); }
    if (f.to) { params.push(f.to); where.push(`c.started_at < $${params.length}::timestamptz`); }
    where.push(afterCursor(decodeCursor(f.cursor), 'c.started_at', params, true)?.replace('(c.started_at, id)', '(c.started_at, c.id)') ?? null);
    params.push(f.limit + 1);
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM calls c ${whereClause(where)} ORDER BY c.started_at DESC, c.id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, f.limit, (x) => [x.started_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }

  /** Ended calls that went through a queue since `since`: what the queue counters are rebuilt from. */
  async queueCallsSince(since: Date): Promise<QueueCallRecord[]> {
    const r = await this.db.query<{ queue_id: string | null; agent_id: string | null; disposition: string | null; queue_wait_ms: number | null; ivr_path: Array<{ node?: string; type?: string }> }>(
      `SELECT queue_id, agent_id, disposition, queue_wait_ms, ivr_path FROM calls
       WHERE started_at >= $1 AND ended_at IS NOT NULL AND (queue_id IS NOT NULL OR ivr_path @> '[{"type":"queue-timeout"}]' OR ivr_path @> '[{"type":"queue-exit"}]')`,
      [since],
    );
    return r.rows.map((x) => ({
      queueId: x.queue_id, agentId: x.agent_id, disposition: x.disposition, queueWaitMs: x.queue_wait_ms,
      left: (Array.isArray(x.ivr_path) ? x.ivr_path : []).filter((p) => (p.type === 'queue-timeout' || p.type === 'queue-exit') && typeof p.node === 'string')
        .map((p) => ({ queueId: p.node!, why: p.type === 'queue-timeout' ? 'timeout' as const : 'exit' as const })),
    }));
  }

  /** Calls without an end (on start-up these are the ones a crash left open). */
  async open(): Promise<CallRecord[]> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM calls c WHERE c.ended_at IS NULL ORDER BY c.started_at`);
    return r.rows.map(toApi);
  }
}
