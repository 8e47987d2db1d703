/** A calendar month in an IANA time zone as the instants [from, to). */

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** The instant the zone's wall clock reads midnight on the given day. */
function localMidnight(y: number, m: number, timeZone: string): Date {
  const wall = Date.UTC(y, m, 1);
  let t = wall - zoneOffsetMs(wall, timeZone);
  t = wall - zoneOffsetMs(t, timeZone); // once more, across a change of offset
  return new Date(t);
}

/** "2026-11" in Asia/Shanghai → 2026-10-31T16:00Z … 2026-11-30T16:00Z. Throws RangeError for an unknown zone. */
export function monthBounds(month: string, timeZone: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: localMidnight(y, m - 1, timeZone), to: localMidnight(m === 12 ? y + 1 : y, m === 12 ? 0 : m, timeZone) };
}
