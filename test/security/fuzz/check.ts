/** What every fuzz response must satisfy: no 5xx, and errors exactly `{ error: { code, message, details? } }`. */
export interface Checked { ok: boolean; why?: string }

export function checkResponse(status: number, contentType: string, body: string): Checked {
  if (status >= 500) return { ok: false, why: `status ${status}: ${body.slice(0, 200)}` };
  if (status < 400) return { ok: true };
  if (!contentType.includes('application/json')) return { ok: false, why: `error ${status} with content-type ${contentType || '(none)'}: ${body.slice(0, 200)}` };
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return { ok: false, why: `error ${status} body is not JSON: ${body.slice(0, 200)}` }; }
  const shape = errorShape(parsed);
  return shape ? { ok: false, why: `error ${status} ${shape}: ${body.slice(0, 200)}` } : { ok: true };
}

function errorShape(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'body is not an object';
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== 'error') return `top-level keys ${JSON.stringify(keys)}`;
  const e = (v as { error: unknown }).error;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'error is not an object';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) return `error has extra keys ${JSON.stringify(extra)}`;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code) return 'error.code is not a string';
  if (typeof message !== 'string') return 'error.message is not a string';
  return null;
}

/** Failures grouped by class (status and what was wrong with the answer), each with its routes and one example. */
export function summarise(failures: Map<string, { count: number; example: { method: string; url: string; label: string }; why: string }>): string[] {
  const classes = new Map<string, { count: number; routes: Set<string>; inputs: Set<string>; example: string }>();
  for (const [key, f] of failures) {
    const [route, , status] = key.split(' | ');
    const what = f.why.replace(/: .*$/s, '').replace(/^status \d+$/, '') || /"code":"([A-Z_]+)"/.exec(f.why)?.[1] || '';
    const cls = `${status} ${/"code":"([A-Z_]+)"/.exec(f.why)?.[1] ?? ''} ${what}`.trim();
    const c = classes.get(cls) ?? { count: 0, routes: new Set(), inputs: new Set(), example: `${f.example.method} ${f.example.url.slice(0, 160)} (${f.example.label})` };
    c.count += f.count;
    c.routes.add(route!);
    c.inputs.add(f.example.label.replace(/ = .*/, ' = …').replace(/\.\d+(\.|$)/g, '.N$1'));
    classes.set(cls, c);
  }
  return [...classes].map(([cls, c]) => `${c.count}× ${cls}\n  routes: ${[...c.routes].join(', ')}\n  inputs: ${[...c.inputs].slice(0, 12).join(', ')}${c.inputs.size > 12 ? ', …' : ''}\n  e.g. ${c.example}`);
}
