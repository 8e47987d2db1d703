import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, patchSets, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import { taskTransition, taskView, type TaskEvent, type TaskStatus, type TaskView } from '../../core/care/machines.ts';

export type TaskKind = 'call' | 'visit' | 'sms';

export interface Task {
  id: string; customerId: string | null; customerName: string | null; customerPhone: string | null;
  ownerId: string | null; kind: TaskKind; status: TaskView; title: string; notes: string | null; outcome: string | null;
  dueAt: string; callId: string | null; planId: string | null; occurrence: string | null; firedAt: string | null;
  createdBy: string | null; createdAt: string; updatedAt: string; closedAt: string | null; closedBy: string | null;
}

interface Row {
  id: string; customer_id: string | null; customer_name: string | null; customer_phones: Array<{ number: string }> | null;
  owner_id: string | null; kind: TaskKind; status: TaskStatus; title: string; notes: string | null; outcome: string | null;
  due_at: Date; call_id: string | null; plan_id: string | null; occurrence: string | null; fired_at: Date | null;
  created_by: string | null; created_at: Date; updated_at: Date; closed_at: Date | null; closed_by: string | null;
}

const SELECT = 'SELECT t.*, c.name AS customer_name, c.phones AS customer_phones FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id';
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toApi = (r: Row, now: Date): Task => ({
  id: r.id, customerId: r.customer_id, customerName: r.customer_name, customerPhone: r.customer_phones?.[0]?.number ?? null,
  ownerId: r.owner_id, kind: r.kind, status: taskView(r.status, r.due_at, now), title: r.title, notes: r.notes, outcome: r.outcome,
  dueAt: r.due_at.toISOString(), callId: r.call_id, planId: r.plan_id, occurrence: r.occurrence, firedAt: iso(r.fired_at),
  createdBy: r.created_by, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), closedAt: iso(r.closed_at), closedBy: r.closed_by,
});

export interface TaskInput { customerId?: string | null; ownerId?: string | null; kind: TaskKind; title: string; notes?: string | null; dueAt: Date }
export interface TaskPatch { customerId?: string | null; ownerId?: string | null; kind?: TaskKind; title?: string; notes?: string | null; dueAt?: Date }
export interface TaskFilter {
  limit: number; cursor?: string | undefined; ownerId?: string | undefined; status?: TaskView | undefined; customerId?: string | undefined;
  planId?: string | undefined; kind?: TaskKind | undefined; dueFrom?: Date | undefined; dueTo?: Date | undefined;
}
/** A plan's task for one customer and occurrence. */
export interface PlanTaskRow { customerId: string; ownerId: string | null; occurrence: string; dueAt: Date }

const PATCH = [['customerId', 'customer_id'], ['ownerId', 'owner_id'], ['kind', 'kind'], ['title', 'title'], ['notes', 'notes'], ['dueAt', 'due_at']] as const;

const timeline = (tx: Queryable, t: Row, summary: string, data: Record<string, unknown>) => (t.customer_id
  ? tx.query("INSERT INTO interactions(id, customer_id, kind, ref_id, summary, data) VALUES ($1,$2,'task',$3,$4,$5::jsonb)",
    [randomUUID(), t.customer_id, t.id, summary.slice(0, 1000), JSON.stringify(data)])
  : Promise.resolve());

/**
 * Follow-up tasks. `scope`, where a method takes it, is the one owner the
 * caller may see (an agent's own tasks); a task of anyone else is NOT_FOUND.
 */
export class TaskRepo {
  constructor(private readonly db: Db, private readonly clock: () => Date = () => new Date()) {}

  private async row(q: Queryable, id: string, scope: string | null | undefined, lock = false): Promise<Row> {
    const r = await q.query<Row>(lock ? 'SELECT t.*, NULL AS customer_name, NULL AS customer_phones FROM tasks t WHERE t.id = $1 FOR UPDATE' : `${SELECT} WHERE t.id = $1`, [id]);
    const row = r.rows[0];
    if (!row || (scope !== undefined && row.owner_id !== scope)) throw new KefuError('NOT_FOUND', `task ${id} not found`);
    return row;
  }

