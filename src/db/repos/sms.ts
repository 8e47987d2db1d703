import { randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';

export type SmsDirection = 'inbound' | 'outbound';
export type SmsStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'received';

export interface SmsMessage {
  id: string; direction: SmsDirection; number: string; text: string; parts: number; encoding: 'gsm7' | 'ucs2' | '8bit' | null;
  status: SmsStatus; dongleId: string | null; customerId: string | null; error: string | null; incomplete: boolean;
  attempts: number; createdAt: string; sentAt: string | null; deliveredAt: string | null; updatedAt: string;
}

interface Row {
  id: string; direction: SmsDirection; number: string; text: string; parts: number; encoding: SmsMessage['encoding']; status: SmsStatus;
  dongle_id: string | null; customer_id: string | null; error: string | null; refs: number[]; delivered_parts: number; incomplete: boolean;
  attempts: number; next_attempt_at: Date | null; created_at: Date; sent_at: Date | null; delivered_at: Date | null; updated_at: Date;
}

export interface SmsRow extends SmsMessage { refs: number[]; deliveredParts: number }

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toRow = (r: Row): SmsRow => ({
  id: r.id, direction: r.direction, number: r.number, text: r.text, parts: r.parts, encoding: r.encoding, status: r.status,
  dongleId: r.dongle_id, customerId: r.customer_id, error: r.error, incomplete: r.incomplete, attempts: r.attempts,
  createdAt: r.created_at.toISOString(), sentAt: iso(r.sent_at), deliveredAt: iso(r.delivered_at), updatedAt: r.updated_at.toISOString(),
  refs: r.refs, deliveredParts: r.delivered_parts,
});
export const publicSms = ({ refs: _r, deliveredParts: _d, ...m }: SmsRow): SmsMessage => m;

export interface SmsThread { number: string; customerId: string | null; messages: number; last: SmsMessage }

/** SMS messages and the outbound queue. */
export class SmsRepo {
  constructor(private readonly db: Queryable) {}

  async queue(m: { number: string; text: string; customerId: string | null; dongleId?: string | null }): Promise<SmsRow> {
    const r = await this.db.query<Row>(
      `INSERT INTO sms_messages(id, direction, number, text, status, customer_id, dongle_id, next_attempt_at) VALUES ($1,'outbound',$2,$3,'queued',$4,$5,now()) RETURNING *`,
      [randomUUID(), m.number, m.text, m.customerId, m.dongleId ?? null]);
    return toRow(r.rows[0]!);
  }

  async received(m: { number: string; text: string; parts: number; encoding: string; dongleId: string; customerId: string | null; incomplete: boolean; at?: Date }): Promise<SmsRow> {
    const r = await this.db.query<Row>(
      `INSERT INTO sms_messages(id, direction, number, text, parts, encoding, status, dongle_id, customer_id, incomplete)
       VALUES ($1,'inbound',$2,$3,$4,$5,'received',$6,$7,$8) RETURNING *`,
      [randomUUID(), m.number, m.text, m.parts, m.encoding, m.dongleId, m.customerId, m.incomplete]);
    return toRow(r.rows[0]!);
  }

  async get(id: string): Promise<SmsRow> {
    const r = await this.db.query<Row>('SELECT * FROM sms_messages WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `SMS ${id} not found`);
    return toRow(r.rows[0]);
  }

  /** Claims the oldest queued message due now for `dongleId` (unassigned ones too); null when none. */
  async claim(dongleId: string): Promise<SmsRow | null> {
    const r = await this.db.query<Row>(
      `UPDATE sms_messages SET status = 'sending', dongle_id = $1, attempts = attempts + 1, updated_at = now()
       WHERE id = (SELECT id FROM sms_messages WHERE status = 'queued' AND next_attempt_at <= now() AND (dongle_id IS NULL OR dongle_id = $1)
                   ORDER BY created_at, id LIMIT 1) AND status = 'queued'
       RETURNING *`, [dongleId]);
    return r.rows[0] ? toRow(r.rows[0]) : null;
  }

  async markSent(id: string, s: { refs: number[]; parts: number; encoding: string; final: boolean }): Promise<SmsRow> {
    const r = await this.db.query<Row>(
      `UPDATE sms_messages SET status = $2, refs = $3::jsonb, parts = $4, encoding = $5, sent_at = now(), updated_at = now(), error = NULL,
         delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE NULL END WHERE id = $1 RETURNING *`,
      [id, s.final ? 'delivered' : 'sent', JSON.stringify(s.refs), s.parts, s.encoding]);
    return toRow(r.rows[0]!);
  }

  /** Back to the queue (tried again from `at`), or failed for good. */
  async markFailed(id: string, error: string, retryAt: Date | null): Promise<SmsRow> {
    const r = await this.db.query<Row>(
      `UPDATE sms_messages SET status = $2, error = $3, next_attempt_at = $4, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, retryAt ? 'queued' : 'failed', error.slice(0, 500), retryAt]);
    return toRow(r.rows[0]!);
  }

  /** The sent message a delivery report with `ref` from `dongleId` is about (newest first); counts the part delivered. */
  async partDelivered(dongleId: string, ref: number, ok: boolean, error: string | null): Promise<{ before: SmsRow; after: SmsRow } | null> {
    const found = await this.db.query<Row>(
      `SELECT * FROM sms_messages WHERE dongle_id = $1 AND direction = 'outbound' AND status IN ('sent', 'delivered') AND refs @> $2::jsonb
       ORDER BY sent_at DESC LIMIT 1`, [dongleId, JSON.stringify([ref])]);
    const row = found.rows[0];
    if (!row) return null;
    const r = await this.db.query<Row>(
      ok
        ? `UPDATE sms_messages SET delivered_parts = LEAST(parts, delivered_parts + 1),
             status = CASE WHEN delivered_parts + 1 >= parts AND status = 'sent' THEN 'delivered' ELSE status END,
             delivered_at = CASE WHEN delivered_parts + 1 >= parts THEN now() ELSE delivered_at END, updated_at = now() WHERE id = $1 RETURNING *`
        : `UPDATE sms_messages SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      ok ? [row.id] : [row.id, error]);
    return { before: toRow(row), after: toRow(r.rows[0]!) };
  }

  /** When `dongleId` sent messages in the last `ms` (the rate window, carried over a restart). */
  async sentSince(dongleId: string, ms: number): Promise<Date[]> {
    const r = await this.db.query<{ sent_at: Date }>(
      `SELECT sent_at FROM sms_messages WHERE dongle_id = $1 AND direction = 'outbound' AND sent_at > now() - make_interval(secs => $2) ORDER BY sent_at`,
      [dongleId, ms / 1000]);
    return r.rows.map((x) => x.sent_at);
  }

  /** Messages a crash left in sending go back to the queue. */
  async requeueInterrupted(): Promise<number> {
    const r = await this.db.query(`UPDATE sms_messages SET status = 'queued', next_attempt_at = now(), updated_at = now() WHERE status = 'sending'`);
    return r.rowCount;
  }

  async queuedCount(dongleId?: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sms_messages WHERE status IN ('queued', 'sending')${dongleId ? ' AND (dongle_id IS NULL OR dongle_id = $1)' : ''}`,
      dongleId ? [dongleId] : []);
    return r.rows[0]!.n;
  }

  /** When the next queued message is due (null: none queued). */
  async nextDue(): Promise<Date | null> {
    const r = await this.db.query<{ at: Date | null }>(`SELECT min(next_attempt_at) AS at FROM sms_messages WHERE status = 'queued'`);
    return r.rows[0]?.at ?? null;
  }

  async list(opts: { limit: number; cursor?: string | undefined; number?: string | undefined; direction?: SmsDirection | undefined; status?: SmsStatus | undefined; customerId?: string | undefined }): Promise<{ items: SmsMessage[]; next: string | null }> {
    const params: unknown[] = [];
    const eq = (col: string, v: unknown): string | null => { if (v === undefined) return null; params.push(v); return `${col} = $${params.length}`; };
    const where = [eq('number', opts.number), eq('direction', opts.direction), eq('status', opts.status), eq('customer_id', opts.customerId),
      afterCursor(decodeCursor(opts.cursor), 'created_at', params, true)];
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM sms_messages ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map((x) => publicSms(toRow(x))), next: p.next };
  }

  /** One entry per number, the most recent conversation first. */
  async threads(opts: { limit: number; cursor?: string | undefined }): Promise<{ items: SmsThread[]; next: string | null }> {
    const params: unknown[] = [];
    const where = [afterCursor(decodeCursor(opts.cursor), 'created_at', params, true)];
    params.push(opts.limit + 1);
    const r = await this.db.query<Row & { total: number; any_customer: string | null }>(
      `SELECT * FROM (
         SELECT DISTINCT ON (number) m.*, count(*) OVER (PARTITION BY number)::int AS total,
           (SELECT customer_id FROM sms_messages c WHERE c.number = m.number AND c.customer_id IS NOT NULL ORDER BY created_at DESC LIMIT 1) AS any_customer
         FROM sms_messages m ORDER BY number, created_at DESC, id DESC) t
       ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map((x) => ({ number: x.number, customerId: x.any_customer, messages: x.total, last: publicSms(toRow(x)) })), next: p.next };
  }
}
