/**
 * Calendar dates in a time zone, on Intl only (the IANA database Node ships),
 * so days with a DST change are handled. Dates are "YYYY-MM-DD" strings of
 * the local calendar; instants are Date.
 */
import { isValidTimeZone } from '../ivr/time.ts';
export { isValidTimeZone };

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    if (formatters.size > 64) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

function parts(at: Date, tz: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, string> = {};
  for (const x of fmt(tz).formatToParts(at)) p[x.type] = x.value;
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second) };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local calendar date of `at` in `tz`. */
export function localDate(at: Date, tz: string): string {
  const p = parts(at, tz);
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

/** Year, month (1-12), day of a "YYYY-MM-DD" date. */
export function splitDate(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === date;
}

const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** `date` plus `n` days (n may be negative). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = splitDate(date);
  return fromUtc(Date.UTC(y, m - 1, d + n));
}

/** Days in month `m` (1-12) of year `y`. */
export const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `date` plus `n` months; a day past the new month's end becomes its last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = splitDate(date);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return `${pad(ny, 4)}-${pad(nm)}-${pad(Math.min(d, daysInMonth(ny, nm)))}`;
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = splitDate(a);
  const [y2, m2, d2] = splitDate(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/**
 * The instant when the wall clock in `tz` shows `date` at `hhmm` ("HH:MM").
 * A time skipped by a DST jump gives the instant just after the jump; a time
 * that happens twice gives the first.
 */
export function zonedInstant(date: string, hhmm: string, tz: string): Date {
  const [y, m, d] = splitDate(date);
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const wanted = Date.UTC(y, m - 1, d, h, mi);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const p = parts(new Date(guess), tz);
    const shown = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    const diff = wanted - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

/** [start, end) of the local day `date` in `tz`, as instants. */
export function dayBounds(date: string, tz: string): { start: Date; end: Date } {
  return { start: zonedInstant(date, '00:00', tz), end: zonedInstant(addDays(date, 1), '00:00', tz) };
}
