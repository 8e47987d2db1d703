import { describe, expect, it } from 'vitest';
import { computeCards, computeTeams } from './compute.ts';
import type { AgentKpiSums } from './kpi.ts';
import type { IndividualDefinition, TeamDefinition } from './scheme.ts';

const sums = (agentId: string, o: Partial<AgentKpiSums>): AgentKpiSums => ({
  agentId, answered: 0, responseCount: 0, responseTotalMs: 0, handleCount: 0, handleTotalMs: 0, converted: 0,
  complaints: 0, substantiatedComplaintIds: [], churned: 0, surveyCount: 0, surveyTotal: 0, ...o,
});

describe('computeCards', () => {
  // x: answered 8 of target 10 → 80 × 0.5 = 40; survey 4.5 of 5 → 90 × 0.5 = 45; KPI 85.
  //    review 0.3 × 80 + 0.7 × 70 = 73; total 0.6 × 85 + 0.4 × 73 − 10 + 2 = 51 + 29.2 − 8 = 72.2 → C (bounded by team B: C).
  // y: answered 12 → 120 (capped at 120) × 0.5 = 60; no survey → 0; KPI 60; no reviews → 0; total 36 → E.
  // z: answered 20 → 120 → 60; survey 5 → 100 → 50; KPI 110; reviews 100/100 → 100; total 66 + 40 = 106 → A, bounded by team B → B.
  const def: IndividualDefinition = {
    items: [
      { kpi: 'answered', target: 10, weight: 50, rule: { type: 'linear', max: 120 } },
      { kpi: 'survey', target: 5, weight: 50, rule: { type: 'linear', max: 100 } },
    ],
    conversionOutcomes: [], parts: { kpi: 60, review: 40 }, reviewWeights: { self: 30, supervisor: 70 }, complaintDeduction: 10,
    grades: { A: 90, B: 80, C: 70, D: 60 }, appealDays: 7, teamSchemeId: 'team', boundByTeam: true,
  };
  it('scores, totals, ranks and bounds as written out', () => {
    const cards = computeCards(def, [
      { agentId: 'x', teamId: 't', sums: sums('x', { answered: 8, surveyCount: 2, surveyTotal: 9 }), selfScore: 80, supervisorScore: 70, deductions: 10, adjustments: 2 },
      { agentId: 'y', teamId: null, sums: sums('y', { answered: 12 }), selfScore: null, supervisorScore: null, deductions: 0, adjustments: 0 },
      { agentId: 'z', teamId: 't', sums: sums('z', { answered: 20, surveyCount: 1, surveyTotal: 5 }), selfScore: 100, supervisorScore: 100, deductions: 0, adjustments: 0 },
    ], new Map([['t', 'B' as const]]));
    expect(cards.map((c) => [c.agentId, c.items.map((i) => i.weighted), c.kpiScore, c.reviewScore, c.total, c.rank, c.ownGrade, c.teamGrade, c.grade])).toEqual([
      ['x', [40, 45], 85, 73, 72.2, 2, 'C', 'B', 'C'],
      ['y', [60, 0], 60, 0, 36, 3, 'E', null, 'E'],
      ['z', [60, 50], 110, 100, 106, 1, 'A', 'B', 'B'],
    ]);
  });
  it('without the bound, the own grade stands', () => {
    const [z] = computeCards({ ...def, boundByTeam: false }, [
      { agentId: 'z', teamId: 't', sums: sums('z', { answered: 20, surveyCount: 1, surveyTotal: 5 }), selfScore: 100, supervisorScore: 100, deductions: 0, adjustments: 0 },
    ], new Map([['t', 'D' as const]]));
    expect([z!.grade, z!.teamGrade]).toEqual(['A', null]);
  });
});

describe('computeTeams', () => {
  // 3 teams, one item answered level 2 and one handleMs level 1 (lower better):
  // answered: p 10 (1st, 6), q 10 (=1st, 6), r 4 (3rd, 2); handle: p 100 (1st, 3), q 300 (3rd, 1), r 200 (2nd, 2).
  // totals p 9 (1st, A), q 7 (2nd, B), r 4 (3rd, C); with A at 7 points q is A too.
  const def: TeamDefinition = { items: [{ kpi: 'answered', level: 2 }, { kpi: 'handleMs', level: 1 }], conversionOutcomes: [], grades: { A: 92 } };
  const teams = [
    { teamId: 'p', members: [sums('p1', { answered: 4, handleCount: 1, handleTotalMs: 100 }), sums('p2', { answered: 6, handleCount: 1, handleTotalMs: 100 })] },
    { teamId: 'q', members: [sums('q1', { answered: 10, handleCount: 2, handleTotalMs: 600 })] },
    { teamId: 'r', members: [sums('r1', { answered: 4, handleCount: 4, handleTotalMs: 800 })] },
  ];
  it('points by place × level with shared ties, totals, grades by place', () => {
    expect(computeTeams(def, teams).map((t) => [t.teamId, t.items.map((i) => i.points), t.total, t.rank, t.grade])).toEqual([
      ['p', [6, 3], 9, 1, 'A'], ['q', [6, 1], 7, 2, 'B'], ['r', [2, 2], 4, 3, 'C'],
    ]);
  });
  it('any team at or above the A points is an A', () => {
    expect(computeTeams({ ...def, grades: { A: 7 } }, teams).map((t) => t.grade)).toEqual(['A', 'A', 'C']);
  });
});
