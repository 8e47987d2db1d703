/**
 * Bad requests for one operation: a valid-looking base (known ids, schema
 * values) and its mutations — every path, query and body field with wrong
 * types and hostile strings, whole bodies broken, deep, huge or mistyped.
 */
import { collectionOf, type Operation, type Param } from './operations.ts';
import { rngUuid, type Rng } from './prng.ts';
import { BAD_STRINGS, Raw, badValue, deepArrays, deepObjects, toJson, validValue, wrongTypes, type Schema } from './values.ts';

export interface FuzzRequest {
  /** "POST /api/v1/customers" */
  op: string;
  /** what was broken, e.g. "body.name = NUL" */
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** A value for a URL: encoded, or `raw` when the encoding itself is the attack. */
interface UrlValue { text: string; raw?: boolean; label?: string }

const BAD_PATH: UrlValue[] = [
  { text: 'not-a-uuid' }, { text: '0' }, { text: '-1' }, { text: '1e309' }, { text: 'null' }, { text: ' ' }, { text: '客服' },
  { text: 'a'.repeat(3000), label: 'long 3000' }, { text: '..' }, { text: '%2e%2e%2f', raw: true }, { text: '%00', raw: true },
  { text: 'a%00b', raw: true }, { text: '%ZZ', raw: true }, { text: '%FF', raw: true }, { text: '%ED%A0%80', raw: true, label: 'UTF-8 surrogate' },
  { text: '%C0%AE', raw: true, label: 'overlong dot' }, { text: '00000000-0000-0000-0000-000000000000' }, { text: '{id}' },
  { text: "1' OR '1'='1" }, { text: 'x\u0001y' },
];
const BAD_QUERY: UrlValue[] = [
  { text: '' }, { text: 'abc' }, { text: '-1' }, { text: '0' }, { text: '1.5' }, { text: '1e309' }, { text: '99999999999999999999' },
  { text: '%00', raw: true }, { text: '%ZZ', raw: true }, { text: '%FF', raw: true }, { text: '%ED%A0%80', raw: true, label: 'UTF-8 surrogate' },
  { text: 'a'.repeat(10_000), label: 'long 10000' }, { text: '2024-13-45T99:99:99Z' }, { text: '+275760-09-13T00:00:00.000Z' },
  { text: 'true' }, { text: '__proto__' }, { text: "'; SELECT pg_sleep(10); --" }, { text: '\u0000\u0001' }, { text: '\ud800' },
];
/** encodeURIComponent, or the UTF-8 bytes (a lone surrogate becomes U+FFFD) where it refuses. */
function enc(text: string): string {
  try { return encodeURIComponent(text); } catch { return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''); }
}
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const BAD_CURSORS: UrlValue[] = [
  { text: 'garbage' }, { text: b64('null') }, { text: b64('[]') }, { text: b64({ at: 1 }) }, { text: b64([1, 2]) },
  { text: b64(['2024-01-01T00:00:00Z', 'not-a-uuid']), label: 'cursor with a bad id' },
  { text: b64(['1', '00000000-0000-0000-0000-000000000000']), label: 'cursor with year-ish date' },
  { text: b64(['+275760-09-13T00:00:00.000Z', '00000000-0000-0000-0000-000000000000']), label: 'cursor with max date' },
  { text: b64(['2024-01-01T00:00:00Z', 'a\u0000b']), label: 'cursor with NUL id' },
  { text: b64(['2024-01-01T00:00:00Z\u0000', '00000000-0000-0000-0000-000000000000']), label: 'cursor with NUL date' },
  { text: b64(['Tue, 01 Jan 2999 00:00:00 GMT', '00000000-0000-0000-0000-000000000000']), label: 'cursor with RFC date' },
  { text: b64(['2024-01-01T00:00:00Z', 'x'.repeat(5000)]), label: 'cursor with long id' },
  { text: Buffer.from([0xff, 0xfe, 0x00]).toString('base64url'), label: 'cursor of binary' },
];
const BROKEN_JSON: Array<[string, string]> = [
  ['truncated', '{"name":'], ['trailing comma', '{"a":1,}'], ['single quotes', "{'a':1}"], ['bare word', 'undefined'],
  ['NaN', '{"a":NaN}'], ['comment', '{"a":1 /* x */}'], ['two documents', '{}{}'], ['lone surrogate escape', '{"a":"\\ud800"}'],
  ['bad escape', '{"a":"\\x41"}'], ['unterminated string', '{"a":"abc'], ['empty', ''], ['whitespace', ' \n\t '],
  ['10,000-deep arrays', deepArrays(10_000).text], ['10,000-deep objects', deepObjects(10_000).text],
  ['top-level array', '[1,2,3]'], ['top-level string', '"x"'], ['top-level number', '42'], ['top-level null', 'null'],
  ['top-level huge array', `[${Array.from({ length: 100_000 }, () => '0').join(',')}]`], ['proto', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
];
const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1', 'application/jsonx', 'image/png', '*/*', ';;;', 'application/json, text/csv'];
const BAD_CSV: Array<[string, string | Buffer]> = [
  ['csv NUL', 'name,phone\nab\u0000c,13800138000\n'], ['csv unbalanced quote', 'name,phone\n"abc,13800138000\n'],
  ['csv 5000 columns', `${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\n1\n`], ['csv long cell', `name,phone\n${'x'.repeat(200_000)},1\n`],
  ['csv invalid UTF-8', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0xc0, 0xae, 0x0a])], ['csv only header', 'name,phone\n'],
  ['csv lone surrogate', 'name,phone\nx\ud800,13800138000\n'], ['csv formula', 'name,phone\n=1+1,+1-2\n'], ['csv CR only', 'name,phone\rX,1\r'],
  ['vcard broken', 'BEGIN:VCARD\nVERSION:3.0\nFN:\u0000\nTEL;TYPE=CELL:\nEND'], ['vcard nested', 'BEGIN:VCARD\n'.repeat(5000)],
];

export class CaseMaker {
  constructor(
    private readonly rng: Rng,
    private readonly resolve: (s: Schema) => Schema,
    /** collection path -> ids that exist */
    private readonly ids: Map<string, string[]>,
    private readonly auth: Record<string, string>,
  ) {}

  private pathValue(op: Operation, p: Param): string {
    const known = p.name === 'id' || op.path.indexOf(`{${p.name}}`) === op.path.indexOf('{') ? this.ids.get(collectionOf(op.path)) : undefined;
    if (known?.length && this.rng.chance(0.85)) return known[this.rng.int(known.length)]!;
    const v = validValue(p.schema, this.resolve, this.rng, p.name);
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  private baseBody(op: Operation): { type: string; schema: Schema; value: unknown } | null {
    if (!op.body) return null;
    const type = this.rng.pick([...op.body.keys()]);
    const schema = this.resolve(op.body.get(type)!);
    return { type, schema, value: validValue(schema, this.resolve, this.rng, 'body') };
  }

  /** The request with path/query/header values replaced as given. */
  private request(op: Operation, label: string, over: { path?: Record<string, UrlValue>; query?: Record<string, UrlValue[]>; headers?: Record<string, string>; payload?: string | Buffer | null; type?: string | null; body?: unknown } = {}): FuzzRequest {
    let url = op.path;
    for (const p of op.params.filter((x) => x.in === 'path')) {
      const v = over.path?.[p.name] ?? { text: this.pathValue(op, p) };
      url = url.replace(`{${p.name}}`, v.raw ? v.text : enc(v.text));
    }
    const parts: string[] = [];
    for (const p of op.params.filter((x) => x.in === 'query')) {
      const vals = over.query?.[p.name] ?? (p.required || this.rng.chance(0.3) ? [{ text: String(validValue(p.schema, this.resolve, this.rng, p.name)) }] : []);
      for (const v of vals) parts.push(`${encodeURIComponent(p.name)}=${v.raw ? v.text : enc(v.text)}`);
    }
    if (parts.length) url += `?${parts.join('&')}`;
    const headers: Record<string, string> = { ...this.auth, ...over.headers };
    let payload: string | Buffer | undefined;
    if (over.payload !== undefined && over.payload !== null) payload = over.payload;
    else if (over.payload === undefined) {
      const base = over.body !== undefined ? { type: over.type ?? 'application/json', value: over.body } : this.baseBody(op);
      if (base) {
        payload = typeof base.value === 'string' && base.type !== 'application/json' ? base.value : toJson(base.value);
        headers['content-type'] = over.type ?? base.type;
      }
    }
    if (over.type === null) delete headers['content-type'];
    else if (over.type !== undefined) headers['content-type'] = over.type;
    for (const h of op.params.filter((x) => x.in === 'header')) if (!(h.name in headers) && h.required) headers[h.name] = String(validValue(h.schema, this.resolve, this.rng, h.name));
    return { op: `${op.method} ${op.path}`, label, method: op.method, url, headers, ...(payload !== undefined ? { payload } : {}) };
  }

  /** Every structured case of an operation (each parameter and field at least once with a wrong type). */
  structured(op: Operation): FuzzRequest[] {
    const out: FuzzRequest[] = [this.request(op, 'valid-looking base')];
    for (const p of op.params) {
      const bad = p.in === 'query' && p.name === 'cursor' ? [...BAD_CURSORS, ...BAD_QUERY.slice(0, 4)] : p.in === 'header' ? [] : p.in === 'path' ? BAD_PATH : BAD_QUERY;
      for (const v of bad) {
        const label = `${p.in}.${p.name} = ${v.label ?? JSON.stringify(v.text).slice(0, 40)}`;
        out.push(this.request(op, label, p.in === 'path' ? { path: { [p.name]: v } } : { query: { [p.name]: [v] } }));
      }
      if (p.in === 'query') out.push(this.request(op, `query.${p.name} repeated`, { query: { [p.name]: [{ text: 'a' }, { text: '1' }, { text: '' }] } }));
      if (p.in === 'header') {
        for (const h of ['bytes=999999999999-', 'bytes=5-1', 'bytes=-0', 'bytes=0-1,2-3,4-5', 'garbage', 'bytes=-99999999999999999999', '\u0000']) {
          out.push(this.request(op, `header.${p.name} = ${h}`, { headers: { [p.name]: h } }));
        }
      }
    }
    if (!op.body) {
      out.push(this.request(op, 'unexpected broken JSON body', { payload: '{"a":', type: 'application/json' }));
      return out;
    }
    for (const [label, text] of BROKEN_JSON) out.push(this.request(op, `body ${label}`, { payload: text, type: 'application/json' }));
    out.push(this.request(op, 'body invalid UTF-8', { payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0xae, 0x22, 0x7d]), type: 'application/json' }));
    for (const t of CONTENT_TYPES) out.push(this.request(op, `content-type ${t}`, { type: t }));
    out.push(this.request(op, 'no content-type', { type: null }));
    out.push(this.request(op, 'no body', { payload: null, type: null }));
    out.push(this.request(op, 'empty JSON body', { payload: '', type: 'application/json' }));
    for (const [type, schema] of op.body) {
      if (this.resolve(schema).type === 'string' || type !== 'application/json') {
        for (const [label, text] of [...BAD_CSV, ...BAD_STRINGS]) out.push(this.request(op, `${type} body ${label}`, { payload: text, type }));
        continue;
      }
      const base = validValue(schema, this.resolve, this.rng, 'body');
      for (const field of fieldPaths(this.resolve(schema), this.resolve)) {
        const wrong = wrongTypes(field.schema);
        const values = [this.rng.pick(wrong), this.rng.pick(wrong), this.rng.pick(wrong), this.rng.pick(BAD_STRINGS)[1], this.rng.pick(BAD_STRINGS)[1]];
        for (const v of values) out.push(this.mutated(op, type, base, field.path, v));
      }
    }
    return out;
  }

  private mutated(op: Operation, type: string, base: unknown, path: string[], v: unknown): FuzzRequest {
    const body = setPath(structuredClone(base), path, v);
    const shown = v instanceof Raw ? v.label : typeof v === 'string' ? JSON.stringify(v.length > 30 ? `${v.slice(0, 20)}…(${v.length})` : v) : Array.isArray(v) ? `array(${v.length})` : JSON.stringify(v)?.slice(0, 40);
    return this.request(op, `body.${path.join('.')} = ${shown}`, { body, type });
  }

  /** One random bad request for an operation. */
  random(op: Operation): FuzzRequest {
    const rng = this.rng;
    const kind = rng.int(5);
    const params = op.params.filter((p) => p.in !== 'header');
    if ((kind === 0 || !op.body) && params.length) {
      const p = rng.pick(params);
      const v = p.in === 'path' ? rng.pick(BAD_PATH) : p.name === 'cursor' ? rng.pick(BAD_CURSORS) : rng.pick(BAD_QUERY);
      return this.request(op, `${p.in}.${p.name} = ${v.label ?? JSON.stringify(v.text).slice(0, 40)}`, p.in === 'path' ? { path: { [p.name]: v } } : { query: { [p.name]: [v] } });
    }
    if (!op.body) return this.request(op, 'valid-looking base');
    const [type, schema] = rng.pick([...op.body]);
    if (kind === 1 || this.resolve(schema).type === 'string' || type !== 'application/json') {
      const [label, text] = rng.pick([...BROKEN_JSON, ...BAD_CSV, ...BAD_STRINGS]);
      return this.request(op, `${type} body ${label}`, { payload: text, type });
    }
    const base = validValue(schema, this.resolve, this.rng, 'body');
    const fields = fieldPaths(this.resolve(schema), this.resolve);
    if (!fields.length) return this.request(op, 'valid-looking base');
    const field = rng.pick(fields);
    return this.mutated(op, type, base, field.path, badValue(field.schema, rng));
  }

  /** A valid-looking request, to create data for later mutations. */
  base(op: Operation): FuzzRequest { return this.request(op, 'valid-looking base'); }

  /** An id of nothing. */
  nothing(): string { return rngUuid(this.rng); }
}

