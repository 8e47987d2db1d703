import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, patchSets, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import type { PlanSchedule, PlanSegment, PlanTaskTemplate } from '../../core/care/plan.ts';

export interface CarePlan {
  id: string; name: string; active: boolean; segment: PlanSegment; schedule: PlanSchedule; task: PlanTaskTemplate;
  createdBy: string | null; createdAt: string; updatedAt: string; lastRunAt: string | null;
}
interface Row {
  id: string; name: string; active: boolean; segment: PlanSegment; schedule: PlanSchedule; task: PlanTaskTemplate;
  created_by: string | null; created_at: Date; updated_at: Date; last_run_at: Date | null;
}
const toApi = (r: Row): CarePlan => ({
  id: r.id, name: r.name, active: r.active, segment: r.segment, schedule: r.schedule, task: r.task,
  createdBy: r.created_by, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), lastRunAt: r.last_run_at?.toISOString() ?? null,
});

export interface CarePlanInput { name: string; active?: boolean; segment?: PlanSegment; schedule: PlanSchedule; task: PlanTaskTemplate }
export type CarePlanPatch = Partial<CarePlanInput>;
/** A customer of a plan's segment, with the one attribute the schedule reads. */
export interface SegmentMember { id: string; ownerId: string | null; date: unknown }

const PATCH = [['name', 'name'], ['active', 'active'], ['segment', 'segment', '::jsonb'], ['schedule', 'schedule', '::jsonb'], ['task', 'task', '::jsonb']] as const;

export class CarePlanRepo {
  constructor(private readonly db: Db) {}

  async create(p: CarePlanInput, by: string | null): Promise<CarePlan> {
    const r = await this.db.query<Row>(
      'INSERT INTO care_plans(id, name, active, segment, schedule, task, created_by) VALUES ($1,$2,$3,$4::jsonb,$5::jsonb,$6::jsonb,$7) RETURNING *',
      [randomUUID(), p.name, p.active ?? true, JSON.stringify(p.segment ?? {}), JSON.stringify(p.schedule), JSON.stringify(p.task), by]);
    return toApi(r.rows[0]!);
  }

  async get(id: string): Promise<CarePlan> {
    const r = await this.db.query<Row>('SELECT * FROM care_plans WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `care plan ${id} not found`);
    return toApi(r.rows[0]);
  }

  async list(o: { limit: number; cursor?: string | undefined; active?: boolean | undefined }): Promise<{ items: CarePlan[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.active !== undefined) { params.push(o.active); where.push(`active = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params));
    params.push(o.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM care_plans ${whereClause(where)} ORDER BY created_at, id LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }

  async active(): Promise<CarePlan[]> {
    return (await this.db.query<Row>('SELECT * FROM care_plans WHERE active ORDER BY created_at, id')).rows.map(toApi);
  }

  async update(id: string, patch: CarePlanPatch): Promise<CarePlan> {
    const params: unknown[] = [id];
    const sets = patchSets(patch, PATCH, params);
    sets.push('updated_at = now()');
    const r = await this.db.query<Row>(`UPDATE care_plans SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `care plan ${id} not found`);
    return toApi(r.rows[0]);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM care_plans WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `care plan ${id} not found`);
  }

  async markRun(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE care_plans SET last_run_at = $2 WHERE id = $1', [id, at]);
  }

  /**
   * One page of the segment's customers (keyset by id): every filter given
   * must match; `dateField` is read from the attributes (null when absent).
   */
  async members(seg: PlanSegment, dateField: string | null, after: string | null, limit: number): Promise<SegmentMember[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (p: string) => string, v: unknown) => { params.push(v); where.push(sql(`$${params.length}`)); };
    if (seg.tiers) add((p) => `tier = ANY(${p}::text[])`, seg.tiers);
    if (seg.tags) add((p) => `tags && ${p}::text[]`, seg.tags);
    if (seg.statuses) add((p) => `status = ANY(${p}::text[])`, seg.statuses);
    if (seg.owners) add((p) => `owner_id = ANY(${p}::text[])`, seg.owners);
    if (!seg.includeChurned) where.push('churned_at IS NULL');
    if (after) add((p) => `id > ${p}::uuid`, after);
    if (dateField) add((p) => `attributes ? ${p}`, dateField);
    params.push(dateField, limit);
    const r = await this.db.query<{ id: string; owner_id: string | null; date: unknown }>(
      `SELECT id, owner_id, attributes -> $${params.length - 1}::text AS date FROM customers ${whereClause(where)} ORDER BY id LIMIT $${params.length}`, params);
    return r.rows.map((x) => ({ id: x.id, ownerId: x.owner_id, date: x.date }));
  }
}