  async get(id: string, scope?: string | null): Promise<Task> { return toApi(await this.row(this.db, id, scope), this.clock()); }

  async create(input: TaskInput, by: string | null): Promise<Task> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `INSERT INTO tasks(id, customer_id, owner_id, kind, title, notes, due_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
        [id, input.customerId ?? null, input.ownerId ?? null, input.kind, input.title, input.notes ?? null, input.dueAt, by]);
      const t = r.rows[0]!;
      await timeline(tx, t, `${t.kind} task: ${t.title}`, { taskId: id, event: 'created', kind: t.kind, ownerId: t.owner_id, dueAt: t.due_at.toISOString() });
    });
    return this.get(id);
  }

  async list(f: TaskFilter): Promise<{ items: Task[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    const eq = (col: string, v: unknown) => { if (v !== undefined) { params.push(v); where.push(`${col} = $${params.length}`); } };
    eq('t.owner_id', f.ownerId); eq('t.customer_id', f.customerId); eq('t.plan_id', f.planId); eq('t.kind', f.kind);
    if (f.status === 'overdue' || f.status === 'open') {
      params.push(this.clock());
      where.push(`t.status = 'open' AND t.due_at ${f.status === 'overdue' ? '<' : '>='} $${params.length}`);
    } else eq('t.status', f.status);
    if (f.dueFrom) { params.push(f.dueFrom); where.push(`t.due_at >= $${params.length}`); }
    if (f.dueTo) { params.push(f.dueTo); where.push(`t.due_at < $${params.length}`); }
    where.push(afterCursor(decodeCursor(f.cursor), 't.due_at', params)?.replace('id)', 't.id)') ?? null);
    params.push(f.limit + 1);
    const r = await this.db.query<Row>(`${SELECT} ${whereClause(where)} ORDER BY t.due_at, t.id LIMIT $${params.length}`, params);
    const p = page(r.rows, f.limit, (x) => [x.due_at, x.id]);
    const now = this.clock();
    return { items: p.items.map((x) => toApi(x, now)), next: p.next };
  }

  /** Change an open task; a new due time makes it fall due (task.due) again. */
  async update(id: string, patch: TaskPatch, scope?: string | null): Promise<Task> {
    await this.db.transaction(async (tx) => {
      const cur = await this.row(tx, id, scope, true);
      if (cur.status !== 'open') throw new KefuError('CONFLICT', `task is ${cur.status}: only an open task can be changed (reopen it first)`, { status: cur.status });
      const params: unknown[] = [id];
      const sets = patchSets(patch, PATCH, params);
      sets.push('updated_at = now()');
      if (patch.dueAt !== undefined) sets.push('fired_at = NULL');
      await tx.query(`UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`, params);
    });
    return this.get(id);
  }

  /** complete, cancel or reopen, through the task machine; completing keeps the outcome and the call it was done on. */
  async transition(id: string, event: TaskEvent, o: { outcome?: string | null; callId?: string | null; notes?: string | null; by: string | null }, scope?: string | null): Promise<Task> {
    await this.db.transaction(async (tx) => {
      const cur = await this.row(tx, id, scope, true);
      const to = taskTransition(cur.status, event);
      const closing = to !== 'open';
      const r = await tx.query<Row>(
        `UPDATE tasks SET status = $2, outcome = CASE WHEN $3::boolean THEN $4 ELSE outcome END, call_id = coalesce($5, call_id),
           notes = coalesce($6, notes), closed_at = CASE WHEN $7::boolean THEN now() ELSE NULL END, closed_by = CASE WHEN $7::boolean THEN $8 ELSE NULL END,
           updated_at = now() WHERE id = $1 RETURNING *`,
        [id, to, o.outcome !== undefined, o.outcome ?? null, o.callId ?? null, o.notes ?? null, closing, o.by]);
      const t = r.rows[0]!;
      const what = event === 'complete' ? `task done: ${t.title}${t.outcome ? ` (${t.outcome})` : ''}` : event === 'cancel' ? `task cancelled: ${t.title}` : `task reopened: ${t.title}`;
      await timeline(tx, t, what, { taskId: id, event, status: to, outcome: t.outcome, callId: t.call_id, by: o.by });
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM tasks WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `task ${id} not found`);
  }

  /**
   * Claims open tasks due by `now` that have not fired: each is marked fired
   * in the same statement, so it is handed out once, whoever asks and however
   * often (a restart, a second daemon).
   */
  async claimDue(now: Date, limit: number): Promise<Task[]> {
    const r = await this.db.query<{ id: string }>(
      `UPDATE tasks SET fired_at = $1 WHERE id IN (
         SELECT id FROM tasks WHERE status = 'open' AND fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`, [now, limit]);
    if (!r.rows.length) return [];
    const rows = await this.db.query<Row>(`${SELECT} WHERE t.id = ANY($1::uuid[]) ORDER BY t.due_at, t.id`, [r.rows.map((x) => x.id)]);
    return rows.rows.map((x) => toApi(x, now));
  }

  /** A plan's tasks: those that exist already (same plan, customer, occurrence) are left alone. Returns how many were made. */
  async createForPlan(planId: string, tpl: { kind: TaskKind; title: string }, rows: readonly PlanTaskRow[], by: string): Promise<number> {
    if (!rows.length) return 0;
    const data = rows.map((x) => ({ id: randomUUID(), customer_id: x.customerId, owner_id: x.ownerId, occurrence: x.occurrence, due_at: x.dueAt.toISOString() }));
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `INSERT INTO tasks(id, customer_id, owner_id, kind, title, due_at, plan_id, occurrence, created_by)
         SELECT x.id, x.customer_id, x.owner_id, $2, $3, x.due_at, $4, x.occurrence, $5
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, customer_id uuid, owner_id text, occurrence text, due_at timestamptz)
         ON CONFLICT (plan_id, customer_id, occurrence) DO NOTHING RETURNING *`,
        [JSON.stringify(data), tpl.kind, tpl.title, planId, by]);
      if (r.rows.length) {
        await tx.query(
          `INSERT INTO interactions(id, customer_id, kind, ref_id, summary, data)
           SELECT gen_random_uuid(), x.customer_id, 'task', x.id, $2, jsonb_build_object('taskId', x.id, 'event', 'created', 'planId', $3::text, 'occurrence', x.occurrence, 'ownerId', x.owner_id)
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, customer_id uuid, owner_id text, occurrence text)`,
          [JSON.stringify(r.rows.map((t) => ({ id: t.id, customer_id: t.customer_id, owner_id: t.owner_id, occurrence: t.occurrence }))), `${tpl.kind} task: ${tpl.title}`.slice(0, 1000), planId]);
      }
      return r.rows.length;
    });
  }

  /** Counts of a plan's tasks for the occurrences given by `occurrence` (exact, or a prefix ending in "-" for a year). */
  async planProgress(planId: string, occurrence: string): Promise<{ created: number; done: number; open: number; overdue: number; cancelled: number }> {
    const prefix = occurrence.endsWith('-');
    const r = await this.db.query<{ created: number; done: number; open: number; overdue: number; cancelled: number }>(
      `SELECT count(*)::int AS created, count(*) FILTER (WHERE status = 'done')::int AS done,
         count(*) FILTER (WHERE status = 'open' AND due_at >= $3)::int AS open, count(*) FILTER (WHERE status = 'open' AND due_at < $3)::int AS overdue,
         count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
       FROM tasks WHERE plan_id = $1 AND ${prefix ? 'starts_with(occurrence, $2)' : 'occurrence = $2'}`, [planId, occurrence, this.clock()]);
    return r.rows[0]!;
  }
}
