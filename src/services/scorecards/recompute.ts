/**
 * Recomputing a period's cards: the one place that writes card figures and
 * the change log. Fresh: the KPI figures are asked of the port again (and the
 * complaint deductions brought in line); otherwise the sums the cards were
 * computed from are reused, so a review, a deduction or an appeal changes
 * only what it touches. Every card whose figures change gets a change row
 * with who and why.
 */
import type { Db } from '../../db/types.ts';
import type { AgentKpiSums, KpiSource } from '../../core/scorecards/kpi.ts';
import { computeCards, computeTeams } from '../../core/scorecards/compute.ts';
import type { Grade, IndividualDefinition, TeamDefinition } from '../../core/scorecards/scheme.ts';
import { KefuError } from '../../core/errors.ts';
import { ScorecardRepo, cardFigures, type Period } from '../../db/repos/scorecards.ts';
import { ScorecardAppealRepo } from '../../db/repos/scorecard-appeals.ts';

/** Equal as values (jsonb gives keys back in its own order). */
const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canon(x)])) : v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

export async function recomputeCards(db: Db, kpis: KpiSource, period: Period, opts: { fresh: boolean; actor: string; reason: string }): Promise<void> {
  const def = period.definition as IndividualDefinition;
  const repo = new ScorecardRepo(db);
  // Asked outside the transaction: the port may be another connection.
  let fresh: { agents: Array<{ agentId: string; teamId: string | null }>; sums: AgentKpiSums[] } | null = null;
  if (opts.fresh) {
    const agents = await repo.agents(def.teamIds);
    const sums = await kpis.sums({ from: new Date(period.from), to: new Date(period.to), agentIds: agents.map((a) => a.agentId), conversionOutcomes: def.conversionOutcomes });
    fresh = { agents, sums };
  }
  let teamGrades: Map<string, Grade> | null = null;
  if (def.boundByTeam && def.teamSchemeId) {
    const tp = await repo.periodOf(def.teamSchemeId, period.from, period.to);
    if (!tp || tp.state === 'open') throw new KefuError('UNPROCESSABLE', `the team scheme's period ${period.from} – ${period.to} must be computed first: it bounds the members' grades`);
    teamGrades = new Map((await repo.teamResults(tp.id)).map((t) => [t.teamId, t.grade]));
  }
  await db.transaction(async (tx) => {
    const r = new ScorecardRepo(tx);
    const ap = new ScorecardAppealRepo(tx);
    await r.lockPeriod(period.id);
    const existing = new Map((await r.cards(period.id)).map((c) => [c.agentId, c]));
    let members: Array<{ agentId: string; teamId: string | null; sums: AgentKpiSums }>;
    if (fresh) {
      const byAgent = new Map(fresh.sums.map((s) => [s.agentId, s]));
      members = fresh.agents.map((a) => ({ ...a, sums: byAgent.get(a.agentId)! }));
      await ap.syncComplaintDeductions(period.id, new Map(fresh.sums.map((s) => [s.agentId, s.substantiatedComplaintIds])), def.complaintDeduction, opts.actor);
    } else {
      const sums = await r.cardSums(period.id);
      members = [...existing.values()].map((c) => ({ agentId: c.agentId, teamId: c.teamId, sums: sums.get(c.agentId)! }));
    }
    const reviews = await r.reviews(period.id);
    const review = (agentId: string, kind: 'self' | 'supervisor') => reviews.find((v) => v.agentId === agentId && v.kind === kind)?.score ?? null;
    const deducted = new Map<string, number>();
    for (const d of await ap.deductions(period.id)) if (!d.voidedAt) deducted.set(d.agentId, (deducted.get(d.agentId) ?? 0) + d.points);
    const adjustments = await ap.adjustments(period.id);
    const figures = computeCards(def, members.map((m) => ({
      agentId: m.agentId, teamId: m.teamId, sums: m.sums, selfScore: review(m.agentId, 'self'), supervisorScore: review(m.agentId, 'supervisor'),
      deductions: deducted.get(m.agentId) ?? 0, adjustments: adjustments.get(existing.get(m.agentId)?.id ?? '') ?? 0,
    })), teamGrades);
    for (const f of figures) {
      const m = members.find((x) => x.agentId === f.agentId)!;
      const before = existing.get(f.agentId);
      const id = await r.saveCard(period.id, f, m.sums);
      const after = cardFigures(f);
      const itemsChanged = before && !same(before.items, f.items);
      if (!before || itemsChanged || !same(cardFigures(before), after)) {
        await r.addChange(id, { actor: opts.actor, reason: opts.reason, before: before ? cardFigures(before) : null, after });
      }
    }
  });
}

export async function computeTeamPeriod(db: Db, kpis: KpiSource, period: Period): Promise<void> {
  const def = period.definition as TeamDefinition;
  const repo = new ScorecardRepo(db);
  const agents = (await repo.agents(def.teamIds)).filter((a) => a.teamId !== null);
  const sums = await kpis.sums({ from: new Date(period.from), to: new Date(period.to), agentIds: agents.map((a) => a.agentId), conversionOutcomes: def.conversionOutcomes });
  const teams = new Map<string, AgentKpiSums[]>();
  for (const a of agents) teams.set(a.teamId!, [...(teams.get(a.teamId!) ?? []), sums.find((s) => s.agentId === a.agentId)!]);
  const results = computeTeams(def, [...teams].map(([teamId, members]) => ({ teamId, members })));
  await db.transaction(async (tx) => {
    const r = new ScorecardRepo(tx);
    await r.lockPeriod(period.id);
    await r.saveTeamResults(period.id, results);
  });
}
