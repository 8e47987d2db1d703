import { describe, expect, it } from 'vitest';
import { competitionRanks, gradeOf, itemScore, teamGrade, teamItemPoints, worseGrade } from './rules.ts';
import { kpiValues, poolSums, roundTo, type AgentKpiSums } from './kpi.ts';
import { transition } from './machine.ts';
import { monthBounds } from './period.ts';
import { validateIndividual, validateTeam, type IndividualDefinition } from './scheme.ts';

describe('item scores', () => {
  const linear = { type: 'linear' as const, max: 120 };
  it('linear, higher better: in proportion to the target, capped at max', () => {
    expect(itemScore(linear, 100, 80, false)).toBe(80);
    expect(itemScore(linear, 100, 150, false)).toBe(120);
    expect(itemScore(linear, 3, 1, false)).toBe(33.33);
    expect(itemScore(linear, 0, 5, false)).toBe(120);
    expect(itemScore(linear, 100, null, false)).toBe(0);
  });
  it('linear, lower better: target over value, capped at max; zero is the max', () => {
    expect(itemScore(linear, 10_000, 12_500, true)).toBe(80);
    expect(itemScore(linear, 10_000, 5_000, true)).toBe(120);
    expect(itemScore(linear, 10_000, 0, true)).toBe(120);
    expect(itemScore({ type: 'linear', max: 100 }, 10_000, 8_000, true)).toBe(100);
  });
  it('bands: the first band reached, best first; none reached is 0', () => {
    const up = { type: 'bands' as const, bands: [{ limit: 4.5, score: 100 }, { limit: 4, score: 80 }, { limit: 3, score: 50 }] };
    expect(itemScore(up, 0, 4.6, false)).toBe(100);
    expect(itemScore(up, 0, 4, false)).toBe(80);
    expect(itemScore(up, 0, 2.9, false)).toBe(0);
    const down = { type: 'bands' as const, bands: [{ limit: 0, score: 100 }, { limit: 1, score: 60 }, { limit: 3, score: 20 }] };
    expect(itemScore(down, 0, 0, true)).toBe(100);
    expect(itemScore(down, 0, 1, true)).toBe(60);
    expect(itemScore(down, 0, 2, true)).toBe(20);
    expect(itemScore(down, 0, 4, true)).toBe(0);
  });
  it('rounds half away from zero without binary noise', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-2.675, 2)).toBe(-2.68);
  });
});

describe('grades and ranks', () => {
  const t = { A: 90, B: 80, C: 70, D: 60 };
  it('grades by thresholds, inclusive', () => {
    expect([95, 90, 89.99, 80, 70, 60, 59.99, -10].map((x) => gradeOf(x, t))).toEqual(['A', 'A', 'B', 'B', 'C', 'D', 'E', 'E']);
  });
  it('competition ranking: ties share the better rank, the next skips; missing values last', () => {
    const r = competitionRanks([{ key: 'a', value: 5 }, { key: 'b', value: 9 }, { key: 'c', value: 9 }, { key: 'd', value: null }, { key: 'e', value: 1 }], false);
    expect(Object.fromEntries(r)).toEqual({ b: 1, c: 1, a: 3, e: 4, d: 5 });
    const low = competitionRanks([{ key: 'a', value: 5 }, { key: 'b', value: 2 }], true);
    expect(Object.fromEntries(low)).toEqual({ b: 1, a: 2 });
  });
  it('team points: 1st of N gets N × level, ties share the higher points, missing gets 0', () => {
    const p = teamItemPoints([{ key: 'x', value: 10 }, { key: 'y', value: 10 }, { key: 'z', value: 3 }], 4, false);
    expect(Object.fromEntries(p)).toEqual({ x: { rank: 1, points: 12 }, y: { rank: 1, points: 12 }, z: { rank: 3, points: 4 } });
    const q = teamItemPoints([{ key: 'x', value: 2 }, { key: 'y', value: null }, { key: 'z', value: 1 }], 2, true);
    expect(Object.fromEntries(q)).toEqual({ z: { rank: 1, points: 6 }, x: { rank: 2, points: 4 }, y: { rank: 3, points: 0 } });
  });
  it('team grade: the better of place and points (≥ 92 is an A)', () => {
    expect(teamGrade(1, 40, { A: 92 })).toBe('A');
    expect(teamGrade(2, 93, { A: 92 })).toBe('A');
    expect(teamGrade(2, 91, { A: 92 })).toBe('B');
    expect(teamGrade(3, 50, { A: 92 })).toBe('C');
    expect(teamGrade(4, 80, { A: 92, B: 75 })).toBe('B');
    expect(teamGrade(7, 0, { A: 92 })).toBe('E');
  });
  it('a member is bounded by the team: the worse grade', () => {
    expect(worseGrade('A', 'C')).toBe('C');
    expect(worseGrade('D', 'B')).toBe('D');
  });
});

