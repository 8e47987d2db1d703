/** Scorecard deductions and appeals (申诉) (sql/017). */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, whereClause } from '../sql.ts';

export interface Deduction {
  id: string; periodId: string; agentId: string; kind: 'complaint' | 'manual'; complaintId: string | null; points: number; reason: string;
  createdBy: string; createdAt: string; voidedAt: string | null; voidedBy: string | null; voidReason: string | null;
}
export type AppealStatus = 'open' | 'upheld' | 'rejected';
export interface Appeal {
  id: string; scorecardId: string; deductionId: string | null; agentId: string; reason: string; status: AppealStatus; dueAt: string;
  /** Still open past its due date. */
  overdue: boolean;
  answer: string | null; adjustment: number | null; answeredBy: string | null; answeredAt: string | null; createdAt: string;
}

interface DRow {
  id: string; period_id: string; agent_id: string; kind: 'complaint' | 'manual'; complaint_id: string | null; points: string; reason: string;
  created_by: string; created_at: Date; voided_at: Date | null; voided_by: string | null; void_reason: string | null;
}
const deduction = (r: DRow): Deduction => ({
  id: r.id, periodId: r.period_id, agentId: r.agent_id, kind: r.kind, complaintId: r.complaint_id, points: Number(r.points), reason: r.reason,
  createdBy: r.created_by, createdAt: r.created_at.toISOString(), voidedAt: r.voided_at?.toISOString() ?? null, voidedBy: r.voided_by, voidReason: r.void_reason,
});

