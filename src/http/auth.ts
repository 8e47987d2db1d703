/**
 * API keys with roles. `Authorization: Bearer <key>` on every /api/v1 route
 * (the WebSocket may instead offer the key as the subprotocol
 * "kefu.bearer.<key>", since browsers cannot set headers there; keys never go
 * in URLs). A route lists the roles it allows in `config.roles`; none listed
 * means every authenticated role.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KefuError } from '../core/errors.ts';
import { hashKey, type ApiKeyRow, type KeyRepo, type Role } from '../db/repos/keys.ts';

export interface Principal { keyId: string; role: Role; name: string }

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
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

export function registerAuth(app: FastifyInstance, keys: KeyRepo): void {
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
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config;
    if (!req.url.startsWith('/api/') || cfg.public) return;
    const key = presentedKey(req);
    if (!key) throw new KefuError('UNAUTHORIZED', 'missing API key: send "Authorization: Bearer <api key>"');
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
