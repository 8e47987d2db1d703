/**
 * Input rules every route shares, checked once before schema validation:
 * text carries no NUL character and is well-formed UTF-16 (PostgreSQL refuses
 * both in text and jsonb), numbers are finite, and JSON is not nested deeper
 * than MAX_DEPTH. The
 * free-form JSON fields (customer attributes, interaction data) also declare
 * their own bound with the `x-max-bytes` schema keyword (see freeJsonKeywords).
 */
import type { FastifyInstance } from 'fastify';
import type { Ajv } from 'ajv';
import { KefuError } from '../core/errors.ts';

/** Deepest nesting of objects and arrays a request may carry. */
export const MAX_DEPTH = 32;

export interface InputProblem { field: string; message: string }

/** The first problems (at most `max`) in a parsed body, query or params, named like "body.phones.0.label". */
export function inputProblems(value: unknown, root: string, max = 10): InputProblem[] {
  const problems: InputProblem[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  while (stack.length > 0 && problems.length < max) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.push({ field: path, message: problem });
      continue;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      // JSON.parse and the query's coercion turn 1e309 into Infinity
      problems.push({ field: path, message: 'must be a finite number' });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ field: path, message: `is nested deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      const keyProblem = textProblem(k);
      if (keyProblem) problems.push({ field: `${path}.${printable(k)}`, message: `name ${keyProblem}` });
      stack.push({ v: x, path: `${path}.${k}`, depth: depth + 1 });
    }
  }
  return problems;
}

function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode text (a lone surrogate was found)';
  return null;
}

/** With the u flag a surrogate pair is one code point, so only unpaired halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

const printable = (k: string): string => k.replaceAll('\u0000', '\\u0000').replace(/\p{Cs}/gu, '\uFFFD');

/** Adds the check to every route of `app` (a preValidation hook: runs after parsing, before the schema). */
export function guardInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const problems = [
      ...inputProblems(req.params, 'params'),
      ...inputProblems(req.query, 'querystring'),
      // Import routes check a raw file's records one by one (and report each bad one by line).
      ...(typeof req.body === 'string' && req.routeOptions.config.recordsChecked === true ? [] : inputProblems(req.body, 'body')),
    ];
    refuse(problems);
  });
  // The schema coerced query and path text to numbers: "1e309" passes `type: integer, maximum: 5` as Infinity (Ajv).
  app.addHook('preHandler', async (req) => {
    refuse([...inputProblems(req.params, 'params'), ...inputProblems(req.query, 'querystring')]);
  });
}

function refuse(problems: InputProblem[]): void {
  if (problems.length === 0) return;
  const message = problems.map((p) => `${printable(p.field)}: ${p.message}`).join('; ');
  throw new KefuError('BAD_REQUEST', message, { field: printable(problems[0]!.field), problems: problems.map((p) => ({ ...p, field: printable(p.field) })) });
}

/**
 * `x-max-bytes: N` on a schema: the value, written as JSON, is at most N bytes.
 * Registered on the request validator (Fastify's `ajv.onCreate`).
 */
export function addFreeJsonKeywords(ajv: Pick<Ajv, 'addKeyword'>): void {
  ajv.addKeyword({
    keyword: 'x-max-bytes',
    schemaType: 'number',
    errors: true,
    validate: function maxBytes(limit: number, data: unknown) {
      const size = Buffer.byteLength(JSON.stringify(data) ?? '');
      if (size <= limit) return true;
      (maxBytes as unknown as { errors: object[] }).errors = [{ keyword: 'x-max-bytes', message: `must be at most ${limit} bytes as JSON (got ${size})`, params: { limit } }];
      return false;
    },
  });
}

/** The bound of every free-form JSON field (customer attributes, interaction data). */
export const FREE_JSON_MAX_BYTES = 16 * 1024;
