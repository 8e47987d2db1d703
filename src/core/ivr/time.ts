/**
 * Local-time helpers for the business-hours node, on Intl only (the IANA
 * database that ships with Node), so DST zones work too.
 */
import { WEEKDAYS } from './schema.ts';

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since midnight of "HH:MM" ("24:00" gives 1440), or null when malformed. */
export function parseHhMm(value: string): number | null {
  const m = TIME.exec(value);
  if (!m) return null;
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** True when Intl knows the IANA time zone. */
export function isValidTimeZone(tz: string): boolean {
  if (tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of an instant in a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: (typeof WEEKDAYS)[number];
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock date, weekday and minute of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    if (formatters.size > 64) formatters.clear();
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(at)) parts[p.type] = p.value;
  const weekday = (parts.weekday ?? 'Sun').toLowerCase().slice(0, 3) as LocalTime['weekday'];
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}
