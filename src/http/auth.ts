/**
 * Who is calling: an integrator's API key (`Authorization: Bearer <key>`, or
 * on the WebSocket the subprotocol "kefu.bearer.<key>", since browsers cannot
 * set headers there; keys never go in URLs), or a console user's session
 * cookie (HttpOnly, SameSite=Strict; a changing request must come from our
 * own origin). A route lists the roles it allows in `config.roles`; none
 * listed means every authenticated role.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KefuError } from '../core/errors.ts';
import { hashKey, type ApiKeyRow, type KeyRepo, type Role } from '../db/repos/keys.ts';
import { hashToken, type User, type UserRepo } from '../db/repos/users.ts';

export interface Principal {
  /** The API key's id, or "user:<id>" for a console session. */
  keyId: string;
  role: Role;
  name: string;
  /** Console sessions: the signed-in user. */
  user?: User;
}

export const SESSION_COOKIE = 'kefu_session';

/** The session token from the Cookie header, if any. */
export function sessionToken(req: FastifyRequest): string | null {
  const raw = req.headers.cookie;
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('=')) || null;
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie-authenticated change must come from a page of ours (Origin matches Host). */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
  try { return new URL(origin).host === req.headers.host; } catch { return false; }
}

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
  interface FastifyInstance { forgetSession(token: string): void; forgetAllSessions(): void }
  interface FastifyContextConfig { roles?: readonly Role[]; public?: boolean }
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

export function registerAuth(app: FastifyInstance, keys: KeyRepo, users: UserRepo): void {
  const touched = new Map<string, number>();
  // Verified keys are cached briefly (by hash, never the key itself) so a
  // request costs no database round trip; a revoked key stops within CACHE_MS.
  const cache = new Map<string, { row: ApiKeyRow | null; until: number }>();
  const verify = async (key: string): Promise<ApiKeyRow | null> => {
    const h = hashKey(key);
    const hit = cache.get(h);
    if (hit && hit.until > Date.now()) return hit.row;
    const row = await keys.verify(key);
    if (cache.size > 1000) cache.clear();
    cache.set(h, { row, until: Date.now() + CACHE_MS });
    return row;
  };
  // Sessions are cached for a few seconds; logout and password changes drop the entry.
  const sessions = new Map<string, { user: User | null; until: number }>();
  const verifySession = async (token: string): Promise<User | null> => {
    const h = hashToken(token);
    const hit = sessions.get(h);
    if (hit && hit.until > Date.now()) return hit.user;
    const s = await users.session(token);
    if (sessions.size > 1000) sessions.clear();
    sessions.set(h, { user: s?.user ?? null, until: Date.now() + 5_000 });
    return s?.user ?? null;
  };
  app.decorate('forgetSession', (token: string) => { sessions.delete(hashToken(token)); });
  app.decorate('forgetAllSessions', () => { sessions.clear(); });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config;
    if (!req.url.startsWith('/api/') || cfg.public) return;
    const key = presentedKey(req);
    const token = key ? null : sessionToken(req);
    if (token) {
      const user = await verifySession(token);
      if (!user) throw new KefuError('UNAUTHORIZED', 'your session has expired: sign in again');
      if (!SAFE_METHODS.has(req.method) && !sameOrigin(req)) throw new KefuError('FORBIDDEN', 'a signed-in change must come from the console itself');
      req.principal = { keyId: `user:${user.id}`, role: user.role, name: user.displayName, user };
      if (cfg.roles && !cfg.roles.includes(user.role)) throw new KefuError('FORBIDDEN', `role ${user.role} may not do this (allowed: ${cfg.roles.join(', ')})`);
      return;
    }
    if (!key) throw new KefuError('UNAUTHORIZED', 'missing API key: send "Authorization: Bearer <api key>" or sign in');
    const row = await verify(key);
    if (!row) throw new KefuError('UNAUTHORIZED', 'unknown or revoked API key');
    req.principal = { keyId: row.id, role: row.role, name: row.name };
    if (cfg.roles && !cfg.roles.includes(row.role)) {
      throw new KefuError('FORBIDDEN', `role ${row.role} may not do this (allowed: ${cfg.roles.join(', ')})`);
    }
    const now = Date.now();
    if ((touched.get(row.id) ?? 0) < now - 60_000) {
      touched.set(row.id, now);
      keys.touch(row.id).catch(() => undefined);
    }
  });
}
