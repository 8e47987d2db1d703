import { randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, whereClause } from '../sql.ts';

export interface Interaction { id: string; customerId: string; kind: 'call' | 'sms' | 'fax' | 'note' | 'visit' | 'complaint' | 'task' | 'survey'; refId: string | null; summary: string | null; data: Record<string, unknown>; at: string }
interface Row { id: string; customer_id: string; kind: Interaction['kind']; ref_id: string | null; summary: string | null; data: Record<string, unknown>; at: Date }
const toApi = (r: Row): Interaction => ({ id: r.id, customerId: r.customer_id, kind: r.kind, refId: r.ref_id, summary: r.summary, data: r.data, at: r.at.toISOString() });

/** The history of everything that happened with a customer (calls, SMS, fax, notes, visits). */
export class InteractionRepo {
  constructor(private readonly db: Queryable) {}

  async add(i: { customerId: string; kind: Interaction['kind']; refId?: string | null; summary?: string | null; data?: Record<string, unknown>; at?: Date }): Promise<Interaction> {
    const r = await this.db.query<Row>(
      'INSERT INTO interactions(id, customer_id, kind, ref_id, summary, data, at) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7) RETURNING *',
      [randomUUID(), i.customerId, i.kind, i.refId ?? null, i.summary ?? null, JSON.stringify(i.data ?? {}), i.at ?? new Date()]);
    return toApi(r.rows[0]!);
  }

  async list(customerId: string, opts: { limit: number; cursor?: string | undefined }): Promise<{ items: Interaction[]; next: string | null }> {
    const params: unknown[] = [customerId];
    const where = ['customer_id = $1', afterCursor(decodeCursor(opts.cursor), 'at', params, true)];
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM interactions ${whereClause(where)} ORDER BY at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }
}
