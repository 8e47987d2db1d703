/** Small formatting helpers for the data pages (numbers through Intl, in the chosen language). */
import { locale } from '../../i18n.ts';

/** "Imported {imported}, skipped {skipped}" with the values filled in. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));

export const fmtNumber = (n: number | null | undefined): string =>
  n === null || n === undefined ? '–' : new Intl.NumberFormat(locale.get()).format(n);

/** Bytes as kB / MB, in the chosen language. */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const [unit, value] = n >= 1_000_000 ? ['megabyte', n / 1_000_000] as const : n >= 1000 ? ['kilobyte', n / 1000] as const : ['byte', n] as const;
  return new Intl.NumberFormat(locale.get(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: unit === 'byte' ? 0 : 1 }).format(value);
}

/** "vip, north" -> ["vip", "north"] */
export const splitList = (s: string): string[] => [...new Set(s.split(/[,，;；]/).map((x) => x.trim()).filter(Boolean))];

export const inputValue = (e: Event): string => (e.target as HTMLInputElement).value;

/** Whether the signed-in principal may change shared data and delete (the API's WRITERS). */
export const isWriterRole = (role: string | undefined): boolean => role === 'admin' || role === 'supervisor' || role === 'integrator';
