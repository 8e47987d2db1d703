/**
 * Time buckets of the statistics in a time zone, no I/O. The rollups are per
 * UTC hour, so a zone works exactly when its offset is a whole number of
 * hours over the period (Asia/Shanghai, UTC and the DST zones of Europe and
 * America do; Asia/Kolkata does not). Keys match the SQL ones:
 * hour 'YYYY-MM-DDTHH:00', day 'YYYY-MM-DD', week (ISO, Monday) 'YYYY-MM-DD', month 'YYYY-MM', none ''.
 */
export type Bucket = 'hour' | 'day' | 'week' | 'month' | 'none';

const HOUR_MS = 3_600_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try { fmt(tz); return true; } catch { return false; }
}

interface Local { y: number; m: number; d: number; h: number; min: number; s: number }

function local(at: Date, tz: string): Local {
  const p: Record<string, number> = {};
  for (const x of fmt(tz).formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute!, s: p.second! };
}

/** The zone's offset from UTC at `at`, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(at: Date, tz: string): number {
  const l = local(at, tz);
  const asUtc = Date.UTC(l.y, l.m - 1, l.d, l.h, l.min, l.s);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** True when the zone's offset is a whole number of hours all through [from, to] (checked daily and at both ends). */
export function wholeHourZone(tz: string, from: Date, to: Date): boolean {
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000) if (offsetMinutes(new Date(t), tz) % 60 !== 0) return false;
  return offsetMinutes(to, tz) % 60 === 0;
}

const p2 = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${p2(m)}-${p2(d)}`;

/** The bucket `at` falls in, in zone `tz`. */
export function bucketKey(at: Date, bucket: Bucket, tz: string): string {
  if (bucket === 'none') return '';
  const l = local(at, tz);
  switch (bucket) {
    case 'hour': return `${ymd(l.y, l.m, l.d)}T${p2(l.h)}:00`;
    case 'day': return ymd(l.y, l.m, l.d);
    case 'month': return `${l.y}-${p2(l.m)}`;
    case 'week': {
      const day = new Date(Date.UTC(l.y, l.m - 1, l.d));
      const back = (day.getUTCDay() + 6) % 7; // days since Monday
      const monday = new Date(day.getTime() - back * 86_400_000);
      return ymd(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate());
    }
  }
}

/** Every bucket of [from, to) in order (from and to on whole UTC hours): the rows a chart shows, empty ones included. */
export function bucketKeys(from: Date, to: Date, bucket: Bucket, tz: string): string[] {
  const keys: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += HOUR_MS) {
    const k = bucketKey(new Date(t), bucket, tz);
    if (keys[keys.length - 1] !== k) keys.push(k);
  }
  return keys;
}

/** Midnight today in `tz` (as an instant), for "today" figures. */
export function startOfDay(now: Date, tz: string): Date {
  const l = local(now, tz);
  const guess = Date.UTC(l.y, l.m - 1, l.d) - offsetMinutes(now, tz) * 60_000;
  // A DST change between midnight and now moves the offset: correct once with the offset at the guess.
  return new Date(Date.UTC(l.y, l.m - 1, l.d) - offsetMinutes(new Date(guess), tz) * 60_000);
}

export const isWholeHour = (d: Date): boolean => d.getTime() % HOUR_MS === 0;
