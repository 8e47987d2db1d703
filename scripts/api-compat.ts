/**
 * Breaking changes between two OpenAPI 3.0 documents (the snapshot in
 * clients/typescript/openapi.snapshot.json and the daemon's document now), as
 * an integrator's generated client would feel them. Additions never break.
 * Breaking:
 * - a path or an operation removed;
 * - a parameter removed, or newly required (new and required, or optional before);
 * - a request body newly required, a body field newly required;
 * - an input narrowed: type changed, enum value removed, bounds tightened
 *   (minLength/minimum up, maxLength/maximum/maxItems down);
 * - a success-response field removed, or its type changed;
 * - an event type (AsyncAPI message) removed, or a field of its payload removed
 *   or retyped (eventChanges).
 * Each change is one line, e.g. "GET /api/v1/customers: query parameter tier removed";
 * test/integration/api-stability.test.ts fails on any that CHANGELOG.md does not name verbatim.
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Follows local $refs (#/components/...), once per chain. */
function deref(doc: Obj, node: unknown, seen: Set<string> = new Set()): Obj | undefined {
  let n = node as Obj | undefined;
  while (n && typeof n.$ref === 'string') {
    if (seen.has(n.$ref)) return {};
    seen.add(n.$ref);
    n = n.$ref.replace(/^#\//, '').split('/').reduce<Obj | undefined>((o, k) => o?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
  }
  return n;
}

const typeOf = (s: Obj | undefined): string => {
  if (!s) return 'any';
  if (s.type) return String(s.type);
  if (s.const !== undefined) return typeof s.const;
  if (s.anyOf || s.oneOf) return 'union';
  if (s.allOf) return 'object';
  if (s.properties) return 'object';
  return 'any';
};

/** How `now` accepts less than `before` (an input). */
function narrowed(where: string, before: Obj | undefined, now: Obj | undefined, out: string[], docB: Obj, docN: Obj, depth = 0): void {
  if (!before || !now || depth > 6) return;
  const tb = typeOf(before); const tn = typeOf(now);
  if (tb !== tn && tn !== 'any' && !(tb === 'integer' && tn === 'number')) { out.push(`${where}: type ${tb} became ${tn}`); return; }
  if (Array.isArray(before.enum) && Array.isArray(now.enum)) {
    for (const v of before.enum) if (!now.enum.some((x: unknown) => JSON.stringify(x) === JSON.stringify(v))) out.push(`${where}: value ${JSON.stringify(v)} no longer accepted`);
  }
  const up = (k: string) => { if (typeof now[k] === 'number' && (typeof before[k] !== 'number' || now[k] > before[k])) out.push(`${where}: ${k} raised to ${now[k]}`); };
  const down = (k: string) => { if (typeof now[k] === 'number' && (typeof before[k] !== 'number' || now[k] < before[k])) out.push(`${where}: ${k} lowered to ${now[k]}`); };
  up('minLength'); up('minimum'); up('minItems'); down('maxLength'); down('maximum'); down('maxItems');
  if (before.nullable === true && now.nullable !== true && tn !== 'any') out.push(`${where}: null no longer accepted`);
  if (tn === 'object') {
    const pb = (before.properties ?? {}) as Obj; const pn = (now.properties ?? {}) as Obj;
    const rb = new Set<string>(before.required ?? []);
    for (const name of now.required ?? []) if (!rb.has(name)) out.push(`${where}.${name}: newly required`);
    for (const [name, s] of Object.entries(pb)) {
      if (!(name in pn)) { if (now.additionalProperties === false) out.push(`${where}.${name}: no longer accepted`); continue; }
      narrowed(`${where}.${name}`, deref(docB, s), deref(docN, pn[name]), out, docB, docN, depth + 1);
    }
  }
  if (tn === 'array') narrowed(`${where}[]`, deref(docB, before.items), deref(docN, now.items), out, docB, docN, depth + 1);
}

/** What `now` no longer gives that `before` did (an output). */
function lessGiven(where: string, before: Obj | undefined, now: Obj | undefined, out: string[], docB: Obj, docN: Obj, depth = 0): void {
  if (!before || !now || depth > 6) return;
  const tb = typeOf(before); const tn = typeOf(now);
  if (tb !== tn && tb !== 'any' && !(tb === 'number' && tn === 'integer')) { out.push(`${where}: type ${tb} became ${tn}`); return; }
  if (tb === 'object') {
    const pb = (before.properties ?? {}) as Obj; const pn = (now.properties ?? {}) as Obj;
    for (const [name, s] of Object.entries(pb)) {
      if (!(name in pn)) { out.push(`${where}.${name}: removed`); continue; }
      lessGiven(`${where}.${name}`, deref(docB, s), deref(docN, pn[name]), out, docB, docN, depth + 1);
    }
  }
  if (tb === 'array') lessGiven(`${where}[]`, deref(docB, before.items), deref(docN, now.items), out, docB, docN, depth + 1);
}

export function breakingChanges(before: Obj, now: Obj): string[] {
  const out: string[] = [];
  for (const [path, itemB] of Object.entries((before.paths ?? {}) as Obj)) {
    const itemN = now.paths?.[path] as Obj | undefined;
    if (!itemN) { out.push(`${path}: path removed`); continue; }
    for (const m of METHODS.filter((x) => itemB[x])) {
      const op = `${m.toUpperCase()} ${path}`;
      const b = itemB[m] as Obj; const n = itemN[m] as Obj | undefined;
      if (!n) { out.push(`${op}: operation removed`); continue; }
      if (b.operationId && n.operationId !== b.operationId) out.push(`${op}: operationId ${b.operationId} became ${n.operationId}`);
      const params = (doc: Obj, o: Obj) => new Map(((o.parameters ?? []) as Obj[]).map((p) => deref(doc, p)!).map((p) => [`${p.in} parameter ${p.name}`, p]));
      const pb = params(before, b); const pn = params(now, n);
      for (const [k, p] of pb) {
        const q = pn.get(k);
        if (!q) { out.push(`${op}: ${k} removed`); continue; }
        if (q.required && !p.required) out.push(`${op}: ${k} newly required`);
        narrowed(`${op}: ${k}`, deref(before, p.schema), deref(now, q.schema), out, before, now);
      }
      for (const [k, q] of pn) if (!pb.has(k) && q.required) out.push(`${op}: ${k} added as required`);
      const bodyB = b.requestBody?.content?.['application/json']?.schema; const bodyN = n.requestBody?.content?.['application/json']?.schema;
      if (!b.requestBody && n.requestBody?.required) out.push(`${op}: request body newly required`);
      if (bodyB && bodyN) narrowed(`${op}: body`, deref(before, bodyB), deref(now, bodyN), out, before, now);
      for (const [status, r] of Object.entries((b.responses ?? {}) as Obj)) {
        if (!/^2/.test(status)) continue;
        const sb = deref(before, r)?.content?.['application/json']?.schema;
        const rn = n.responses?.[status];
        if (sb && !rn) { out.push(`${op}: response ${status} removed`); continue; }
        const sn = deref(now, rn)?.content?.['application/json']?.schema;
        if (sb && sn) lessGiven(`${op}: response ${status}`, deref(before, sb), deref(now, sn), out, before, now);
      }
    }
  }
  return out;
}

/** The same for the event stream (AsyncAPI): removed event types, and payload fields removed or retyped. */
export function eventChanges(before: Obj, now: Obj): string[] {
  const out: string[] = [];
  for (const [type, m] of Object.entries((before.components?.messages ?? {}) as Obj)) {
    const n = now.components?.messages?.[type] as Obj | undefined;
    if (!n) { out.push(`event ${type}: removed`); continue; }
    lessGiven(`event ${type}`, deref(before, m.payload), deref(now, n.payload), out, before, now);
  }
  return out;
}

/** The changes CHANGELOG.md does not name (each must appear in it verbatim). */
export function unannounced(changes: readonly string[], changelog: string): string[] {
  return changes.filter((c) => !changelog.includes(c));
}
