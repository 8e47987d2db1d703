/**
 * Route schemas compiled on first use instead of at start-up.
 *
 * Fastify compiles every route's validators (Ajv) and response serialisers
 * (fast-json-stringify) while the routes are registered: about half a second
 * of CPU for this API, all of it before the port opens. These factories hand
 * Fastify the same default compilers, wrapped: a route's schema is compiled
 * the first time a request needs it, or earlier by `compileAll()`, which the
 * daemon runs in small slices after listening. The validation is the one
 * Fastify's default would do (same Ajv options, same schemas, same order of
 * calls); only the moment of compiling moves.
 *
 * A headers schema must name its headers in lower case (refused at
 * registration otherwise): Fastify lower-cases them itself only for its own
 * compiler, not for a custom one such as this.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
interface RouteSchema { schema: unknown; method?: string; url?: string; httpPart?: string }

/** Wrappers that still have to compile their schema. */
export interface LazySchemas {
  /** For Fastify's `schemaController.compilersFactory` option. */
  compilersFactory: CompilersFactory;
  /** How many schemas have not been compiled yet. */
  pending(): number;
  /**
   * Compile every schema not compiled yet, one per macrotask (setImmediate),
   * so requests are served in between. Rejects with the first failure, which
   * names the route.
   */
  compileAll(): Promise<void>;
}

export function lazySchemas(): LazySchemas {
  const waiting = new Set<() => void>();
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();

  /** Run `compile` once, on first need; a failure names the route and is thrown again on every use. */
  function once<T>(route: RouteSchema, compile: () => T): () => T {
    let done: { ok: true; value: T } | { ok: false; err: Error } | null = null;
    const get = (): T => {
      if (!done) {
        waiting.delete(force);
        try { done = { ok: true, value: compile() }; } catch (e) {
          done = { ok: false, err: new Error(`schema of ${route.method ?? '?'} ${route.url ?? '?'} (${route.httpPart ?? 'response'}): ${(e as Error).message}`, { cause: e }) };
        }
      }
      if (!done.ok) throw done.err;
      return done.value;
    };
    const force = () => { get(); };
    waiting.add(force);
    return get;
  }

  return {
    compilersFactory: {
      buildValidator: (external: unknown, options: unknown) => {
        const compiler = (buildValidator as (e: unknown, o: unknown) => (r: RouteSchema) => Validate)(external, options);
        return (route: RouteSchema) => {
          if (route.httpPart === 'headers') assertLowerCaseHeaders(route.schema);
          const real = once(route, () => compiler(route));
          const validate = ((data: unknown, ctx?: unknown) => {
            const fn = real();
            return fn.schemaEnv ? fn(data, ctx) : fn(data);
          }) as Validate;
          // Fastify reads `schemaEnv` before calling (then passes the parent object, so Ajv may
          // coerce the root value) and `errors` after a failed call: both come from the real validator.
          Object.defineProperty(validate, 'schemaEnv', { get: () => real().schemaEnv });
          Object.defineProperty(validate, 'errors', { get: () => real().errors });
          return validate;
        };
      },
      buildSerializer: (external: unknown, options: unknown) => {
        const compiler = (buildSerializer as (e: unknown, o: unknown) => (r: RouteSchema) => Serialize)(external, options);
        return (route: RouteSchema) => {
          const real = once(route, () => compiler(route));
          return (data: unknown) => real()(data);
        };
      },
    } as unknown as CompilersFactory,
    pending: () => waiting.size,
    compileAll: async () => {
      for (;;) {
        const next = waiting.values().next();
        if (next.done) return;
        next.value();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

/** Every header named in `properties` and `required`, at any depth, must be in lower case (HTTP headers arrive so). */
export function assertLowerCaseHeaders(schema: unknown): void {
  if (Array.isArray(schema)) { for (const s of schema) assertLowerCaseHeaders(s); return; }
  if (schema === null || typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema)) {
    const names = key === 'properties' && value && typeof value === 'object' ? Object.keys(value) : key === 'required' && Array.isArray(value) ? value as unknown[] : [];
    const bad = names.find((n) => typeof n === 'string' && n !== n.toLowerCase());
    if (bad !== undefined) throw new Error(`headers schema: name the header "${String(bad)}" in lower case`);
    assertLowerCaseHeaders(value);
  }
}
