/**
 * Phone-number normalisation. Every number the daemon stores or compares
 * (DB rows, blacklist, caller ID, dialer) goes through {@link toE164OrRaw}:
 * E.164 (`+8613800138000`) for valid numbers, plain digits for service short
 * codes (`95588`) and for anything that is not a valid number.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { KefuError } from '../errors.ts';
import { isShortCode } from './short-codes.ts';

/** What kind of number it is; `short` is a service short code (95588, 110). */
export type NumberKind =
  | 'mobile'
  | 'fixed'
  | 'fixed-or-mobile'
  | 'shared-cost'
  | 'toll-free'
  | 'premium'
  | 'voip'
  | 'personal'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'short'
  | 'unknown';

/** Options for {@link normalizeNumber}. */
export interface NormalizeOptions {
  /** ISO 3166 region for numbers written without a country code. Default `CN`. */
  defaultRegion?: string;
  /**
   * Area code of the line (`010`, `0755`), used only to complete 7–8 digit
   * local numbers written or received without one. Without it such numbers
   * stay invalid and are keyed by their digits.
   */
  localAreaCode?: string;
}

/** The result of {@link normalizeNumber}. */
export interface NormalizedNumber {
  /** The input as given. */
  input: string;
  /** E.164 (`+8613800138000`) when the number is valid, else null (short codes too). */
  e164: string | null;
  /** Storage/comparison key: `e164` when valid, else the digits (see {@link toE164OrRaw}). */
  key: string;
  kind: NumberKind;
  /** Digits as dialled inside the number's own country, trunk prefix included (`01088888888`). */
  national: string;
  /** Human form: national format at home (`010 8888 8888`), international abroad. */
  display: string;
  /** True for valid numbers and known short codes. */
  valid: boolean;
  /** Extension written after the number (`转 8001`, `ext. 12`), else null. */
  extension: string | null;
  /** Region of the number (`CN`, `HK`), null when unknown. */
  region: string | null;
}

const TYPE_TO_KIND: Record<NumberType & string, NumberKind> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed',
  FIXED_LINE_OR_MOBILE: 'fixed-or-mobile',
  SHARED_COST: 'shared-cost',
  TOLL_FREE: 'toll-free',
  PREMIUM_RATE: 'premium',
  VOIP: 'voip',
  PERSONAL_NUMBER: 'personal',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/** Extension markers written after a number: 转 8001, 分机 12, ext. 5, x5, #5. */
