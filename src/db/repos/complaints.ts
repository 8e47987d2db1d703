import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, patchSets, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import { complaintResolved, complaintTransition, type ComplaintStatus } from '../../core/care/machines.ts';

export interface ComplaintChange { from: ComplaintStatus | null; to: ComplaintStatus; by: string | null; note: string | null; at: string }
export interface Complaint {
  id: string; customerId: string | null; callId: string | null; agentId: string | null; status: ComplaintStatus; summary: string;
  resolution: string | null; createdBy: string | null; createdAt: string; updatedAt: string; resolvedAt: string | null;
  history?: ComplaintChange[];
}
interface Row {
  id: string; customer_id: string | null; call_id: string | null; agent_id: string | null; status: ComplaintStatus; summary: string;
  resolution: string | null; created_by: string | null; created_at: Date; updated_at: Date; resolved_at: Date | null;
}
const toApi = (r: Row): Complaint => ({
  id: r.id, customerId: r.customer_id, callId: r.call_id, agentId: r.agent_id, status: r.status, summary: r.summary, resolution: r.resolution,
  createdBy: r.created_by, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), resolvedAt: r.resolved_at?.toISOString() ?? null,
});

export interface ComplaintInput { customerId?: string | null; callId?: string | null; agentId?: string | null; summary: string; resolution?: string | null }
/** What an agent sees of complaints: those against them or recorded by them. */
export type ComplaintScope = { agentId: string } | undefined;

const PATCH = [['customerId', 'customer_id'], ['callId', 'call_id'], ['agentId', 'agent_id'], ['summary', 'summary'], ['resolution', 'resolution']] as const;

const timeline = (tx: Queryable, c: Row, summary: string, data: Record<string, unknown>) => (c.customer_id
  ? tx.query("INSERT INTO interactions(id, customer_id, kind, ref_id, summary, data) VALUES ($1,$2,'complaint',$3,$4,$5::jsonb)",
    [randomUUID(), c.customer_id, c.id, summary.slice(0, 1000), JSON.stringify(data)])
  : Promise.resolve());

/** Complaints (投诉) and their status history. */
export class ComplaintRepo {
  constructor(private readonly db: Db) {}

  private async row(q: Queryable, id: string, scope: ComplaintScope, lock = false): Promise<Row> {
    const r = await q.query<Row>(`SELECT * FROM complaints WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    const row = r.rows[0];
    if (!row || (scope && row.agent_id !== scope.agentId && row.created_by !== scope.agentId)) throw new KefuError('NOT_FOUND', `complaint ${id} not found`);
    return row;
  }

  async get(id: string, scope?: ComplaintScope): Promise<Complaint> {
    const c = toApi(await this.row(this.db, id, scope));
    const h = await this.db.query<{ from_status: ComplaintStatus | null; to_status: ComplaintStatus; by: string | null; note: string | null; at: Date }>(
      'SELECT from_status, to_status, by, note, at FROM complaint_events WHERE complaint_id = $1 ORDER BY seq', [id]);
    return { ...c, history: h.rows.map((x) => ({ from: x.from_status, to: x.to_status, by: x.by, note: x.note, at: x.at.toISOString() })) };
  }

  /** `by`: who records it (an agent id, else the key or user); kept as created_by and in the history. */
  async create(input: ComplaintInput, by: string | null): Promise<Complaint> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        'INSERT INTO complaints(id, customer_id, call_id, agent_id, summary, resolution, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *',
        [id, input.customerId ?? null, input.callId ?? null, input.agentId ?? null, input.summary, input.resolution ?? null, by]);
      await tx.query("INSERT INTO complaint_events(id, complaint_id, from_status, to_status, by) VALUES ($1,$2,NULL,'open',$3)", [randomUUID(), id, by]);
      await timeline(tx, r.rows[0]!, `complaint: ${input.summary}`, { complaintId: id, status: 'open', agentId: input.agentId ?? null });
    });
    return this.get(id);
  }

  async list(o: { limit: number; cursor?: string | undefined; customerId?: string | undefined; agentId?: string | undefined; status?: ComplaintStatus | undefined }, scope?: ComplaintScope): Promise<{ items: Complaint[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    const eq = (col: string, v: unknown) => { if (v !== undefined) { params.push(v); where.push(`${col} = $${params.length}`); } };
    eq('customer_id', o.customerId); eq('agent_id', o.agentId); eq('status', o.status);
    if (scope) { params.push(scope.agentId); where.push(`(agent_id = $${params.length} OR created_by = $${params.length})`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM complaints ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }

  async update(id: string, patch: Partial<ComplaintInput>): Promise<Complaint> {
    const params: unknown[] = [id];
    const sets = patchSets(patch, PATCH, params);
    sets.push('updated_at = now()');
    const r = await this.db.query(`UPDATE complaints SET ${sets.join(', ')} WHERE id = $1`, params);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `complaint ${id} not found`);
    return this.get(id);
  }

  /** A status change through the machine, kept with who, when and why. */
  async transition(id: string, to: ComplaintStatus, o: { by: string | null; note?: string | null; resolution?: string | null }): Promise<Complaint> {
    await this.db.transaction(async (tx) => {
      const cur = await this.row(tx, id, undefined, true);
      complaintTransition(cur.status, to);
      const resolved = complaintResolved(to);
      const r = await tx.query<Row>(
        `UPDATE complaints SET status = $2, resolution = coalesce($3, resolution), updated_at = now(),
           resolved_at = CASE WHEN $4::boolean THEN coalesce(resolved_at, now()) ELSE NULL END WHERE id = $1 RETURNING *`,
        [id, to, o.resolution ?? null, resolved]);
      await tx.query('INSERT INTO complaint_events(id, complaint_id, from_status, to_status, by, note) VALUES ($1,$2,$3,$4,$5,$6)',
        [randomUUID(), id, cur.status, to, o.by, o.note ?? null]);
      await timeline(tx, r.rows[0]!, `complaint ${to}: ${cur.summary}`, { complaintId: id, from: cur.status, to, by: o.by, note: o.note ?? null });
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM complaints WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `complaint ${id} not found`);
  }
}
