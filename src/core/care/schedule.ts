/**
 * When a care plan's tasks fall: pure functions of the plan's schedule and
 * the local date ("today" in the configured time zone). An occurrence is
 * named by its local date; a plan makes one task per customer per occurrence.
 *
 * - `every`: occurrences at `start`, `start + n units`, `start + 2n units`...
 *   (months counted from `start` each time, so Jan 31 monthly gives Feb 28,
 *   Mar 31...). The current occurrence is the last one on or before today.
 * - `yearly`: each customer's own date (a birthday in the customer's
 *   attributes, "YYYY-MM-DD" or "MM-DD"), this year; Feb 29 falls on Feb 28
 *   in other years. Its task is made from `leadDays` before the date up to
 *   the date itself.
 */
import { addDays, addMonths, daysBetween, daysInMonth, isDate, splitDate, zonedInstant } from './zoned.ts';
import type { PlanSchedule, PlanTaskTemplate } from './plan.ts';

type Every = Extract<PlanSchedule, { type: 'every' }>;

/** The occurrence of an `every` schedule that today falls in, or null before `start`. */
export function everyOccurrence(s: Every, today: string): string | null {
  if (daysBetween(s.start, today) < 0) return null;
  if (s.unit === 'day' || s.unit === 'week') {
    const step = s.unit === 'day' ? s.every : s.every * 7;
    return addDays(s.start, Math.floor(daysBetween(s.start, today) / step) * step);
  }
  const [y1, m1] = splitDate(s.start);
  const [y2, m2] = splitDate(today);
  let k = Math.floor(((y2 - y1) * 12 + (m2 - m1)) / s.every);
  while (k > 0 && daysBetween(addMonths(s.start, k * s.every), today) < 0) k--;
  return addMonths(s.start, k * s.every);
}

/** The occurrence after `occurrence` (for showing what comes next). */
export function nextEveryOccurrence(s: Every, occurrence: string | null): string {
  if (occurrence === null) return s.start;
  if (s.unit === 'day') return addDays(occurrence, s.every);
  if (s.unit === 'week') return addDays(occurrence, s.every * 7);
  const [y1, m1] = splitDate(s.start);
  const [y2, m2] = splitDate(occurrence);
  const k = Math.round(((y2 - y1) * 12 + (m2 - m1)) / s.every);
  return addMonths(s.start, (k + 1) * s.every);
}

const MONTH_DAY = /^(?:\d{4}-|--)?(\d{2})-(\d{2})$/;

/** Month and day of a customer's date value ("YYYY-MM-DD", "MM-DD" or "--MM-DD"), or null when it is none. */
export function monthDay(value: unknown): [number, number] | null {
  if (typeof value !== 'string') return null;
  const m = MONTH_DAY.exec(value.trim());
  if (!m) return null;
  const mo = Number(m[1]);
  const d = Number(m[2]);
  if (value.trim().length === 10 && !isDate(value.trim())) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 ? 29 : daysInMonth(2001, mo))) return null;
  return [mo, d];
}

/** That month and day in year `y` (Feb 29 is Feb 28 outside leap years). */
export function inYear(y: number, [mo, d]: [number, number]): string {
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(Math.min(d, daysInMonth(y, mo))).padStart(2, '0')}`;
}

/**
 * The occurrence of a yearly date whose task is due to be made today: the
 * date this year (or next, across New Year) when today is 0..leadDays before it.
 */
export function yearlyOccurrence(value: unknown, today: string, leadDays: number): string | null {
  const md = monthDay(value);
  if (!md) return null;
  const [y] = splitDate(today);
  for (const year of [y, y + 1]) {
    const occ = inYear(year, md);
    const ahead = daysBetween(today, occ);
    if (ahead >= 0 && ahead <= leadDays) return occ;
  }
  return null;
}

/** When the task of an occurrence is due: `dueOffsetDays` after it, at `dueTime` local. */
export function taskDueAt(occurrence: string, t: Pick<PlanTaskTemplate, 'dueOffsetDays' | 'dueTime'>, tz: string): Date {
  return zonedInstant(addDays(occurrence, t.dueOffsetDays ?? 0), t.dueTime ?? '10:00', tz);
}
