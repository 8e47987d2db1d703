/**
 * Custom customer fields defined by the admin (text, number, date, choice)
 * and the check of a customer's values against them. Pure: the caller says
 * where a problem was in its input.
 */

export type CustomFieldType = 'text' | 'number' | 'date' | 'choice';
export const CUSTOM_FIELD_TYPES: readonly CustomFieldType[] = ['text', 'number', 'date', 'choice'];

export interface CustomField {
  /** `[a-z][a-z0-9_]{0,39}`; values are stored under it. */
  key: string;
  label: string;
  type: CustomFieldType;
  /** The allowed values of a choice field (empty for the others). */
  options: string[];
  position: number;
  createdAt: string;
  updatedAt: string;
}

export type CustomValue = string | number;

/** A value that does not fit: which key, and what was expected. */
export interface CustomProblem { key: string; expected: string }

export const CUSTOM_TEXT_MAX = 2000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date written YYYY-MM-DD that exists (no 2023-02-30). */
export function isDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** What a field of this definition expects, in words. */
export function expectation(f: Pick<CustomField, 'type' | 'options'>): string {
  switch (f.type) {
    case 'text': return `text of at most ${CUSTOM_TEXT_MAX} characters`;
    case 'number': return 'a finite number';
    case 'date': return 'a date written YYYY-MM-DD';
    case 'choice': return `one of ${f.options.map((o) => JSON.stringify(o)).join(', ')}`;
  }
}

function fits(f: CustomField, v: unknown): boolean {
  switch (f.type) {
    case 'text': return typeof v === 'string' && v.length <= CUSTOM_TEXT_MAX && !v.includes('\0');
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'date': return typeof v === 'string' && isDate(v);
    case 'choice': return typeof v === 'string' && f.options.includes(v);
  }
}

/**
 * Checks values against the definitions: each key must be defined and its
 * value fit the type; null (remove the value) is always allowed. Returns the
 * first problems found, in key order.
 */
export function checkCustomValues(defs: readonly CustomField[], values: Record<string, unknown>): CustomProblem[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: CustomProblem[] = [];
  for (const key of Object.keys(values).sort()) {
    const v = values[key];
    const def = byKey.get(key);
    if (!def) { out.push({ key, expected: `a defined custom field (known: ${[...byKey.keys()].join(', ') || 'none'})` }); continue; }
    if (v !== null && !fits(def, v)) out.push({ key, expected: expectation(def) });
  }
  return out;
}
