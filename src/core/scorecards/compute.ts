/**
 * A period's results from its figures, pure: individual cards (KPI items,
 * reviews, deductions, adjustments, total, rank, grade) and team results
 * (points per item, total, rank, grade).
 */
import { kpiValues, poolSums, type AgentKpiSums, type KpiKey } from './kpi.ts';
import { competitionRanks, gradeOf, itemScore, round2, teamGrade, teamItemPoints, worseGrade } from './rules.ts';
import { isLower, type Grade, type IndividualDefinition, type TeamDefinition } from './scheme.ts';

export interface CardItem { kpi: KpiKey; value: number | null; target: number; score: number; weight: number; weighted: number }

export interface CardFigures {
  agentId: string;
  teamId: string | null;
  items: CardItem[];
  kpiScore: number;
  selfScore: number | null;
  supervisorScore: number | null;
  reviewScore: number;
  deductions: number;
  adjustments: number;
  total: number;
  rank: number;
  /** The grade from the total alone, and the team's when the scheme bounds by it. */
  ownGrade: Grade;
  teamGrade: Grade | null;
  grade: Grade;
}

export interface CardInput {
  agentId: string;
  teamId: string | null;
  sums: AgentKpiSums;
  selfScore: number | null;
  supervisorScore: number | null;
  /** Points of the deductions in force (voided ones left out). */
  deductions: number;
  /** Points given back or added by upheld appeals. */
  adjustments: number;
}

/**
 * total = round2(kpiScore × parts.kpi / 100) + round2(reviewScore × parts.review / 100) − deductions + adjustments,
 * kpiScore = Σ round2(item score × weight / 100), reviewScore = round2(self × w.self / 100 + supervisor × w.supervisor / 100)
 * (a missing review counts 0). Ranked by total, ties sharing the better rank.
 */
export function computeCards(def: IndividualDefinition, inputs: readonly CardInput[], teamGrades: ReadonlyMap<string, Grade> | null): CardFigures[] {
  const partial = inputs.map((c) => {
    const values = kpiValues(c.sums);
    const items: CardItem[] = def.items.map((it) => {
      const value = values[it.kpi];
      const score = itemScore(it.rule, it.target, value, isLower(it));
      return { kpi: it.kpi, value, target: it.target, score, weight: it.weight, weighted: round2((score * it.weight) / 100) };
    });
    const kpiScore = round2(items.reduce((a, i) => a + i.weighted, 0));
    const reviewScore = round2(((c.selfScore ?? 0) * def.reviewWeights.self + (c.supervisorScore ?? 0) * def.reviewWeights.supervisor) / 100);
    const total = round2(round2((kpiScore * def.parts.kpi) / 100) + round2((reviewScore * def.parts.review) / 100) - c.deductions + c.adjustments);
    return { c, items, kpiScore, reviewScore, total };
  });
  const ranks = competitionRanks(partial.map((p) => ({ key: p.c.agentId, value: p.total })), false);
  return partial.map(({ c, items, kpiScore, reviewScore, total }) => {
    const ownGrade = gradeOf(total, def.grades);
    const team = def.boundByTeam && teamGrades && c.teamId ? teamGrades.get(c.teamId) ?? null : null;
    return {
      agentId: c.agentId, teamId: c.teamId, items, kpiScore, selfScore: c.selfScore, supervisorScore: c.supervisorScore, reviewScore,
      deductions: round2(c.deductions), adjustments: round2(c.adjustments), total, rank: ranks.get(c.agentId)!,
      ownGrade, teamGrade: team, grade: team ? worseGrade(ownGrade, team) : ownGrade,
    };
  });
}

export interface TeamItemResult { kpi: KpiKey; level: number; value: number | null; rank: number; points: number }
export interface TeamFigures { teamId: string; items: TeamItemResult[]; total: number; rank: number; grade: Grade }

/** 小组 results: each item ranks the teams (pooled members' figures), points by place × level, summed; graded by place or points. */
export function computeTeams(def: TeamDefinition, teams: ReadonlyArray<{ teamId: string; members: readonly AgentKpiSums[] }>): TeamFigures[] {
  const values = new Map(teams.map((t) => [t.teamId, kpiValues(poolSums(t.members))]));
  const perItem = def.items.map((it) => ({
    it, points: teamItemPoints(teams.map((t) => ({ key: t.teamId, value: values.get(t.teamId)![it.kpi] })), it.level, isLower(it)),
  }));
  const partial = teams.map((t) => {
    const items = perItem.map(({ it, points }) => {
      const p = points.get(t.teamId)!;
      return { kpi: it.kpi, level: it.level, value: values.get(t.teamId)![it.kpi], rank: p.rank, points: p.points };
    });
    return { teamId: t.teamId, items, total: items.reduce((a, i) => a + i.points, 0) };
  });
  const ranks = competitionRanks(partial.map((p) => ({ key: p.teamId, value: p.total })), false);
  return partial.map((p) => {
    const rank = ranks.get(p.teamId)!;
    return { ...p, rank, grade: teamGrade(rank, p.total, def.grades) };
  });
}
