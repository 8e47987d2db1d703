/**
 * The OpenAPI document made complete for integrators, for every route,
 * including routes added later, without touching them: @fastify/swagger's
 * `transform` (per route, documentation only: the runtime schemas and their
 * serialisers are never changed) and `transformObject` (the whole document)
 * add what generators and linters want:
 *
 * - `operationId` (`resource.verb`, see names.ts) and a summary when the route
 *   gives none; the description ends with the roles allowed (`x-kefu-roles`);
 *   tags per resource (the first word of the path) unless the route sets its own;
 * - error responses, all `$ref`s to one shared `Error` schema
 *   (`{ error: { code, message, details } }`), by this rule:
 *     400  the operation takes parameters or a body (details name the field)
 *     401, 403  the operation needs a key or a session (not public)
 *     404  the path has parameters (the thing named does not exist)
 *     413  the operation takes a body (over http.bodyLimit, or the route's limit)
 *     422  the operation takes a body (well-formed but refused by the rules)
 *     429, 409, 503  only where the route says so in `config.errors`
 *     500  every operation
 * - query parameters with a default are not required; path parameters are
 *   exactly those of the path; `limit` and `cursor` are the shared
 *   components.parameters and a page's `next` the shared `NextCursor`;
 * - request bodies get an example (the schema's own `examples`, else one made
 *   from the schema, see examples.ts); schema `examples` become OpenAPI 3.0's `example`;
 * - info.license and info.contact.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { exampleOf } from './examples.ts';
import { operationName, summaryOf, uniqueIds } from './names.ts';

/** Extra error responses a route documents (those the generic rule cannot know). */
export type RouteErrors = Partial<Record<'400' | '401' | '403' | '404' | '409' | '413' | '422' | '429' | '503', string>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error answers this route gives beyond the generic rule (document.ts), with when. */
    errors?: RouteErrors;
  }
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const ERROR_RESPONSES: Record<string, { name: string; description: string; code: string; message: string; details?: unknown }> = {
  400: { name: 'BadRequest', description: 'The input is invalid: `details` lists each field (`body.name`, `querystring.limit`, `params.id`) and what is wrong with it.', code: 'BAD_REQUEST', message: 'body.name is required', details: [{ field: 'body.name', message: 'is required' }] },
  401: { name: 'Unauthorized', description: 'No API key (`Authorization: Bearer <key>`) or session, or an unknown or revoked one.', code: 'UNAUTHORIZED', message: 'missing API key: send "Authorization: Bearer <api key>" or sign in' },
  403: { name: 'Forbidden', description: "The key's role may not do this (`details.allowedRoles`), or the thing is not yours.", code: 'FORBIDDEN', message: 'role agent may not do this (allowed: admin, supervisor)', details: { role: 'agent', allowedRoles: ['admin', 'supervisor'] } },
  404: { name: 'NotFound', description: 'Nothing has the identifier given in the path.', code: 'NOT_FOUND', message: 'no customer 3fa85f64-5717-4562-b3fc-2c963f66afa6' },
  409: { name: 'Conflict', description: 'The request conflicts with the current state.', code: 'CONFLICT', message: 'the entry exists already' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than allowed (http.bodyLimit, or the limit of this route).', code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  422: { name: 'Unprocessable', description: 'The body is well-formed but the rules refuse it (a number that cannot be dialled, a blocked number, a state that does not allow it).', code: 'UNPROCESSABLE', message: 'body.phones.0.number: not a phone number' },
  429: { name: 'TooManyRequests', description: 'A limit applies: try again later.', code: 'RATE_LIMITED', message: 'too many requests: try again later' },
  500: { name: 'InternalError', description: 'Something failed inside kefu (logged with the request id); the message tells nothing more.', code: 'INTERNAL', message: 'internal error' },
  503: { name: 'Unavailable', description: 'A backend (database, PBX, device) is unavailable.', code: 'DB_UNAVAILABLE', message: 'db unavailable' },
};

const PAGE_DESCRIPTION = 'Lists are paged: `?limit=` (1–500, 50 when left out) and `?cursor=` (the `next` of the previous page) give `{ items, next }`; `next` is null on the last page.';

/** Per route, documentation only: carries `config.errors` into the document. */
export const transformRoute: NonNullable<FastifyDynamicSwaggerOptions['transform']> = ({ schema, url, route }) => {
  const config = route.config as { errors?: RouteErrors; nodeOwner?: unknown } | undefined;
  const errors = config?.nodeOwner ? { ...config.errors, 503: [config.errors?.[503], NODE_OWNER_503].filter(Boolean).join('; ') } : config?.errors;
  if (!schema || !errors) return { schema, url };
  return { schema: { ...schema, 'x-kefu-errors': errors, ...(config?.nodeOwner ? { 'x-kefu-node-owner': true } : {}) } as typeof schema, url };
};

/** Routes that run on the Asterisk node's owner (cluster.enabled: forwarded there from any daemon). */
const NODE_OWNER_503 = 'cluster: the Asterisk node\'s owner cannot be reached from this daemon (NODE_OWNER_UNAVAILABLE, details.node and details.reason; 504 NODE_OWNER_TIMEOUT when it did not answer in time)';

const returnsList = (op: Obj, resolve: (ref: string) => Obj): boolean => {
  let s = op.responses?.['200']?.content?.['application/json']?.schema as Obj | undefined;
  if (s?.$ref) s = resolve(s.$ref);
  return s?.type === 'array' || (s?.type === 'object' && s.properties?.items?.type === 'array' && 'next' in (s.properties ?? {}));
};

const firstSegment = (path: string): string => path.replace(/^\/api\/v1/, '').split('/').find((s) => s !== '' && !s.startsWith('{')) ?? 'system';

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * OpenAPI 3.0 schemas take one `example`: TypeBox's `examples: [...]` become it.
 * And a bound written the JSON Schema 2019 way (`exclusiveMinimum: 0`) is
 * written the 3.0 way (`minimum: 0, exclusiveMinimum: true`).
 */
function examplesToExample(node: unknown): void {
  if (Array.isArray(node)) { for (const n of node) examplesToExample(n); return; }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Obj;
  if (Array.isArray(o.examples) && (o.type !== undefined || o.anyOf || o.oneOf || o.properties || o.$ref === undefined)) {
    if (o.example === undefined && o.examples.length > 0) o.example = o.examples[0];
    delete o.examples;
  }
  for (const [bound, plain] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof o[bound] === 'number') { o[plain] = o[bound]; o[bound] = true; }
  }
  for (const v of Object.values(o)) examplesToExample(v);
}

