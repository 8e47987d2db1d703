/**
 * Scorecards (绩效考核): periods through their life (compute, close reviews,
 * reopen, publish), reviews, deductions and appeals. Who may do what is the
 * HTTP layer's (roles and ownership); this service keeps the rules of the
 * records: what a period's state allows, what an appeal may name, and that
 * every change to a card is recomputed and logged with who and why.
 */
import type { Db } from '../../db/types.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { KpiSource } from '../../core/scorecards/kpi.ts';
import { KefuError } from '../../core/errors.ts';
import { reviewsOpen, transition, type PeriodEvent } from '../../core/scorecards/machine.ts';
import type { IndividualDefinition, SchemeDefinition, TeamDefinition } from '../../core/scorecards/scheme.ts';
import { ScorecardRepo, type Period, type Review } from '../../db/repos/scorecards.ts';
import { ScorecardAppealRepo, type Appeal, type Deduction } from '../../db/repos/scorecard-appeals.ts';
import { computeTeamPeriod, recomputeCards } from './recompute.ts';

export interface ScorecardServiceDeps {
  db: Db;
  bus: EventBus;
  /** Where the KPI figures come from (plain SQL today; the statistics engine may take over). */
  kpis: KpiSource;
  now?: () => Date;
}

export class ScorecardService {
  readonly repo: ScorecardRepo;
  readonly appeals: ScorecardAppealRepo;

  constructor(private readonly deps: ScorecardServiceDeps) {
    this.repo = new ScorecardRepo(deps.db);
    this.appeals = new ScorecardAppealRepo(deps.db, deps.now);
  }

  async createPeriod(p: { schemeId: string; label: string; from: Date; to: Date; items?: TeamDefinition['items'] | undefined }): Promise<Period> {
    const scheme = await this.repo.scheme(p.schemeId);
    const definition: SchemeDefinition = p.items ? { ...(scheme.definition as TeamDefinition), items: p.items } : scheme.definition;
    if (await this.repo.periodOf(scheme.id, p.from.toISOString(), p.to.toISOString())) throw new KefuError('CONFLICT', `scheme ${scheme.id} already has a period from ${p.from.toISOString()} to ${p.to.toISOString()}`);
    return this.repo.createPeriod({ schemeId: scheme.id, kind: scheme.kind, label: p.label, from: p.from, to: p.to, definition });
  }

  async deletePeriod(id: string): Promise<void> {
    const p = await this.repo.period(id);
    if (p.state !== 'open') throw new KefuError('CONFLICT', `period ${id} is ${p.state}; only an open period may be deleted`);
    await this.repo.deletePeriod(id);
  }

  private async move(id: string, event: PeriodEvent): Promise<Period> {
    const p = await this.repo.period(id);
    const t = transition(p.state, event);
    if (!t.ok) throw new KefuError('CONFLICT', t.reason, { state: p.state });
    return p;
  }

  private async setState(p: Period, to: Period['state']): Promise<Period> {
    if (!await this.repo.setState(p.id, p.state, to)) throw new KefuError('CONFLICT', `period ${p.id} changed meanwhile; try again`);
    return this.repo.period(p.id);
  }

  /** Takes the figures (again): open or computed → computed. */
  async compute(id: string, actor: string): Promise<Period> {
    const p = await this.move(id, 'compute');
    if (p.kind === 'team') await computeTeamPeriod(this.deps.db, this.deps.kpis, p);
    else await recomputeCards(this.deps.db, this.deps.kpis, p, { fresh: true, actor, reason: p.state === 'open' ? 'computed' : 'computed again' });
    return this.setState(p, 'computed');
  }

  async closeReviews(id: string, actor: string): Promise<Period> {
    const p = await this.move(id, 'closeReviews');
    if (p.kind === 'individual') await recomputeCards(this.deps.db, this.deps.kpis, p, { fresh: false, actor, reason: 'reviews closed' });
    return this.setState(p, 'reviewed');
  }

  async reopen(id: string): Promise<Period> {
    return this.setState(await this.move(id, 'reopen'), 'computed');
  }

  async publish(id: string): Promise<Period> {
    const p = await this.setState(await this.move(id, 'publish'), 'published');
    const count = p.kind === 'team' ? (await this.repo.teamResults(p.id)).length : (await this.repo.cards(p.id)).length;
    this.deps.bus.emit('scorecard.published', { periodId: p.id, schemeId: p.schemeId, kind: p.kind, label: p.label, from: p.from, to: p.to, results: count });
    return p;
  }

  private async individualOpenForReview(id: string): Promise<Period> {
    const p = await this.repo.period(id);
    if (p.kind !== 'individual') throw new KefuError('UNPROCESSABLE', `period ${id} is a team period: it has no reviews or deductions`);
    if (!reviewsOpen(p.state)) throw new KefuError('CONFLICT', `period ${id} is ${p.state}: reviews and deductions are closed`, { state: p.state });
    return p;
  }

