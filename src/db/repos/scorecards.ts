/** Scorecard schemes, periods, cards, team results, reviews and the change log (sql/017). */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, whereClause } from '../sql.ts';
import type { SchemeDefinition, SchemeKind, Grade } from '../../core/scorecards/scheme.ts';
import type { PeriodState } from '../../core/scorecards/machine.ts';
import type { CardFigures, CardItem, TeamFigures } from '../../core/scorecards/compute.ts';
import type { AgentKpiSums } from '../../core/scorecards/kpi.ts';

export interface Scheme { id: string; name: string; kind: SchemeKind; definition: SchemeDefinition; createdAt: string; updatedAt: string }
export interface Period {
  id: string; schemeId: string; kind: SchemeKind; label: string; from: string; to: string; state: PeriodState;
  definition: SchemeDefinition; computedAt: string | null; publishedAt: string | null; createdAt: string;
}
export interface Card extends Omit<CardFigures, 'items'> { id: string; periodId: string; items: CardItem[]; updatedAt: string }
export interface Review { agentId: string; kind: 'self' | 'supervisor'; score: number; comment: string | null; by: string; at: string }
export interface Change { id: string; at: string; actor: string; reason: string; before: Record<string, unknown> | null; after: Record<string, unknown> }

type Page<T> = { items: T[]; next: string | null };
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

interface SchemeRow { id: string; name: string; kind: SchemeKind; definition: SchemeDefinition; created_at: Date; updated_at: Date }
const scheme = (r: SchemeRow): Scheme => ({ id: r.id, name: r.name, kind: r.kind, definition: r.definition, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });

interface PeriodRow {
  id: string; scheme_id: string; kind: SchemeKind; label: string; starts_at: Date; ends_at: Date; state: PeriodState;
  definition: SchemeDefinition; computed_at: Date | null; published_at: Date | null; created_at: Date;
}
const period = (r: PeriodRow): Period => ({
  id: r.id, schemeId: r.scheme_id, kind: r.kind, label: r.label, from: r.starts_at.toISOString(), to: r.ends_at.toISOString(), state: r.state,
  definition: r.definition, computedAt: iso(r.computed_at), publishedAt: iso(r.published_at), createdAt: r.created_at.toISOString(),
});

interface CardRow {
  id: string; period_id: string; agent_id: string; team_id: string | null; items: CardItem[]; kpi_score: string; self_score: string | null;
  supervisor_score: string | null; review_score: string; deductions: string; adjustments: string; total: string; rank: number;
  grade: Grade; own_grade: Grade; team_grade: Grade | null; updated_at: Date;
}
const card = (r: CardRow): Card => ({
  id: r.id, periodId: r.period_id, agentId: r.agent_id, teamId: r.team_id, items: r.items, kpiScore: num(r.kpi_score),
  selfScore: numOrNull(r.self_score), supervisorScore: numOrNull(r.supervisor_score), reviewScore: num(r.review_score),
  deductions: num(r.deductions), adjustments: num(r.adjustments), total: num(r.total), rank: r.rank, grade: r.grade, ownGrade: r.own_grade,
  teamGrade: r.team_grade, updatedAt: r.updated_at.toISOString(),
});

/** The figures an audit row records before and after a change. */
export const cardFigures = (c: Omit<CardFigures, 'items'>): Record<string, unknown> => ({
  kpiScore: c.kpiScore, selfScore: c.selfScore, supervisorScore: c.supervisorScore, reviewScore: c.reviewScore, deductions: c.deductions,
  adjustments: c.adjustments, total: c.total, rank: c.rank, grade: c.grade,
});

export class ScorecardRepo {
  constructor(private readonly db: Queryable) {}

  async createScheme(s: { name: string; kind: SchemeKind; definition: SchemeDefinition }): Promise<Scheme> {
    const r = await this.db.query<SchemeRow>('INSERT INTO scorecard_schemes(id, name, kind, definition) VALUES ($1,$2,$3,$4::jsonb) RETURNING *',
      [randomUUID(), s.name, s.kind, JSON.stringify(s.definition)]);
    return scheme(r.rows[0]!);
  }

