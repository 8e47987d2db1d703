/**
 * TypeBox validation errors turned into `{ path, message }` pairs that name
 * what was expected. Union noise is pruned: of the branches of an `anyOf`,
 * only the closest one is reported.
 */
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';

/** One validation problem: a JSON pointer into the input and what was expected there. */
export interface FlowIssue {
  path: string;
  message: string;
}

interface RawError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Every schema error of `value` (not just the first 8), with paths prefixed by `base`. */
export function schemaIssues(schema: TSchema, value: unknown, base = ''): FlowIssue[] {
  const previous = Settings.Get().maxErrors;
  let raw: RawError[];
  // TypeBox buffers at most `maxErrors`; raise it for this synchronous call only.
  Settings.Set({ maxErrors: 10_000 });
  try {
    raw = Value.Errors(schema, value) as unknown as RawError[];
  } finally {
    Settings.Set({ maxErrors: previous });
  }
  const issues: FlowIssue[] = [];
  const seen = new Set<string>();
  for (const e of pruneUnions(raw, schema)) {
    for (const issue of humanize(e, schema)) {
      const key = `${base}${issue.path}\n${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push({ path: base + issue.path, message: issue.message });
    }
  }
  return issues;
}

function branchOf(e: RawError, prefix: string): number | null {
  if (!e.schemaPath.startsWith(prefix)) return null;
  const n = Number.parseInt(e.schemaPath.slice(prefix.length), 10);
  return Number.isNaN(n) ? null : n;
}

function pruneUnions(errors: RawError[], root: TSchema): RawError[] {
  let kept = errors;
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (!kept.includes(u)) continue;
    const prefix = `${u.schemaPath}/anyOf/`;
    const counts = new Map<number, number>();
    for (const e of kept) {
      const b = branchOf(e, prefix);
      if (b !== null) counts.set(b, (counts.get(b) ?? 0) + (e.keyword === 'const' ? 100 : 1));
    }
    const ranked = [...counts.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const best = ranked[0];
    const tie = best !== undefined && ranked[1] !== undefined && ranked[1][1] === best[1];
    kept = kept.filter((e) => {
      const b = branchOf(e, prefix);
      if (b === null) return e !== u || tie || best === undefined;
      return !tie && b === best?.[0];
    });
    if (tie) {
      const idx = kept.indexOf(u);
      const titles = branchTitles(root, u.schemaPath);
      kept[idx] = { ...u, message: titles.length > 0 ? `expected one of: ${titles.join(', ')}` : u.message };
    }
  }
  return kept;
}

function resolveSchema(root: TSchema, schemaPath: string): Record<string, unknown> | null {
  let cur: unknown = root;
  for (const seg of schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>) : null;
}

function branchTitles(root: TSchema, schemaPath: string): string[] {
  const s = resolveSchema(root, schemaPath);
  const anyOf = s?.anyOf;
  if (!Array.isArray(anyOf)) return [];
  return anyOf.map((b: Record<string, unknown>) => {
    const props = b.properties as Record<string, unknown> | undefined;
    const required = new Set((b.required as string[] | undefined) ?? []);
    if (props) return `{ ${Object.keys(props).map((k) => (required.has(k) ? k : `${k}?`)).join(', ')} }`;
    return typeof b.title === 'string' ? b.title : JSON.stringify(b);
  });
}

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function humanize(e: RawError, root: TSchema): FlowIssue[] {
  const p = e.params;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'boolean':
      return []; // duplicate of the additionalProperties error
    case 'required':
      return ((p.requiredProperties as string[] | undefined) ?? []).map((name) => ({
        path: `${at}/${name}`,
        message: `"${name}" is required`,
      }));
    case 'additionalProperties': {
      const allowed = Object.keys((resolveSchema(root, e.schemaPath)?.properties as object | undefined) ?? {});
      return ((p.additionalProperties as string[] | undefined) ?? []).map((name) => ({
        path: `${at}/${name}`,
        message: `unknown property "${name}"${allowed.length > 0 ? `: expected one of ${allowed.join(', ')}` : ''}`,
      }));
    }
    case 'const':
      return [{ path: at, message: `expected ${describe(p.allowedValue)}` }];
    case 'enum':
      return [{ path: at, message: `expected one of ${((p.allowedValues as unknown[] | undefined) ?? []).map(describe).join(', ')}` }];
    case 'type':
      return [{ path: at, message: `expected ${String(p.type)}` }];
    case 'pattern':
      return [{ path: at, message: `expected a string matching ${String(p.pattern)}` }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [{ path: at, message: `expected a number ${String(p.comparison)} ${String(p.limit)}` }];
    case 'minLength':
      return [{ path: at, message: `expected at least ${String(p.limit)} character(s)` }];
    case 'maxLength':
      return [{ path: at, message: `expected at most ${String(p.limit)} characters` }];
    case 'minItems':
      return [{ path: at, message: `expected at least ${String(p.limit)} item(s)` }];
    case 'maxItems':
      return [{ path: at, message: `expected at most ${String(p.limit)} items` }];
    case 'minProperties':
      return [{ path: at, message: `expected at least ${String(p.limit)} entr${p.limit === 1 ? 'y' : 'ies'}` }];
    case 'maxProperties':
      return [{ path: at, message: `expected at most ${String(p.limit)} entries` }];
    default:
      return [{ path: at, message: e.message }];
  }
}
