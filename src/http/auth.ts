/**
 * Who is calling: an integrator's API key (`Authorization: Bearer <key>`, or
 * on the WebSocket the subprotocol "kefu.bearer.<key>", since browsers cannot
 * set headers there; keys never go in URLs), or a console user's session
 * cookie (HttpOnly, SameSite=Strict; a changing request and a WebSocket
 * upgrade must come from our own origin).
 *
 * Deny by default: the decision is made from the route Fastify matched, never
 * from the URL text. A route is open to anyone only when its definition says
 * `config: { public: true }`; otherwise a key or a session is required, and
 * `config.roles` lists the roles allowed (none listed: every role). The
 * expected table of who may do what is docs/access.md (checked by
 * test/security/access.test.ts under many spellings of every path).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { KefuError } from '../core/errors.ts';
import { hashKey, ROLES, type ApiKeyRow, type KeyRepo, type Role } from '../db/repos/keys.ts';
import { hashToken, type User, type UserRepo } from '../db/repos/users.ts';
import { VerifiedCache } from './auth-cache.ts';

export interface Principal {
  /** The API key's id, or "user:<id>" for a console session. */
  keyId: string;
  role: Role;
  name: string;
  /** Console sessions: the signed-in user. */
  user?: User;
  /** The agent this principal works as (a user's agent, or the agent a key is bound to), if any. */
  agentId: string | null;
}

export const SESSION_COOKIE = 'kefu_session';

/** The session token from the Cookie header, if any (a malformed one counts as none). */
export function sessionToken(req: FastifyRequest): string | null {
  const raw = req.headers.cookie;
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== SESSION_COOKIE) continue;
    const value = v.join('=');
    // Our tokens are base64url: anything else is not a session of ours.
    return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : null;
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie-authenticated change must come from a page of ours (Origin matches
 * the host asked for; behind a trusted proxy, the forwarded host). A WebSocket
 * upgrade always carries Origin in browsers: it is required there.
 */
function sameOrigin(req: FastifyRequest, upgrade: boolean): boolean {
  const origin = req.headers.origin;
  if (!origin) return !upgrade && (req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin');
  try { return new URL(origin).host === req.host; } catch { return false; }
}

const isUpgrade = (req: FastifyRequest): boolean => (req.headers.upgrade ?? '').toLowerCase() === 'websocket';

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
  interface FastifyInstance { forgetSession(token: string): void; forgetAllSessions(): void; forgetKeys(): void }
  interface FastifyContextConfig {
    roles?: readonly Role[]; public?: boolean; websocket?: boolean;
    /** An import route: a raw text file is checked record by record, not whole (input-guard.ts). */
    recordsChecked?: boolean;
  }
}

export const WS_PROTOCOL_PREFIX = 'kefu.bearer.';

export function presentedKey(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new KefuError('UNAUTHORIZED', 'Authorization header: expected "Bearer <api key>"');
    return m[1]!;
  }
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string') {
    const p = proto.split(',').map((s) => s.trim()).find((s) => s.startsWith(WS_PROTOCOL_PREFIX));
    if (p) return p.slice(WS_PROTOCOL_PREFIX.length);
  }
  return null;
}

export const WRITERS: readonly Role[] = ['admin', 'supervisor', 'integrator'];
export const ADMINS: readonly Role[] = ['admin'];

const CACHE_MS = 10_000;

const roleDenied = (role: Role, allowed: readonly Role[]): KefuError =>
  new KefuError('FORBIDDEN', `role ${role} may not do this (allowed: ${allowed.join(', ')})`, { role, allowedRoles: [...allowed] });

export function registerAuth(app: FastifyInstance, keys: KeyRepo, users: UserRepo): void {
  const touched = new Map<string, number>();
  const log = app.log.child({ component: 'auth' }) as Logger;
  // Verified keys are cached briefly (by hash) so a request costs no database round trip; a revoked key stops
  // within CACHE_MS. Sessions are cached for a few seconds; logout and password changes drop the entry.
  // Both stand in for the database while it is unavailable (auth-cache.ts).
  const keyCache = new VerifiedCache<ApiKeyRow>('api key', CACHE_MS, (key) => keys.verify(key), log);
  const sessions = new VerifiedCache<User>('session', 5_000, async (token) => (await users.session(token))?.user ?? null, log);
  const verify = (key: string): Promise<ApiKeyRow | null> => keyCache.get(hashKey(key), key);
  const verifySession = (token: string): Promise<User | null> => sessions.get(hashToken(token), token);
  app.decorate('forgetSession', (token: string) => { sessions.forget(hashToken(token)); });
  app.decorate('forgetAllSessions', () => { sessions.clear(); });
  app.decorate('forgetKeys', () => { keyCache.clear(); });
  // Every operation in the OpenAPI document says who may call it (x-kefu-roles; "public" for no key).
  app.addHook('onRoute', (route) => {
    if (!route.schema || (route.schema as { hide?: boolean }).hide) return;
    const cfg = (route.config ?? {}) as { public?: boolean; roles?: readonly Role[] };
    Object.assign(route.schema, { 'x-kefu-roles': cfg.public === true ? ['public'] : [...(cfg.roles ?? ROLES)] }, cfg.public === true ? { security: [] } : {});
  });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    // No route matched: the not-found handler answers, there is nothing to protect.
    if (req.routeOptions.url === undefined) return;
    const cfg = req.routeOptions.config;
    // Only a WebSocket route takes an upgrade (elsewhere the plugin would upgrade and drop the socket).
    if (isUpgrade(req) && cfg.websocket !== true) throw new KefuError('NOT_FOUND', 'no WebSocket here (the event stream is /api/v1/events)');
    if (cfg.public === true) return;
    const key = presentedKey(req);
    const token = key ? null : sessionToken(req);
    if (token) {
      const user = await verifySession(token);
      if (!user) throw new KefuError('UNAUTHORIZED', 'your session has expired: sign in again');
      const upgrade = isUpgrade(req);
      if ((upgrade || !SAFE_METHODS.has(req.method)) && !sameOrigin(req, upgrade)) {
        throw new KefuError('FORBIDDEN', upgrade ? 'a signed-in event stream must be opened by the console itself (Origin)' : 'a signed-in change must come from the console itself');
      }
      req.principal = { keyId: `user:${user.id}`, role: user.role, name: user.displayName, user, agentId: user.agentId };
      if (cfg.roles && !cfg.roles.includes(user.role)) throw roleDenied(user.role, cfg.roles);
      return;
    }
    if (!key) throw new KefuError('UNAUTHORIZED', 'missing API key: send "Authorization: Bearer <api key>" or sign in');
    const row = await verify(key);
    if (!row) throw new KefuError('UNAUTHORIZED', 'unknown or revoked API key');
    req.principal = { keyId: row.id, role: row.role, name: row.name, agentId: row.agent_id };
    if (cfg.roles && !cfg.roles.includes(row.role)) {
      throw roleDenied(row.role, cfg.roles);
    }
    const now = Date.now();
    if ((touched.get(row.id) ?? 0) < now - 60_000) {
      touched.set(row.id, now);
      keys.touch(row.id).catch(() => undefined);
    }
  });
}