describe('KPI values from sums', () => {
  const s = (o: Partial<AgentKpiSums>): AgentKpiSums => ({
    agentId: 'a', answered: 0, responseCount: 0, responseTotalMs: 0, handleCount: 0, handleTotalMs: 0, converted: 0,
    complaints: 0, substantiatedComplaintIds: [], churned: 0, surveyCount: 0, surveyTotal: 0, ...o,
  });
  it('averages and ratios; null when nothing to average', () => {
    expect(kpiValues(s({ answered: 3, converted: 1, responseCount: 2, responseTotalMs: 9001, surveyCount: 3, surveyTotal: 13 }))).toEqual({
      answered: 3, responseMs: 4501, handleMs: null, conversion: 0.3333, complaints: 0, churn: 0, survey: 4.33,
    });
  });
  it('pools a team exactly (sums, then one division)', () => {
    const v = kpiValues(poolSums([s({ answered: 1, handleCount: 1, handleTotalMs: 100 }), s({ answered: 3, handleCount: 3, handleTotalMs: 900 })]));
    expect(v.handleMs).toBe(250);
    expect(v.answered).toBe(4);
  });
});

describe('period machine', () => {
  it('open → computed → reviewed → published; nothing else', () => {
    expect(transition('open', 'compute')).toEqual({ ok: true, to: 'computed' });
    expect(transition('computed', 'compute')).toEqual({ ok: true, to: 'computed' });
    expect(transition('computed', 'closeReviews')).toEqual({ ok: true, to: 'reviewed' });
    expect(transition('reviewed', 'reopen')).toEqual({ ok: true, to: 'computed' });
    expect(transition('reviewed', 'publish')).toEqual({ ok: true, to: 'published' });
    expect(transition('open', 'publish').ok).toBe(false);
    expect(transition('published', 'compute')).toEqual({ ok: false, reason: 'cannot compute a period that is published (only when open or computed)' });
  });
});

describe('scheme checks', () => {
  const good: IndividualDefinition = {
    items: [
      { kpi: 'answered', target: 100, weight: 60, rule: { type: 'linear', max: 120 } },
      { kpi: 'complaints', target: 0, weight: 40, rule: { type: 'bands', bands: [{ limit: 0, score: 100 }, { limit: 2, score: 50 }] } },
    ],
    conversionOutcomes: ['sale'], parts: { kpi: 70, review: 30 }, reviewWeights: { self: 30, supervisor: 70 }, complaintDeduction: 50,
    grades: { A: 90, B: 80, C: 70, D: 60 }, appealDays: 7, teamSchemeId: null, boundByTeam: false,
  };
  it('accepts a good scheme', () => expect(validateIndividual(good)).toEqual([]));
  it('names the field: weights, parts, thresholds, band order, duplicates, the bounding team scheme', () => {
    const bad: IndividualDefinition = {
      ...good,
      items: [
        { ...good.items[0]!, weight: 50 },
        { kpi: 'complaints', target: 0, weight: 40, rule: { type: 'bands', bands: [{ limit: 2, score: 50 }, { limit: 0, score: 100 }] } },
        { kpi: 'answered', target: 1, weight: 5, rule: { type: 'linear', max: 100 } },
      ],
      parts: { kpi: 70, review: 20 }, reviewWeights: { self: 50, supervisor: 60 }, grades: { A: 90, B: 95, C: 70, D: 70 }, boundByTeam: true,
    };
    expect(validateIndividual(bad).map((p) => p.path)).toEqual([
      'items[2].kpi', 'items[1].rule.bands[1].limit', 'items', 'parts', 'reviewWeights', 'grades.B', 'grades.D', 'teamSchemeId',
    ]);
  });
  it('team schemes: items and ordered thresholds', () => {
    expect(validateTeam({ items: [{ kpi: 'answered', level: 4 }], conversionOutcomes: [], grades: { A: 92 } })).toEqual([]);
    expect(validateTeam({ items: [], conversionOutcomes: [], grades: { A: 92, B: 95 } }).map((p) => p.path)).toEqual(['items', 'grades.B']);
  });
});

describe('month bounds', () => {
  it('a month in UTC and in Asia/Shanghai; December rolls the year', () => {
    expect(monthBounds('2026-11', 'UTC')).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    expect(monthBounds('2026-11', 'Asia/Shanghai')).toEqual({ from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-11-30T16:00:00Z') });
    expect(monthBounds('2026-12', 'UTC').to).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(monthBounds('2026-03', 'Europe/Berlin')).toEqual({ from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') });
  });
});
