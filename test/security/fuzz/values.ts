/**
 * Values for the OpenAPI fuzz: a valid-looking value for a schema (the base of
 * "one mutated field" requests), and bad values of every kind.
 * Raw JSON fragments (10,000-deep nesting, 1e309, duplicate keys) cannot be
 * JS values: they are `Raw` markers spliced into the body text by `toJson`.
 */
import type { Rng } from './prng.ts';
import { rngUuid } from './prng.ts';

export type Schema = Record<string, unknown> & {
  type?: string; format?: string; pattern?: string; enum?: unknown[]; nullable?: boolean;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; minItems?: number; maxItems?: number;
  properties?: Record<string, Schema>; required?: string[]; items?: Schema; additionalProperties?: boolean | Schema;
  anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; $ref?: string; default?: unknown; const?: unknown;
};

/** A fragment of JSON text placed as is. */
export class Raw { constructor(readonly text: string, readonly label: string) {} }

export function toJson(value: unknown): string {
  const raws: Raw[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Raw) { raws.push(v); return `\u0001RAW${raws.length - 1}\u0001`; }
    return v;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!.text);
}

export const deepArrays = (depth: number) => new Raw('['.repeat(depth) + ']'.repeat(depth), `${depth}-deep arrays`);
export const deepObjects = (depth: number) => new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `${depth}-deep objects`);

/** Strings that have broken servers: NUL, controls, lone surrogates, huge, odd Unicode, injections. */
export const BAD_STRINGS: ReadonlyArray<[string, string]> = [
  ['NUL', '\u0000'], ['NUL inside', 'ab\u0000cd'], ['controls', '\u0001\u0007\b\u001b[31m\u007f\u0085'],
  ['lone high surrogate', 'x\ud800y'], ['lone low surrogate', '\udfff'], ['reversed pair', '\udc00\ud800'],
  ['BOM and bidi', '\ufeff\u202eabc\u2066'], ['noncharacter', '\uffff\ufffe'], ['astral', '𝕏😀𠀀'],
  ['empty', ''], ['spaces', '   '], ['long 100k', 'a'.repeat(100_000)], ['long 5k multibyte', '客'.repeat(5_000)],
  ['sql', "'; DROP TABLE customers; --"], ['path', '../../../../etc/passwd'], ['percent', '%00%ff%'],
  ['template', '${7*7}{{7*7}}'], ['html', '<script>alert(1)</script>'], ['formula', '=HYPERLINK("x")'],
  ['number-like', '1e309'], ['NaN', 'NaN'], ['proto', '__proto__'], ['date-like', '2024-02-30T25:61:61Z'],
];

/** Values of a JSON type the schema does not declare (and raw numbers JSON.stringify cannot write). */
export function wrongTypes(s: Schema): unknown[] {
  const t = s.type;
  const all: Array<[string, unknown]> = [
    ['string', 'not-the-right-type'], ['integer', 12345], ['number', 1.5], ['boolean', true],
    ['array', [1, 'a', null]], ['object', { a: { b: [] } }],
  ];
  const out = all.filter(([k]) => k !== t && !(t === 'number' && k === 'integer') && !(t === 'integer' && k === 'number')).map(([, v]) => v);
  if (!s.nullable) out.push(null);
  out.push(new Raw('1e309', '1e309'), new Raw('-0', '-0'), new Raw('99999999999999999999999', 'huge integer'), new Raw('-2147483649', 'below int4'));
  return out;
}

/** Every kind of bad value, for a random mutation. */
export function badValue(s: Schema, rng: Rng): unknown {
  switch (rng.int(6)) {
    case 0: return rng.pick(wrongTypes(s));
    case 1: case 2: return rng.pick(BAD_STRINGS)[1];
    case 3: return rng.pick([deepArrays(10_000), deepObjects(2_000), deepArrays(200)]);
    case 4: return rng.pick([Array.from({ length: 100_000 }, (_, i) => i), Array.from({ length: 5_000 }, () => 'x'.repeat(20)), []]);
    default: return rng.pick([
      -1, 0, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e-300, JSON.parse('{"__proto__":{"polluted":true}}'),
      { constructor: { prototype: { polluted: true } } }, rngUuid(rng), '00000000-0000-0000-0000-000000000000',
      new Raw('{"a":1,"a":2}', 'duplicate keys'),
    ]);
  }
}

const PATTERN_CANDIDATES = ['abc', 'main', 'name', '5', '123', 'a-1', 'A_b'];
const DEFAULT_DATE = '2024-05-01T08:00:00.000Z';

function validString(s: Schema, name: string, rng: Rng): string {
  if (s.format === 'uuid') return rngUuid(rng);
  if (s.format === 'date-time') return DEFAULT_DATE;
  if (s.format === 'date') return DEFAULT_DATE.slice(0, 10);
  if (s.format === 'email') return 'someone@example.com';
  if (s.pattern) {
    const re = new RegExp(s.pattern, 'u');
    const hit = PATTERN_CANDIDATES.find((c) => re.test(c) && c.length >= (s.minLength ?? 0) && c.length <= (s.maxLength ?? Infinity));
    if (hit) return hit;
  }
  let v = /number|phone|caller|did/i.test(name) ? '13800138000' : /password/i.test(name) ? 'fuzz-Passw0rd-long' : /digits/i.test(name) ? '1' : `fz${name}`;
  if (s.minLength && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
  if (s.maxLength !== undefined && v.length > s.maxLength) v = v.slice(0, Math.max(s.maxLength, s.minLength ?? 0));
  return v;
}

/** A value that should pass the schema (best effort; patterns and cross-field rules may still refuse it). */
export function validValue(input: Schema, resolve: (s: Schema) => Schema, rng: Rng, name = 'value', depth = 0): unknown {
  const s = resolve(input);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return rng.pick(s.enum.filter((e) => e !== null).length ? s.enum.filter((e) => e !== null) : s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) {
    const nonNull = alts.filter((a) => resolve(a).type !== 'null');
    return validValue(rng.pick(nonNull.length ? nonNull : alts), resolve, rng, name, depth);
  }
  if (s.allOf?.length) return validValue(s.allOf[0]!, resolve, rng, name, depth);
  if (s.default !== undefined && rng.chance(0.3)) return s.default;
  switch (s.type) {
    case 'string': return validString(s, name, rng);
    case 'integer': case 'number': {
      const lo = s.minimum ?? 0;
      const hi = s.maximum ?? lo + 10;
      return Math.min(hi, Math.max(lo, lo + 1));
    }
    case 'boolean': return rng.chance(0.5);
    case 'array': {
      if (depth > 6 || !s.items) return [];
      const n = Math.min(s.maxItems ?? 2, Math.max(s.minItems ?? 0, 1));
      return Array.from({ length: n }, () => validValue(s.items!, resolve, rng, name, depth + 1));
    }
    default: {
      if (!s.properties && s.type !== 'object') return `fz${name}`;
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(k) || rng.chance(0.6)) out[k] = validValue(sub, resolve, rng, k, depth + 1);
      }
      if (!s.properties && typeof s.additionalProperties === 'object') out.key = validValue(s.additionalProperties, resolve, rng, 'key', depth + 1);
      return out;
    }
  }
}
