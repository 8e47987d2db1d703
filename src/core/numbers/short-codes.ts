/**
 * Chinese short service numbers (特服号码). libphonenumber marks them invalid,
 * so they are recognised here and kept as plain digits, never given a +86.
 *
 * Patterns (national digits, no trunk prefix):
 * - `1xx`            emergency and public services: 110 police, 119 fire,
 *                    120 ambulance, 122 traffic, 112, 114 directory, 12x...
 * - `999`            Beijing Red Cross ambulance.
 * - `100xx`          carrier service lines: 10000 China Telecom, 10010 Unicom,
 *                    10086 China Mobile, 10050, 10099 Broadnet...
 * - `12xxx`          government hotlines: 12345, 12306, 12315, 12333, 12366...
 * - `95xxx`–`95xxxxxx` national enterprise service numbers (5–8 digits):
 *                    95588 ICBC, 95533 CCB, 95555 CMB, 95105555...
 * - `96xxx`–`96xxxx` local service numbers (5–6 digits): 96777, 96169...
 * - `106xx…`         SMS service ports (5–20 digits): 1065502512345...
 *
 * The patterns are consulted only for numbers libphonenumber finds invalid,
 * so where they overlap a valid range (some 8-digit 95 numbers are valid
 * shared-cost numbers, e.g. 9529 6307) the E.164 form wins. Extend
 * {@link SHORT_CODE_PATTERNS} when a real caller ID needs it.
 */
export const SHORT_CODE_PATTERNS: readonly RegExp[] = Object.freeze([
  /^1\d{2}$/,
  /^999$/,
  /^100\d{2}$/,
  /^12\d{3}$/,
  /^95\d{3,6}$/,
  /^96\d{3,4}$/,
  /^106\d{2,17}$/,
]);

/** True when `digits` (ASCII digits only, no prefix) is a known service short code. */
export function isShortCode(digits: string): boolean {
  for (const re of SHORT_CODE_PATTERNS) if (re.test(digits)) return true;
  return false;
}

/**
 * True when a blacklist prefix written in national digits (`95`, `106`, `12`)
 * can only start short codes, so it is kept raw instead of getting +86:
 * anything starting 10, 11, 12, 95 or 96. (Beijing is `010`, with the trunk 0.)
 */
export function isShortCodePrefix(digits: string): boolean {
  return /^(?:1[012]|9[56])\d*$/.test(digits);
}