  async scheme(id: string): Promise<Scheme> {
    const r = await this.db.query<SchemeRow>('SELECT * FROM scorecard_schemes WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `scheme ${id} not found`);
    return scheme(r.rows[0]);
  }

  async updateScheme(id: string, s: { name: string; definition: SchemeDefinition }): Promise<Scheme> {
    const r = await this.db.query<SchemeRow>('UPDATE scorecard_schemes SET name = $2, definition = $3::jsonb, updated_at = now() WHERE id = $1 RETURNING *',
      [id, s.name, JSON.stringify(s.definition)]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `scheme ${id} not found`);
    return scheme(r.rows[0]);
  }

  async deleteScheme(id: string): Promise<void> {
    const used = await this.db.query('SELECT 1 FROM scorecard_periods WHERE scheme_id = $1 LIMIT 1', [id]);
    if (used.rows.length) throw new KefuError('CONFLICT', `scheme ${id} has periods; delete them first`);
    const r = await this.db.query('DELETE FROM scorecard_schemes WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `scheme ${id} not found`);
  }

  async schemes(o: { limit: number; cursor?: string | undefined; kind?: SchemeKind | undefined }): Promise<Page<Scheme>> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.kind) { params.push(o.kind); where.push(`kind = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<SchemeRow>(`SELECT * FROM scorecard_schemes ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(scheme), next: p.next };
  }

  async createPeriod(p: { schemeId: string; kind: SchemeKind; label: string; from: Date; to: Date; definition: SchemeDefinition }): Promise<Period> {
    const r = await this.db.query<PeriodRow>(
      'INSERT INTO scorecard_periods(id, scheme_id, kind, label, starts_at, ends_at, definition) VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb) RETURNING *',
      [randomUUID(), p.schemeId, p.kind, p.label, p.from, p.to, JSON.stringify(p.definition)]);
    return period(r.rows[0]!);
  }

  async period(id: string): Promise<Period> {
    const r = await this.db.query<PeriodRow>('SELECT * FROM scorecard_periods WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `period ${id} not found`);
    return period(r.rows[0]);
  }

  async periodOf(schemeId: string, from: string, to: string): Promise<Period | null> {
    const r = await this.db.query<PeriodRow>('SELECT * FROM scorecard_periods WHERE scheme_id = $1 AND starts_at = $2 AND ends_at = $3', [schemeId, from, to]);
    return r.rows[0] ? period(r.rows[0]) : null;
  }

  async periods(o: { limit: number; cursor?: string | undefined; schemeId?: string | undefined; state?: PeriodState | undefined }): Promise<Page<Period>> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.schemeId) { params.push(o.schemeId); where.push(`scheme_id = $${params.length}`); }
    if (o.state) { params.push(o.state); where.push(`state = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<PeriodRow>(`SELECT * FROM scorecard_periods ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(period), next: p.next };
  }

  /** Moves a period from one state to another; false when it was no longer in `from` (a concurrent change). */
  async setState(id: string, from: PeriodState, to: PeriodState): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE scorecard_periods SET state = $3,
              computed_at = CASE WHEN $3 = 'computed' AND $2 <> 'reviewed' THEN now() ELSE computed_at END,
              published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END
        WHERE id = $1 AND state = $2`, [id, from, to]);
    return r.rowCount === 1;
  }

  async deletePeriod(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM scorecard_periods WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `period ${id} not found`);
  }

  async cards(periodId: string): Promise<Card[]> {
    const r = await this.db.query<CardRow>('SELECT * FROM scorecards WHERE period_id = $1 ORDER BY rank, agent_id', [periodId]);
    return r.rows.map(card);
  }

  /** The KPI sums each card of a period was computed from. */
  async cardSums(periodId: string): Promise<Map<string, AgentKpiSums>> {
    const r = await this.db.query<{ agent_id: string; sums: AgentKpiSums }>('SELECT agent_id, sums FROM scorecards WHERE period_id = $1', [periodId]);
    return new Map(r.rows.map((x) => [x.agent_id, x.sums]));
  }

  /** Locks a period row until the transaction ends (one recomputation at a time). */
  async lockPeriod(id: string): Promise<Period> {
    const r = await this.db.query<PeriodRow>('SELECT * FROM scorecard_periods WHERE id = $1 FOR UPDATE', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `period ${id} not found`);
    return period(r.rows[0]);
  }

  async card(id: string): Promise<Card> {
    const r = await this.db.query<CardRow>('SELECT * FROM scorecards WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `scorecard ${id} not found`);
    return card(r.rows[0]);
  }

  async cardsList(o: { limit: number; cursor?: string | undefined; agentId?: string | undefined; periodId?: string | undefined }): Promise<Page<Card>> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.agentId) { params.push(o.agentId); where.push(`agent_id = $${params.length}`); }
    if (o.periodId) { params.push(o.periodId); where.push(`period_id = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<CardRow & { created_at: Date }>(`SELECT * FROM scorecards ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(card), next: p.next };
  }

  /** Writes a card's figures (new or changed); returns its id. */
  async saveCard(periodId: string, f: CardFigures, sums: AgentKpiSums): Promise<string> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO scorecards(id, period_id, agent_id, team_id, sums, items, kpi_score, self_score, supervisor_score, review_score, deductions, adjustments, total, rank, grade, own_grade, team_grade)
       VALUES ($1,$2,$3,$4,$17::jsonb,$5::jsonb,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
       ON CONFLICT (period_id, agent_id) DO UPDATE SET team_id = EXCLUDED.team_id, sums = EXCLUDED.sums, items = EXCLUDED.items, kpi_score = EXCLUDED.kpi_score,
         self_score = EXCLUDED.self_score, supervisor_score = EXCLUDED.supervisor_score, review_score = EXCLUDED.review_score,
         deductions = EXCLUDED.deductions, adjustments = EXCLUDED.adjustments, total = EXCLUDED.total, rank = EXCLUDED.rank,
         grade = EXCLUDED.grade, own_grade = EXCLUDED.own_grade, team_grade = EXCLUDED.team_grade, updated_at = now()
       RETURNING id`,
      [randomUUID(), periodId, f.agentId, f.teamId, JSON.stringify(f.items), f.kpiScore, f.selfScore, f.supervisorScore, f.reviewScore,
        f.deductions, f.adjustments, f.total, f.rank, f.grade, f.ownGrade, f.teamGrade, JSON.stringify(sums)]);
    return r.rows[0]!.id;
  }

