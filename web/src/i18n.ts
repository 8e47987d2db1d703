/**
 * Two languages, switchable, defaulting to the browser's. Dates, times and
 * phone numbers are shown in the local way (Intl and libphonenumber).
 */
import { signal } from './signal.ts';
import { en, type MessageKey } from './i18n/en.ts';
import { zhCN } from './i18n/zh-CN.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export type Locale = 'en' | 'zh-CN';
const DICTS: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export const browserLocale = (): Locale => (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
const stored = localStorage.getItem('kefu.locale');
export const locale = signal<Locale>(stored === 'en' || stored === 'zh-CN' ? stored : browserLocale());

export function setLocale(l: Locale): void {
  localStorage.setItem('kefu.locale', l);
  document.documentElement.lang = l;
  locale.set(l);
}
document.documentElement.lang = locale.get();

export const t = (key: MessageKey): string => DICTS[locale.get()][key] ?? en[key];
export type { MessageKey };

export const fmtDateTime = (iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(locale.get(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso)) : '';
export const fmtTime = (iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(locale.get(), { timeStyle: 'medium' }).format(new Date(iso)) : '';
export const fmtDuration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
export const fmtPercent = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : new Intl.NumberFormat(locale.get(), { style: 'percent', maximumFractionDigits: 0 }).format(x);

/** +8613800138000 -> "138 0013 8000" for a Chinese number (national form), else the international form. */
export function fmtPhone(e164: string | null | undefined, home = 'CN'): string {
  if (!e164) return '';
  const p = parsePhoneNumberFromString(e164);
  if (!p) return e164;
  return p.country === home ? p.formatNational() : p.formatInternational();
}
