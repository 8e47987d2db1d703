/**
 * The scoring rules, pure. Every figure is rounded to 2 decimal places where
 * it is made (item scores, parts, totals), so a hand computation gives the
 * same digits.
 */
import { roundTo } from './kpi.ts';
import { GRADES, type Grade, type GradeThresholds, type ScoringRule } from './scheme.ts';

export const round2 = (x: number): number => roundTo(x, 2);

/**
 * One KPI item's score (100 = on target).
 * - linear, higher better: 100 × value / target, at most `max` (target 0: `max`);
 * - linear, lower better: 100 × target / value, at most `max` (value 0: `max`);
 * - bands (listed best first): the score of the first band reached: value ≥ limit
 *   when higher is better, value ≤ limit when lower is; none reached: 0.
 * A missing value (nothing to average over) scores 0.
 */
export function itemScore(rule: ScoringRule, target: number, value: number | null, lower: boolean): number {
  if (value === null) return 0;
  if (rule.type === 'bands') {
    const band = rule.bands.find((b) => (lower ? value <= b.limit : value >= b.limit));
    return band ? round2(band.score) : 0;
  }
  let raw: number;
  if (lower) raw = value <= 0 ? rule.max : (100 * target) / value;
  else raw = target <= 0 ? rule.max : (100 * value) / target;
  return round2(Math.max(0, Math.min(rule.max, raw)));
}

/** A total's grade: at or above A's threshold is an A, … below D's an E. */
export function gradeOf(total: number, t: GradeThresholds): Grade {
  if (total >= t.A) return 'A';
  if (total >= t.B) return 'B';
  if (total >= t.C) return 'C';
  if (total >= t.D) return 'D';
  return 'E';
}

/** The worse of two grades (a member's grade bounded by the team's). */
export const worseGrade = (a: Grade, b: Grade): Grade => (GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b);
export const betterGrade = (a: Grade, b: Grade): Grade => (GRADES.indexOf(a) <= GRADES.indexOf(b) ? a : b);

/**
 * Competition ranking ("1224"): equal values share the best rank of their
 * group, the next value's rank skips the places they took. Missing values
 * (null) come after every value and share the rank after the last value.
 */
export function competitionRanks<K>(entries: ReadonlyArray<{ key: K; value: number | null }>, lowerIsBetter: boolean): Map<K, number> {
  const present = entries.filter((e) => e.value !== null) as Array<{ key: K; value: number }>;
  const sorted = [...present].sort((a, b) => (lowerIsBetter ? a.value - b.value : b.value - a.value));
  const ranks = new Map<K, number>();
  sorted.forEach((e, i) => {
    const prev = sorted[i - 1];
    ranks.set(e.key, prev && prev.value === e.value ? ranks.get(prev.key)! : i + 1);
  });
  for (const e of entries) if (e.value === null) ranks.set(e.key, present.length + 1);
  return ranks;
}

/**
 * 小组 points for one item: of N teams, rank r gets (N − r + 1) × level, so
 * teams tied for a place all get that place's (the higher) points; a team
 * with no value gets 0.
 */
export function teamItemPoints<K>(entries: ReadonlyArray<{ key: K; value: number | null }>, level: number, lowerIsBetter: boolean): Map<K, { rank: number; points: number }> {
  const n = entries.length;
  const ranks = competitionRanks(entries, lowerIsBetter);
  const out = new Map<K, { rank: number; points: number }>();
  for (const e of entries) {
    const rank = ranks.get(e.key)!;
    out.set(e.key, { rank, points: e.value === null ? 0 : (n - rank + 1) * level });
  }
  return out;
}

/**
 * A team's grade: by place (1st A, 2nd B, 3rd C, 4th D, below E; teams tied
 * on points share the place) or by points (at or above the scheme's A
 * threshold, the seed's 92, is an A; B–D likewise when the scheme sets them),
 * whichever is better.
 */
export function teamGrade(rank: number, total: number, t: { A: number; B?: number | undefined; C?: number | undefined; D?: number | undefined }): Grade {
  const byPlace = GRADES[Math.min(rank, GRADES.length) - 1]!;
  let byPoints: Grade = 'E';
  if (total >= t.A) byPoints = 'A';
  else if (t.B !== undefined && total >= t.B) byPoints = 'B';
  else if (t.C !== undefined && total >= t.C) byPoints = 'C';
  else if (t.D !== undefined && total >= t.D) byPoints = 'D';
  return betterGrade(byPlace, byPoints);
}
