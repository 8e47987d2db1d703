/**
 * Calling hours: a number may be dialled only inside the campaign's window
 * in the callee's local time (default 08:00–21:00 every day), never on a
 * holiday (dates in the callee's local calendar).
 *
 * The callee's time zone: an explicit zone when the caller knows one (a
 * contact's own setting), otherwise the zones of the number's region
 * (libphonenumber-js gives the region; Intl's locale data gives the IANA zones
 * of a region). A region with several zones (US, RU, AU, BR...) is taken the
 * most conservative way: callable only when the time is inside the window in
 * every zone of the region. China is one zone by law (Beijing time), although
 * the IANA data also lists Asia/Urumqi. A number with no region falls back to
 * the campaign's default zone. Zone conversion is Intl's, so DST is handled.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { localTime, parseHhMm } from '../ivr/time.ts';
import { WEEKDAYS } from '../ivr/schema.ts';

export type Weekday = (typeof WEEKDAYS)[number];

/** From–to "HH:MM" in the callee's local time (to is exclusive; "24:00" allowed). */
export interface DayWindow { from: string; to: string }

/** A campaign's calling hours. */
export interface CallingWindow {
  /** Window used on days without their own entry. Default 08:00–21:00. */
  default?: DayWindow;
  /** Per weekday: its own window, or null for no calls that day. */
  days?: Partial<Record<Weekday, DayWindow | null>>;
  /** Dates (YYYY-MM-DD, the callee's local calendar) with no calls. */
  holidays?: readonly string[];
  /** Zone for numbers whose region is unknown. Default Asia/Shanghai. */
  defaultTimeZone?: string;
  /** Region for numbers written without a country code. Default CN. */
  defaultRegion?: string;
}

export const DEFAULT_WINDOW: DayWindow = { from: '08:00', to: '21:00' };

/** Regions whose Intl zone list is wider than the legal time of the region. */
const REGION_ZONES: Record<string, string[]> = { CN: ['Asia/Shanghai'] };

const regionCache = new Map<string, string[]>();

/** IANA zones of a region (ISO 3166 code), [] when Intl does not know it. */
export function regionZones(region: string): string[] {
  const known = REGION_ZONES[region];
  if (known) return known;
  let zones = regionCache.get(region);
  if (!zones) {
    try {
      // Intl Locale Info: a getter in Node 20, getTimeZones() in later engines
      const loc = new Intl.Locale(`und-${region}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
      zones = (typeof loc.getTimeZones === 'function' ? loc.getTimeZones() : loc.timeZones) ?? [];
    } catch {
      zones = [];
    }
    regionCache.set(region, zones);
  }
  return zones;
}

/** The zones a number may be in: the explicit zone, its region's zones, or the campaign default. */
export function numberZones(number: string, w: CallingWindow = {}, explicitZone?: string): string[] {
  if (explicitZone) return [explicitZone];
  const parsed = parsePhoneNumberFromString(number, (w.defaultRegion ?? 'CN') as CountryCode);
  const zones = parsed?.country ? regionZones(parsed.country) : [];
  return zones.length > 0 ? zones : [w.defaultTimeZone ?? 'Asia/Shanghai'];
}

/** The window of one local day, in minutes, or null when no calls that day. */
function dayWindow(w: CallingWindow, weekday: Weekday, date: string): [number, number] | null {
  if (w.holidays?.includes(date)) return null;
  const day = w.days && weekday in w.days ? w.days[weekday] : (w.default ?? DEFAULT_WINDOW);
  if (!day) return null;
  const from = parseHhMm(day.from), to = parseHhMm(day.to);
  if (from === null || to === null) throw new Error(`calling window: bad time ${day.from}–${day.to}`);
  return [from, to];
}

/** Inside the window in one zone at `at`. */
export function insideWindowIn(zone: string, at: Date, w: CallingWindow = {}): boolean {
  const lt = localTime(at, zone);
  const win = dayWindow(w, lt.weekday, lt.date);
  return win !== null && lt.minutes >= win[0] && lt.minutes < win[1];
}

/** Is `number` callable at `at`: inside the window in every zone it may be in. */
export function isCallable(number: string, at: Date, w: CallingWindow = {}, explicitZone?: string): boolean {
  return numberZones(number, w, explicitZone).every((z) => insideWindowIn(z, at, w));
}

/** Offset (ms) of `zone` from UTC at instant `ms`. */
function offsetMs(zone: string, ms: number): number {
  const lt = localTime(new Date(ms), zone);
  const [y, m, d] = lt.date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, lt.minutes);
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** The instant when the wall clock of `zone` shows `date` (YYYY-MM-DD) at `minutes`. */
function wallToInstant(zone: string, date: string, minutes: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let ms = wall - offsetMs(zone, wall);
  ms = wall - offsetMs(zone, ms);
  return ms;
}

const DAY = 86_400_000;

/**
 * The first instant at or after `from` when the number is callable, searched
 * over `days` days (default 14); null when it never is (no day open). The
 * callable time starts either now or when the window opens in one of the
 * zones, so those instants are the candidates.
 */
export function nextCallableAt(number: string, from: Date, w: CallingWindow = {}, explicitZone?: string, days = 14): Date | null {
  const zones = numberZones(number, w, explicitZone);
  const ok = (ms: number) => zones.every((z) => insideWindowIn(z, new Date(ms), w));
  if (ok(from.getTime())) return from;
  const candidates: number[] = [];
  for (const z of zones) {
    for (let i = -1; i <= days; i++) {
      const lt = localTime(new Date(from.getTime() + i * DAY), z);
      const win = dayWindow(w, lt.weekday, lt.date);
      if (!win) continue;
      const start = wallToInstant(z, lt.date, win[0]);
      if (start > from.getTime()) candidates.push(start);
    }
  }
  candidates.sort((a, b) => a - b);
  for (const c of candidates) if (ok(c)) return new Date(c);
  return null;
}