export function completeDocument(doc: Obj, opts: { license: string }): Obj {
  const components = (doc.components ??= {});
  const schemas: Obj = (components.schemas ??= {});
  const resolve = (ref: string): Obj => schemas[ref.replace('#/components/schemas/', '')] ?? {};

  doc.info = {
    ...doc.info,
    license: { name: opts.license, url: `https://spdx.org/licenses/${opts.license}.html` },
    contact: { name: 'kefu: the administrator of this server (see /docs)' },
  };
  components.parameters = {
    ...components.parameters,
    limit: { name: 'limit', in: 'query', required: false, description: 'page size (1–500; 50 when left out)', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
    cursor: { name: 'cursor', in: 'query', required: false, description: '`next` from the previous page; left out: the first page', schema: { type: 'string' } },
  };
  schemas.NextCursor = { type: 'string', nullable: true, description: `The cursor of the next page, or null on the last page. ${PAGE_DESCRIPTION}` };
  components.responses = { ...components.responses };
  for (const e of Object.values(ERROR_RESPONSES)) {
    components.responses[e.name] = {
      description: e.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } } } },
    };
  }

  // Names first (they depend on the other methods of a path and on each other).
  const ops: Array<{ key: string; name: string; path: string; method: string; op: Obj }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}) as Array<[string, Obj]>) {
    const methods = METHODS.filter((m) => item[m]);
    for (const m of methods) {
      const op = item[m] as Obj;
      ops.push({ key: `${m} ${path}`, path, method: m, op, name: op.operationId ?? operationName({ method: m, path, siblings: methods.map((x) => x.toUpperCase()), returnsList: returnsList(op, resolve) }) });
    }
  }
  const ids = uniqueIds(ops.filter((o) => o.op.operationId === undefined));

  const tags = new Set<string>();
  for (const { key, path, op } of ops) {
    op.operationId ??= ids.get(key);
    op.summary ??= summaryOf(op.operationId);
    const roles: string[] = op['x-kefu-roles'] ?? [];
    const rolesLine = roles.length === 0 ? '' : roles.includes('public') ? 'Roles: public (no API key needed).' : `Roles: ${roles.join(', ')}.`;
    op.description = [op.description, rolesLine].filter(Boolean).join('\n\n') || undefined;
    if (!Array.isArray(op.tags) || op.tags.length === 0) op.tags = [firstSegment(path)];
    for (const t of op.tags) tags.add(t);

    // Parameters: exactly the path's, defaults not required, paging shared.
    const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    let params: Obj[] = Array.isArray(op.parameters) ? op.parameters : [];
    params = params.filter((p) => p.in !== 'path' || inPath.includes(p.name));
    for (const name of inPath) {
      if (!params.some((p) => p.in === 'path' && p.name === name)) params.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    params = params.map((p) => {
      if (p.in === 'query' && p.schema && p.schema.default !== undefined) p.required = false;
      if (p.in === 'query' && (p.name === 'limit' || p.name === 'cursor')) {
        const shared = components.parameters[p.name];
        if (sameJson(p.schema, shared.schema)) return { $ref: `#/components/parameters/${p.name}` };
      }
      return p;
    });
    if (params.length > 0) op.parameters = params; else delete op.parameters;

    // A page's next: the shared cursor.
    const ok = op.responses?.['200']?.content?.['application/json'];
    const okProps = ok?.schema?.properties as Obj | undefined;
    if (okProps?.items && okProps.next && !okProps.next.$ref) {
      okProps.next = { $ref: '#/components/schemas/NextCursor' };
      op.responses['200'].description = op.responses['200'].description === 'Default Response' ? `A page. ${PAGE_DESCRIPTION}` : op.responses['200'].description;
    }

    // Request body example.
    const json = op.requestBody?.content?.['application/json'];
    if (json && json.example === undefined && json.examples === undefined) {
      const ex = exampleOf(json.schema, resolve);
      if (ex !== undefined) json.example = ex;
    }

    // Error responses.
    const extra: Record<string, string> = op['x-kefu-errors'] ?? {};
    delete op['x-kefu-errors'];
    const hasBody = op.requestBody !== undefined;
    const isPublic = roles.includes('public') || (Array.isArray(op.security) && op.security.length === 0);
    const wanted: string[] = [];
    if (params.length > 0 || hasBody) wanted.push('400');
    if (!isPublic) wanted.push('401', '403');
    if (inPath.length > 0) wanted.push('404');
    if (hasBody) wanted.push('413', '422');
    wanted.push(...Object.keys(extra), '500');
    op.responses ??= {};
    // A route's own error answer written inline: the shared schema (narrowed by the route's, if it says more).
    for (const [status, r] of Object.entries(op.responses as Obj)) {
      const media = Number(status) >= 400 ? (r as Obj).content?.['application/json'] : undefined;
      if (!media?.schema || media.schema.$ref || !media.schema.properties?.error) continue;
      const { description: _d, ...own } = media.schema as Obj;
      media.schema = sameJson(own.properties, schemas.Error?.properties) ? { $ref: '#/components/schemas/Error' } : { allOf: [{ $ref: '#/components/schemas/Error' }, own] };
    }
    for (const status of [...new Set(wanted)].sort()) {
      const e = ERROR_RESPONSES[status];
      if (!e || op.responses[status]) continue;
      op.responses[status] = extra[status]
        ? { description: `${e.description} Here: ${extra[status]}.`, content: components.responses[e.name].content }
        : { $ref: `#/components/responses/${e.name}` };
    }
  }
  // Only the shared error answers some operation uses.
  const text = JSON.stringify(doc.paths ?? {});
  for (const name of Object.keys(components.responses)) if (!text.includes(`"#/components/responses/${name}"`)) delete components.responses[name];
  doc.tags = [...tags].sort().map((name) => ({ name, description: `Operations on /api/v1/${name === 'system' ? 'health' : name}` }));
  examplesToExample(doc);
  return doc;
}
