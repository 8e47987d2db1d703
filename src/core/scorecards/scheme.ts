/**
 * Scheme definitions (what the API takes and a period keeps a copy of) and
 * the checks a JSON schema cannot make: weights summing to 100, thresholds in
 * order, unique items. Problems are returned with the path of the field
 * inside the definition (e.g. "items[1].weight"); the caller prefixes it.
 */
import { LOWER_IS_BETTER, type KpiKey } from './kpi.ts';

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = typeof GRADES[number];

/** Linear: 100 points at the target, in proportion below (or above, up to `max`); bands: the first band reached. */
export type ScoringRule =
  | { type: 'linear'; max: number }
  | { type: 'bands'; bands: Array<{ limit: number; score: number }> };

export interface IndividualItem {
  kpi: KpiKey;
  target: number;
  /** Share of the KPI part, in percent; the items' weights sum to 100. */
  weight: number;
  rule: ScoringRule;
  /** Which way is better; defaults to the KPI's own (times, complaints and churn: lower). */
  better?: 'higher' | 'lower';
}

/** Grade thresholds: a total at or above A's is an A, and so on; below D's is an E. */
export interface GradeThresholds { A: number; B: number; C: number; D: number }

export interface IndividualDefinition {
  items: IndividualItem[];
  /** Call outcomes counted as conversions (conversion = converted / answered). */
  conversionOutcomes: string[];
  /** How the total is made: KPI part and review part, in percent (sum 100). */
  parts: { kpi: number; review: number };
  /** How the review part is made: 自评 and 主管评分, in percent (sum 100). */
  reviewWeights: { self: number; supervisor: number };
  /** Points taken off for each substantiated complaint (0: none). */
  complaintDeduction: number;
  grades: GradeThresholds;
  /** Days an appeal may wait for its answer. */
  appealDays: number;
  /** A team scheme whose grade bounds the members' grades (same period dates), or null. */
  teamSchemeId: string | null;
  boundByTeam: boolean;
  /** Only the agents of these teams (default: every agent). */
  teamIds?: string[] | undefined;
}

export interface TeamItem {
  kpi: KpiKey;
  /** 1–4: the item's weight in points (1st of N teams gets N × level). */
  level: number;
  better?: 'higher' | 'lower';
}

export interface TeamDefinition {
  items: TeamItem[];
  conversionOutcomes: string[];
  /** Points at or above which a team is graded A whatever its rank (the seed: 92); B–D optional. */
  grades: { A: number; B?: number | undefined; C?: number | undefined; D?: number | undefined };
  /** Only these teams (default: every team with a member). */
  teamIds?: string[] | undefined;
}

export type SchemeDefinition = IndividualDefinition | TeamDefinition;
export type SchemeKind = 'individual' | 'team';

export interface Problem { path: string; message: string }

const WEIGHT_EPS = 1e-6;

function checkUniqueKpis(items: Array<{ kpi: KpiKey }>, out: Problem[]): void {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.kpi)) out.push({ path: `items[${i}].kpi`, message: `${it.kpi} appears twice; each KPI once` });
    seen.add(it.kpi);
  });
}

/** Bands are listed best first: limits falling when higher is better, rising when lower is. */
function checkRule(rule: ScoringRule, lower: boolean, path: string, out: Problem[]): void {
  if (rule.type === 'linear') return;
  rule.bands.forEach((b, j) => {
    if (j === 0) return;
    const prev = rule.bands[j - 1]!.limit;
    const ok = lower ? b.limit > prev : b.limit < prev;
    if (!ok) out.push({ path: `${path}.bands[${j}].limit`, message: `bands go best first: each limit ${lower ? 'above' : 'below'} the one before (${prev}), got ${b.limit}` });
  });
}

export const isLower = (it: { kpi: KpiKey; better?: 'higher' | 'lower' | undefined }): boolean => (it.better ? it.better === 'lower' : LOWER_IS_BETTER[it.kpi]);

function sum100(values: number[], path: string, what: string, out: Problem[]): void {
  const total = values.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 100) > WEIGHT_EPS) out.push({ path, message: `${what} must sum to 100, they sum to ${total}` });
}

function descending(entries: Array<[string, number | undefined]>, path: string, out: Problem[]): void {
  let prev: [string, number] | null = null;
  for (const [name, v] of entries) {
    if (v === undefined) continue;
    if (prev && !(v < prev[1])) out.push({ path: `${path}.${name}`, message: `must be below ${prev[0]} (${prev[1]}), got ${v}` });
    prev = [name, v];
  }
}

export function validateIndividual(d: IndividualDefinition): Problem[] {
  const out: Problem[] = [];
  if (d.items.length === 0) out.push({ path: 'items', message: 'at least one item' });
  checkUniqueKpis(d.items, out);
  d.items.forEach((it, i) => checkRule(it.rule, isLower(it), `items[${i}].rule`, out));
  if (d.items.length) sum100(d.items.map((i) => i.weight), 'items', 'the items\' weights', out);
  sum100([d.parts.kpi, d.parts.review], 'parts', 'parts.kpi and parts.review', out);
  sum100([d.reviewWeights.self, d.reviewWeights.supervisor], 'reviewWeights', 'reviewWeights.self and reviewWeights.supervisor', out);
  descending([['A', d.grades.A], ['B', d.grades.B], ['C', d.grades.C], ['D', d.grades.D]], 'grades', out);
  if (d.boundByTeam && !d.teamSchemeId) out.push({ path: 'teamSchemeId', message: 'boundByTeam needs the team scheme that bounds the grades' });
  return out;
}

export function validateTeam(d: TeamDefinition): Problem[] {
  const out: Problem[] = [];
  if (d.items.length === 0) out.push({ path: 'items', message: 'at least one item' });
  checkUniqueKpis(d.items, out);
  descending([['A', d.grades.A], ['B', d.grades.B], ['C', d.grades.C], ['D', d.grades.D]], 'grades', out);
  return out;
}
