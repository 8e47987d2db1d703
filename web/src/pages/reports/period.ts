/** Report periods in the browser's time zone: today, the last 7 or 30 days (today included), or chosen days. */
export type Preset = 'today' | '7' | '30' | 'custom';
export type GroupBy = 'hour' | 'day' | 'agent' | 'queue' | 'line';
export const TIME_GROUPS: readonly GroupBy[] = ['hour', 'day'];

const startOfDay = (d: Date): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/** "2024-05-01" -> local midnight of that day, or null. */
export function parseDay(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A date as an <input type="date"> value. */
export const dayValue = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** [from, to): `to` is the midnight after the last day. null when the custom days are missing or reversed. */
export function periodOf(preset: Preset, customFrom: string, customTo: string, now = new Date()): { from: Date; to: Date } | null {
  const today = startOfDay(now);
  switch (preset) {
    case 'today': return { from: today, to: addDays(today, 1) };
    case '7': return { from: addDays(today, -6), to: addDays(today, 1) };
    case '30': return { from: addDays(today, -29), to: addDays(today, 1) };
    case 'custom': {
      const from = parseDay(customFrom);
      const last = parseDay(customTo);
      if (!from || !last || last < from) return null;
      return { from, to: addDays(last, 1) };
    }
  }
}

export const browserTimeZone = (): string => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
};

/**
 * Every hour or day key of the period, as the API writes them ("2024-05-01T13:00",
 * "2024-05-01"), so a chart shows the quiet buckets too. Hours only for up to a week.
 */
export function bucketKeys(group: GroupBy, from: Date, to: Date): string[] | null {
  const keys: string[] = [];
  if (group === 'day') {
    for (let d = from; d < to; d = addDays(d, 1)) keys.push(dayValue(d));
    return keys;
  }
  if (group === 'hour') {
    if (to.getTime() - from.getTime() > 7 * 86_400_000 + 3_600_000) return null;
    for (let h = 0; ; h++) {
      const d = new Date(from.getFullYear(), from.getMonth(), from.getDate(), from.getHours() + h);
      if (d >= to) break;
      const key = `${dayValue(d)}T${String(d.getHours()).padStart(2, '0')}:00`;
      if (keys[keys.length - 1] !== key) keys.push(key);
    }
    return keys;
  }
  return null;
}
