/**
 * Blacklist prefixes, normalised into the same key space as
 * {@link toE164OrRaw}: a prefix key is a string that the keys it covers start
 * with. `0755` → `+86755`, `170` → `+86170`, `+1` → `+1`, `400` → `+86400`;
 * prefixes that can only start short codes (`95`, `106`, `12`) stay raw.
 */
import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';
import { KefuError } from '../errors.ts';
import type { NormalizeOptions } from './normalize.ts';
import { splitWritten } from './normalize.ts';
import { isShortCodePrefix } from './short-codes.ts';

/** What a prefix field accepts, for error messages. */
export const EXPECTED_PREFIX =
  'a number prefix: an area code (010, 0755), a mobile or service prefix (170, 400, 95), ' +
  'or an international prefix starting with + or 00 (+1, 00852)';

/** Longest prefix accepted, in digits (E.164 numbers have at most 15). */
const MAX_PREFIX_DIGITS = 15;

/**
 * Normalises a written prefix into a prefix key, or returns null when it is
 * not usable (no digits, too long, letters mixed in). See the module doc.
 */
export function normalizePrefix(input: string, opts?: NormalizeOptions): string | null {
  if (typeof input !== 'string' || /[a-z]/i.test(input.replace(/^tel:/i, ''))) return null;
  const { international, digits, extension } = splitWritten(input);
  if (digits === '' || extension !== null || digits.length > MAX_PREFIX_DIGITS) return null;
  if (international) return `+${digits}`;
  const region = (opts?.defaultRegion ?? 'CN').toUpperCase();
  if (region === 'CN') {
    if (digits.startsWith('0')) return `+86${digits.slice(1)}`;
    if (isShortCodePrefix(digits)) return digits;
    return `+86${digits}`;
  }
  if (!isSupportedCountry(region)) return null;
  return `+${getCountryCallingCode(region)}${digits.replace(/^0/, '')}`;
}

/** Returns null when `input` is a usable prefix, else a message naming what was expected. */
export function prefixProblem(input: string, opts?: NormalizeOptions & { field?: string }): string | null {
  const field = opts?.field ?? 'prefix';
  if (typeof input !== 'string' || input.trim() === '') return `${field} is empty: expected ${EXPECTED_PREFIX}`;
  if (normalizePrefix(input, opts) === null) return `${field} "${input}" is not a number prefix: expected ${EXPECTED_PREFIX}`;
  return null;
}

/**
 * Normalises a prefix that must be usable, for API input. Throws
 * `KefuError('BAD_REQUEST')` with the {@link prefixProblem} message otherwise.
 */
export function requirePrefix(input: string, opts?: NormalizeOptions & { field?: string }): string {
  const key = normalizePrefix(input, opts);
  if (key === null) {
    throw new KefuError('BAD_REQUEST', prefixProblem(input, opts) ?? `invalid prefix: expected ${EXPECTED_PREFIX}`, {
      field: opts?.field ?? 'prefix',
      input,
    });
  }
  return key;
}