/** Paths of every declared field, objects and array items included (depth-limited). */
function fieldPaths(s: Schema, resolve: (s: Schema) => Schema, prefix: string[] = [], depth = 0): Array<{ path: string[]; schema: Schema }> {
  const out: Array<{ path: string[]; schema: Schema }> = [];
  if (depth > 4) return out;
  const alt = s.anyOf ?? s.oneOf;
  if (alt) { for (const a of alt.slice(0, 3)) out.push(...fieldPaths(resolve(a), resolve, prefix, depth + 1)); return dedupe(out); }
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    const r = resolve(sub);
    out.push({ path: [...prefix, k], schema: r });
    out.push(...fieldPaths(r, resolve, [...prefix, k], depth + 1));
  }
  if (s.type === 'array' && s.items) {
    const r = resolve(s.items);
    out.push({ path: [...prefix, '0'], schema: r });
    out.push(...fieldPaths(r, resolve, [...prefix, '0'], depth + 1));
  }
  return dedupe(out);
}
const dedupe = <T extends { path: string[] }>(xs: T[]) => [...new Map(xs.map((x) => [x.path.join('.'), x])).values()];

/** Set a value at a path, making the objects and arrays on the way. */
function setPath(root: unknown, path: string[], v: unknown): unknown {
  if (path.length === 0) return v;
  const top: Record<string, unknown> = typeof root === 'object' && root !== null ? root as Record<string, unknown> : {};
  let cur: Record<string, unknown> = top;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = nextIsIndex ? [] : {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = v;
  return top;
}