const EXTENSION_RE = /\s*(?:转|轉|分机|分機|ext\.?|extension|x|#|;ext=)\s*(\d{1,10})\s*$/i;

/** Resolves and checks the region option. */
function regionOf(opts: NormalizeOptions | undefined): CountryCode {
  const region = (opts?.defaultRegion ?? 'CN').toUpperCase();
  if (!isSupportedCountry(region)) {
    throw new KefuError('CONFIG_INVALID', `Unknown phone region "${region}": expected an ISO 3166 code such as CN`);
  }
  return region;
}

/**
 * Splits written text into `{ international, digits, extension }`:
 * full-width characters folded (NFKC), `tel:` dropped, extension cut off,
 * separators removed. `international` is true for a leading `+` or `00`.
 */
export function splitWritten(input: string): { international: boolean; digits: string; extension: string | null } {
  let s = input.normalize('NFKC').trim().replace(/^tel:/i, '');
  let extension: string | null = null;
  const ext = EXTENSION_RE.exec(s);
  if (ext && /\d/.test(s.slice(0, ext.index))) {
    extension = ext[1] ?? null;
    s = s.slice(0, ext.index);
  }
  let digits = s.replace(/\D/g, '');
  let international = /^\s*\+/.test(s);
  if (!international && digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  return { international, digits, extension };
}

function shortResult(input: string, digits: string, extension: string | null): NormalizedNumber {
  return { input, e164: null, key: digits, kind: 'short', national: digits, display: digits, valid: true, extension, region: 'CN' };
}

/**
 * Normalises any common written or received form of a phone number:
 * `138 0013 8000`, `+86 138-0013-8000`, `0086 13800138000`, `(010) 8888 8888`,
 * `86-10-88888888`, `400-800-8888`, full-width digits, trailing extensions,
 * and Chinese PSTN caller-ID digits (`01088888888`, `013800138000`).
 * Short service numbers (95588, 10086, 110) stay as they are.
 * Never throws on bad input (only on an unknown `defaultRegion`): check `valid`.
 */
export function normalizeNumber(input: string, opts?: NormalizeOptions): NormalizedNumber {
  const region = regionOf(opts);
  const written = splitWritten(input);
  const { international, extension } = written;
  const digits = written.digits;
  const invalid: NormalizedNumber = {
    input, e164: null, key: international && digits ? `+${digits}` : digits, kind: 'unknown',
    national: digits, display: digits, valid: false, extension, region: null,
  };
  if (digits.length === 0 || digits.length > 17) return invalid;

  const parse = (d: string) => {
    const p = parsePhoneNumberFromString(international ? `+${d}` : d, region);
    return p?.isValid() ? p : undefined;
  };
  let parsed = parse(digits);
  if (!parsed) {
    // Short codes are consulted only when libphonenumber finds no valid number.
    const national = !international ? digits : digits.startsWith('86') ? digits.slice(2) : null;
    if (national !== null && (region === 'CN' || international) && isShortCode(national)) {
      return shortResult(input, national, extension);
    }
    const area = opts?.localAreaCode?.replace(/\D/g, '').replace(/^0/, '');
    if (!international && area && /^[2-9]\d{6,7}$/.test(digits)) parsed = parse(`0${area}${digits}`);
  }
  if (!parsed) return invalid;
  const type = parsed.getType();
  const sameCountry = parsed.country === region;
  return {
    input,
    e164: parsed.number,
    key: parsed.number,
    kind: type ? TYPE_TO_KIND[type] : 'unknown',
    national: parsed.formatNational().replace(/\D/g, ''),
    display: sameCountry ? parsed.formatNational() : parsed.formatInternational(),
    valid: true,
    extension: extension ?? parsed.ext ?? null,
    region: parsed.country ?? null,
  };
}

/**
 * The storage and comparison key of a number, used everywhere (DB, blacklist,
 * caller ID): E.164 when the number is valid, otherwise its digits (short
 * codes such as `95588`; unknown numbers, with a `+` kept when they were
 * written internationally). Returns `''` when the input has no digits
 * (e.g. a withheld caller ID).
 */
export function toE164OrRaw(input: string, opts?: NormalizeOptions): string {
  return normalizeNumber(input, opts).key;
}

/**
 * The digits a line in `opts.defaultRegion` dials to reach a number: the
 * national form at home (`01088889999`, `13800138000`), the international
 * access prefix abroad (`0014155550100` from China); short codes and numbers
 * that are not valid, as written.
 */
export function dialDigits(input: string, opts?: NormalizeOptions): string {
  const n = normalizeNumber(input, opts);
  const home = regionOf(opts);
  if (!n.e164 || n.region === home) return n.national;
  const idd = parsePhoneNumberFromString(n.e164)?.format('IDD', { fromCountry: home });
  return idd ? idd.replace(/\D/g, '') : n.national;
}

/** What a phone number field accepts, for error messages. */
export const EXPECTED_NUMBER =
  'a phone number: a Chinese mobile (11 digits, 13x–19x), a fixed line with its area code (010-88888888), ' +
  'a 400/800 number, an international number starting with + or 00, or a service short code (95588, 10086)';

/**
 * Checks a written number. Returns null when it is acceptable, else a message
 * that names the field, the value and what was expected.
 */
export function numberProblem(input: string, opts?: NormalizeOptions & { field?: string }): string | null {
  const field = opts?.field ?? 'number';
  if (typeof input !== 'string' || input.trim() === '') return `${field} is empty: expected ${EXPECTED_NUMBER}`;
  const n = normalizeNumber(input, opts);
  if (n.valid) return null;
  if (n.national === '') return `${field} "${input}" has no digits: expected ${EXPECTED_NUMBER}`;
  return `${field} "${input}" is not a valid phone number: expected ${EXPECTED_NUMBER}`;
}

/**
 * Normalises a number that must be valid, for API input. Throws
 * `KefuError('BAD_REQUEST')` with the {@link numberProblem} message and
 * `details: { field, input }` otherwise.
 */
export function requireNumber(input: string, opts?: NormalizeOptions & { field?: string }): NormalizedNumber {
  const problem = numberProblem(input, opts);
  if (problem !== null) throw new KefuError('BAD_REQUEST', problem, { field: opts?.field ?? 'number', input });
  return normalizeNumber(input, opts);
}
