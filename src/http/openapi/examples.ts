/**
 * An example value made from a JSON schema (OpenAPI 3.0 flavour), for request
 * bodies whose route gives none: a schema's own `example`/`examples`/`default`
 * win, then enums, formats and bounds. Only required properties are filled.
 * Returns undefined when no valid value can be made with confidence (a
 * pattern, a `not`, a reference it cannot see): no example beats a wrong one.
 */
type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6', email: 'li.wei@example.com', 'date-time': '2026-01-15T09:30:00Z',
  date: '2026-01-15', time: '09:30:00', uri: 'https://crm.example.com/hook', hostname: 'pbx.example.com', ipv4: '192.0.2.10',
};

/** Plausible words tried against a pattern; the first that matches it (and the length bounds) is the example. */
const CANDIDATES = ['example', 'main', 'sales-1', 'li.wei', 'CN', '/dev/ttyACM0', '1234#', '09:00', '1', 'a'];

function fitting(s: Record<string, unknown>): string | undefined {
  let re: RegExp;
  try { re = new RegExp(s.pattern as string, 'u'); } catch { return undefined; }
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  return CANDIDATES.find((c) => re.test(c) && [...c].length >= min && [...c].length <= max);
}

export function exampleOf(schema: unknown, resolve: (ref: string) => unknown, depth = 0): unknown {
  if (depth > 8 || typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') return exampleOf(resolve(s.$ref), resolve, depth + 1);
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.not !== undefined) return undefined;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = s[key];
    if (Array.isArray(alts)) {
      // The first alternative that is not null and can be made.
      for (const alt of alts) {
        if ((alt as Schema).type === 'null') continue;
        const v = exampleOf(alt, resolve, depth + 1);
        if (v !== undefined) return v;
      }
      return undefined;
    }
  }
  if (Array.isArray(s.allOf)) {
    const merged: Record<string, unknown> = {};
    for (const part of s.allOf) {
      const v = exampleOf(part, resolve, depth + 1);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
      Object.assign(merged, v);
    }
    return merged;
  }
  switch (s.type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(props)) {
        const given = typeof sub === 'object' && sub !== null && ('example' in sub || 'examples' in sub);
        if (!required.includes(name) && !given) continue;
        const v = exampleOf(sub, resolve, depth + 1);
        if (v === undefined) { if (required.includes(name)) return undefined; continue; }
        out[name] = v;
      }
      for (const name of required) if (!(name in out) && !(name in props)) return undefined;
      // A change (PATCH) takes at least one field: the first ones that can be made.
      for (const [name, sub] of Object.entries(props)) {
        if (typeof s.minProperties !== 'number' || Object.keys(out).length >= s.minProperties) break;
        if (name in out) continue;
        const v = exampleOf(sub, resolve, depth + 1);
        if (v !== undefined) out[name] = v;
      }
      if (typeof s.minProperties === 'number' && Object.keys(out).length < s.minProperties) return undefined;
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      if (min > 3 || (s.uniqueItems === true && min > 1)) return undefined;
      const item = exampleOf(s.items, resolve, depth + 1);
      if (item === undefined) return min === 0 ? [] : undefined;
      return Array.from({ length: Math.max(min, 1) }, () => item);
    }
    case 'string': {
      if (typeof s.contentEncoding === 'string') return undefined;
      if (typeof s.pattern === 'string') return fitting(s);
      if (typeof s.format === 'string') return FORMATS[s.format];
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = typeof s.maxLength === 'number' ? s.maxLength : 100;
      const word = 'example';
      if (min > max) return undefined;
      return word.length >= min ? word.slice(0, Math.max(min, Math.min(max, word.length))) : word.padEnd(min, 'x');
    }
    case 'integer': case 'number': {
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : Number.MAX_SAFE_INTEGER;
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : Math.min(1, max);
      if (typeof s.multipleOf === 'number') {
        const v = Math.ceil(min / s.multipleOf) * s.multipleOf;
        return v <= max ? v : undefined;
      }
      const v = s.type === 'integer' ? Math.ceil(Math.max(min, Math.min(max, 1))) : Math.max(min, Math.min(max, 1));
      return v >= min && v <= max ? v : undefined;
    }
    case 'boolean': return true;
    default: return undefined;
  }
}
