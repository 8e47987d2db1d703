import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, whereClause } from '../sql.ts';
import type { Recording } from '../../core/call/records.ts';
export type { Recording } from '../../core/call/records.ts';

interface Row {
  id: string; call_id: string; path: string; format: string; state: Recording['state']; duration_ms: number | null; bytes: number | null; sha256: string | null;
  created_at: Date; completed_at: Date | null; failure: string | null;
  number: string | null; caller_name: string | null; line_id: string; direction: 'inbound' | 'outbound'; customer_id: string | null; customer_name: string | null;
}
const COLS = 'id, call_id, path, format, state, duration_ms, bytes, sha256, created_at, completed_at, failure';
/** The recordings `inner` selects, with who called: the call's number, line and customer. */
const withCall = (inner: string): string => `SELECT x.*, c.number, c.caller_name, c.line_id, c.direction, c.customer_id, cu.name AS customer_name
  FROM (${inner}) x JOIN calls c ON c.id = x.call_id LEFT JOIN customers cu ON cu.id = c.customer_id`;
const toApi = (r: Row): Recording => ({
  id: r.id, callId: r.call_id, format: r.format, state: r.state, durationMs: r.duration_ms, bytes: r.bytes, sha256: r.sha256,
  createdAt: r.created_at.toISOString(), completedAt: r.completed_at ? r.completed_at.toISOString() : null, failure: r.failure,
  number: r.number, callerName: r.caller_name, lineId: r.line_id, direction: r.direction, customerId: r.customer_id, customerName: r.customer_name,
});

export class RecordingRepo {
  constructor(private readonly db: Queryable) {}

  async create(r: { id: string; callId: string; path: string }): Promise<void> {
    await this.db.query(`INSERT INTO recordings(id, call_id, path, state) VALUES ($1,$2,$3,'recording')`, [r.id, r.callId, r.path]);
  }

  async complete(id: string, r: { state: 'ready' | 'repaired' | 'failed'; durationMs: number; bytes: number; sha256: string }): Promise<void> {
    await this.db.query('UPDATE recordings SET state=$2, duration_ms=$3, bytes=$4, sha256=$5, completed_at=now() WHERE id=$1',
      [id, r.state, Math.round(r.durationMs), r.bytes, r.sha256]);
  }

  /** Marks a recording failed with the reason (a row still recording or just created). */
  async fail(id: string, reason: string): Promise<void> {
    await this.db.query("UPDATE recordings SET state='failed', failure=$2, completed_at=now() WHERE id=$1", [id, reason.slice(0, 1000)]);
  }

  async get(id: string): Promise<Recording & { path: string }> {
    const r = await this.db.query<Row>(withCall(`SELECT ${COLS} FROM recordings WHERE id = $1`), [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `recording ${id} not found`);
    return { ...toApi(r.rows[0]), path: r.rows[0].path };
  }

  async forCall(callId: string): Promise<(Recording & { path: string }) | null> {
    const r = await this.db.query<Row>(withCall(`SELECT ${COLS} FROM recordings WHERE call_id = $1 ORDER BY created_at LIMIT 1`), [callId]);
    return r.rows[0] ? { ...toApi(r.rows[0]), path: r.rows[0].path } : null;
  }

  /** Recordings a crash left unfinished. */
  async unfinished(): Promise<Array<Recording & { path: string }>> {
    const r = await this.db.query<Row>(withCall(`SELECT ${COLS} FROM recordings WHERE state = 'recording'`));
    return r.rows.map((x) => ({ ...toApi(x), path: x.path }));
  }

  async list(opts: { limit: number; cursor?: string | undefined; callId?: string | undefined }): Promise<{ items: Recording[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (opts.callId) { params.push(opts.callId); where.push(`call_id = $${params.length}`); }
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params, true));
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(
      `${withCall(`SELECT ${COLS} FROM recordings ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`)} ORDER BY x.created_at DESC, x.id DESC`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }
}