  /** A review (自评 or 主管评分); the card is recomputed when the period has been computed. */
  async review(periodId: string, v: { agentId: string; kind: 'self' | 'supervisor'; score: number; comment: string | null; by: string }): Promise<Review> {
    const p = await this.individualOpenForReview(periodId);
    await this.knownAgent(v.agentId);
    const saved = await this.repo.saveReview(p.id, v);
    if (p.state === 'computed') await recomputeCards(this.deps.db, this.deps.kpis, p, { fresh: false, actor: v.by, reason: `${v.kind === 'self' ? 'self-review' : 'supervisor review'}: ${v.score}` });
    return saved;
  }

  async deduct(periodId: string, d: { agentId: string; points: number; reason: string; by: string }): Promise<Deduction> {
    const p = await this.individualOpenForReview(periodId);
    await this.knownAgent(d.agentId);
    const saved = await this.appeals.addManual(p.id, d);
    if (p.state === 'computed') await recomputeCards(this.deps.db, this.deps.kpis, p, { fresh: false, actor: d.by, reason: `deduction −${d.points}: ${d.reason}` });
    return saved;
  }

  private async knownAgent(agentId: string): Promise<void> {
    if (!(await this.repo.agents()).some((a) => a.agentId === agentId)) throw new KefuError('NOT_FOUND', `agent ${agentId} not found`);
  }

  /** An agent's appeal of their published card or one of its deductions. Ownership is the caller's. */
  async appeal(cardId: string, a: { deductionId: string | null; reason: string }): Promise<Appeal> {
    const card = await this.repo.card(cardId);
    const p = await this.repo.period(card.periodId);
    if (p.state !== 'published') throw new KefuError('CONFLICT', `period ${p.id} is ${p.state}: appeals open when it is published`);
    if (a.deductionId) {
      const d = await this.appeals.deduction(a.deductionId).catch(() => null);
      if (!d || d.periodId !== p.id || d.agentId !== card.agentId) throw new KefuError('NOT_FOUND', `deduction ${a.deductionId} is not on scorecard ${cardId}`);
      if (d.voidedAt) throw new KefuError('CONFLICT', `deduction ${a.deductionId} is already void`);
    }
    const open = await this.appeals.list({ limit: 1, scorecardId: cardId, status: 'open' });
    if (open.items.some((x) => x.deductionId === a.deductionId)) throw new KefuError('CONFLICT', `an appeal of this ${a.deductionId ? 'deduction' : 'scorecard'} is already waiting for its answer`);
    const def = p.definition as IndividualDefinition;
    const created = await this.appeals.create({ scorecardId: cardId, deductionId: a.deductionId, agentId: card.agentId, reason: a.reason, days: def.appealDays });
    this.emitAppeal(created, p.id);
    return created;
  }

  /**
   * Answers an appeal. Upheld: a deduction appealed is voided; a card appealed
   * gets `adjustment` points (required then). The period's cards are recomputed
   * (totals, ranks, grades) and each change logged with the answer as the reason.
   */
  async decide(appealId: string, d: { status: 'upheld' | 'rejected'; answer: string; adjustment?: number | undefined; by: string }): Promise<Appeal> {
    const a = await this.appeals.get(appealId);
    if (a.status !== 'open') throw new KefuError('CONFLICT', `appeal ${appealId} was answered already (${a.status})`);
    const card = await this.repo.card(a.scorecardId);
    const p = await this.repo.period(card.periodId);
    const adjustment = d.status === 'upheld' && !a.deductionId ? d.adjustment : undefined;
    if (d.status === 'upheld' && !a.deductionId && (adjustment === undefined || adjustment === 0)) {
      throw new KefuError('UNPROCESSABLE', 'an upheld appeal of a whole scorecard needs adjustment: the points it changes the total by', { field: 'adjustment' });
    }
    const decided = await this.appeals.decide(appealId, { status: d.status, answer: d.answer, adjustment: adjustment ?? null, by: d.by });
    if (!decided) throw new KefuError('CONFLICT', `appeal ${appealId} was answered meanwhile`);
    if (d.status === 'upheld') {
      if (a.deductionId) await this.appeals.voidDeduction(a.deductionId, d.by, `appeal ${appealId} upheld: ${d.answer}`);
      await recomputeCards(this.deps.db, this.deps.kpis, p, { fresh: false, actor: d.by, reason: `appeal ${appealId} upheld: ${d.answer}` });
    }
    this.emitAppeal(decided, p.id);
    return decided;
  }

  private emitAppeal(a: Appeal, periodId: string): void {
    this.deps.bus.emit('scorecard.appeal', {
      appealId: a.id, scorecardId: a.scorecardId, periodId, agentId: a.agentId, deductionId: a.deductionId, status: a.status, dueAt: a.dueAt, adjustment: a.adjustment,
    });
  }
}