interface ARow {
  id: string; scorecard_id: string; deduction_id: string | null; agent_id: string; reason: string; status: AppealStatus; due_at: Date;
  answer: string | null; adjustment: string | null; answered_by: string | null; answered_at: Date | null; created_at: Date;
}
const appeal = (r: ARow, now: Date): Appeal => ({
  id: r.id, scorecardId: r.scorecard_id, deductionId: r.deduction_id, agentId: r.agent_id, reason: r.reason, status: r.status,
  dueAt: r.due_at.toISOString(), overdue: r.status === 'open' && r.due_at.getTime() < now.getTime(), answer: r.answer,
  adjustment: r.adjustment === null ? null : Number(r.adjustment), answeredBy: r.answered_by, answeredAt: r.answered_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

export class ScorecardAppealRepo {
  constructor(private readonly db: Queryable, private readonly now: () => Date = () => new Date()) {}

  /**
   * Makes the complaint deductions match the substantiated complaints: new ones
   * added, ones whose complaint is no longer substantiated removed (a voided
   * one stays, with its appeal's record).
   */
  async syncComplaintDeductions(periodId: string, byAgent: ReadonlyMap<string, readonly string[]>, points: number, actor: string): Promise<void> {
    const wanted = [...byAgent].flatMap(([agentId, ids]) => ids.map((id) => ({ agentId, id })));
    await this.db.query(
      `DELETE FROM scorecard_deductions WHERE period_id = $1 AND kind = 'complaint' AND voided_at IS NULL AND NOT (complaint_id = ANY($2::uuid[]))`,
      [periodId, points > 0 ? wanted.map((w) => w.id) : []]);
    if (points <= 0) return;
    for (const w of wanted) {
      await this.db.query(
        `INSERT INTO scorecard_deductions(id, period_id, agent_id, kind, complaint_id, points, reason, created_by)
         VALUES ($1,$2,$3,'complaint',$4,$5,$6,$7) ON CONFLICT (period_id, complaint_id) DO NOTHING`,
        [randomUUID(), periodId, w.agentId, w.id, points, `substantiated complaint ${w.id}`, actor]);
    }
  }

  async addManual(periodId: string, d: { agentId: string; points: number; reason: string; by: string }): Promise<Deduction> {
    const r = await this.db.query<DRow>(
      `INSERT INTO scorecard_deductions(id, period_id, agent_id, kind, points, reason, created_by) VALUES ($1,$2,$3,'manual',$4,$5,$6) RETURNING *`,
      [randomUUID(), periodId, d.agentId, d.points, d.reason, d.by]);
    return deduction(r.rows[0]!);
  }

  async deduction(id: string): Promise<Deduction> {
    const r = await this.db.query<DRow>('SELECT * FROM scorecard_deductions WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `deduction ${id} not found`);
    return deduction(r.rows[0]);
  }

  async deductions(periodId: string, agentId?: string): Promise<Deduction[]> {
    const r = await this.db.query<DRow>(
      `SELECT * FROM scorecard_deductions WHERE period_id = $1 ${agentId ? 'AND agent_id = $2' : ''} ORDER BY created_at, id`, agentId ? [periodId, agentId] : [periodId]);
    return r.rows.map(deduction);
  }

  /** Sets a deduction aside (an upheld appeal, or a manual one withdrawn); false when it already was. */
  async voidDeduction(id: string, by: string, reason: string): Promise<boolean> {
    const r = await this.db.query('UPDATE scorecard_deductions SET voided_at = now(), voided_by = $2, void_reason = $3 WHERE id = $1 AND voided_at IS NULL', [id, by, reason]);
    return r.rowCount === 1;
  }

  async create(a: { scorecardId: string; deductionId: string | null; agentId: string; reason: string; days: number }): Promise<Appeal> {
    const now = this.now();
    const r = await this.db.query<ARow>(
      `INSERT INTO scorecard_appeals(id, scorecard_id, deduction_id, agent_id, reason, due_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
      [randomUUID(), a.scorecardId, a.deductionId, a.agentId, a.reason, new Date(now.getTime() + a.days * 86_400_000), now]);
    return appeal(r.rows[0]!, now);
  }

  async get(id: string): Promise<Appeal> {
    const r = await this.db.query<ARow>('SELECT * FROM scorecard_appeals WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `appeal ${id} not found`);
    return appeal(r.rows[0], this.now());
  }

  /** Answers an open appeal; null when it was answered already. */
  async decide(id: string, d: { status: 'upheld' | 'rejected'; answer: string; adjustment: number | null; by: string }): Promise<Appeal | null> {
    const r = await this.db.query<ARow>(
      `UPDATE scorecard_appeals SET status = $2, answer = $3, adjustment = $4, answered_by = $5, answered_at = now() WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, d.status, d.answer, d.adjustment, d.by]);
    return r.rows[0] ? appeal(r.rows[0], this.now()) : null;
  }

  /** Points upheld card appeals add to each card of a period. */
  async adjustments(periodId: string): Promise<Map<string, number>> {
    const r = await this.db.query<{ scorecard_id: string; s: string }>(
      `SELECT a.scorecard_id, sum(a.adjustment) AS s FROM scorecard_appeals a JOIN scorecards c ON c.id = a.scorecard_id
        WHERE c.period_id = $1 AND a.status = 'upheld' AND a.adjustment IS NOT NULL GROUP BY a.scorecard_id`, [periodId]);
    return new Map(r.rows.map((x) => [x.scorecard_id, Number(x.s)]));
  }

  async list(o: { limit: number; cursor?: string | undefined; scorecardId?: string | undefined; agentId?: string | undefined; status?: AppealStatus | undefined; overdue?: boolean | undefined }): Promise<{ items: Appeal[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.scorecardId) { params.push(o.scorecardId); where.push(`scorecard_id = $${params.length}`); }
    if (o.agentId) { params.push(o.agentId); where.push(`agent_id = $${params.length}`); }
    if (o.status) { params.push(o.status); where.push(`status = $${params.length}`); }
    if (o.overdue !== undefined) { params.push(this.now()); where.push(`${o.overdue ? '' : 'NOT '}(status = 'open' AND due_at < $${params.length})`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<ARow>(`SELECT * FROM scorecard_appeals ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    const now = this.now();
    return { items: p.items.map((x) => appeal(x, now)), next: p.next };
  }
}