  async saveTeamResults(periodId: string, results: TeamFigures[]): Promise<void> {
    await this.db.query('DELETE FROM scorecard_team_results WHERE period_id = $1', [periodId]);
    for (const t of results) {
      await this.db.query('INSERT INTO scorecard_team_results(period_id, team_id, items, total, rank, grade) VALUES ($1,$2,$3::jsonb,$4,$5,$6)',
        [periodId, t.teamId, JSON.stringify(t.items), t.total, t.rank, t.grade]);
    }
  }

  async teamResults(periodId: string): Promise<TeamFigures[]> {
    const r = await this.db.query<{ team_id: string; items: TeamFigures['items']; total: string; rank: number; grade: Grade }>(
      'SELECT team_id, items, total, rank, grade FROM scorecard_team_results WHERE period_id = $1 ORDER BY rank, team_id', [periodId]);
    return r.rows.map((x) => ({ teamId: x.team_id, items: x.items, total: num(x.total), rank: x.rank, grade: x.grade }));
  }

  async saveReview(periodId: string, v: { agentId: string; kind: 'self' | 'supervisor'; score: number; comment: string | null; by: string }): Promise<Review> {
    const r = await this.db.query<{ agent_id: string; kind: 'self' | 'supervisor'; score: string; comment: string | null; by_whom: string; at: Date }>(
      `INSERT INTO scorecard_reviews(period_id, agent_id, kind, score, comment, by_whom) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (period_id, agent_id, kind) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, by_whom = EXCLUDED.by_whom, at = now()
       RETURNING agent_id, kind, score, comment, by_whom, at`, [periodId, v.agentId, v.kind, v.score, v.comment, v.by]);
    const x = r.rows[0]!;
    return { agentId: x.agent_id, kind: x.kind, score: num(x.score), comment: x.comment, by: x.by_whom, at: x.at.toISOString() };
  }

  async reviews(periodId: string, agentId?: string): Promise<Review[]> {
    const r = await this.db.query<{ agent_id: string; kind: 'self' | 'supervisor'; score: string; comment: string | null; by_whom: string; at: Date }>(
      `SELECT agent_id, kind, score, comment, by_whom, at FROM scorecard_reviews WHERE period_id = $1 ${agentId ? 'AND agent_id = $2' : ''} ORDER BY agent_id, kind`,
      agentId ? [periodId, agentId] : [periodId]);
    return r.rows.map((x) => ({ agentId: x.agent_id, kind: x.kind, score: num(x.score), comment: x.comment, by: x.by_whom, at: x.at.toISOString() }));
  }

  async addChange(cardId: string, c: { actor: string; reason: string; before: Record<string, unknown> | null; after: Record<string, unknown> }): Promise<void> {
    await this.db.query('INSERT INTO scorecard_changes(id, scorecard_id, actor, reason, before, after) VALUES ($1,$2,$3,$4,$5::jsonb,$6::jsonb)',
      [randomUUID(), cardId, c.actor, c.reason, c.before === null ? null : JSON.stringify(c.before), JSON.stringify(c.after)]);
  }

  async changes(cardId: string): Promise<Change[]> {
    const r = await this.db.query<{ id: string; at: Date; actor: string; reason: string; before: Record<string, unknown> | null; after: Record<string, unknown> }>(
      'SELECT id, at, actor, reason, before, after FROM scorecard_changes WHERE scorecard_id = $1 ORDER BY seq', [cardId]);
    return r.rows.map((x) => ({ id: x.id, at: x.at.toISOString(), actor: x.actor, reason: x.reason, before: x.before, after: x.after }));
  }

  /** Agents (with their team) a period scores: every agent, or those of the given teams. */
  async agents(teamIds?: readonly string[]): Promise<Array<{ agentId: string; teamId: string | null }>> {
    const r = await this.db.query<{ id: string; team_id: string | null }>(
      `SELECT id, team_id FROM agents ${teamIds ? 'WHERE team_id = ANY($1::text[])' : ''} ORDER BY id`, teamIds ? [[...teamIds]] : []);
    return r.rows.map((x) => ({ agentId: x.id, teamId: x.team_id }));
  }
}
