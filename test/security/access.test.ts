/**
 * Deny by default, checked from outside: every row of docs/access.md (the
 * one table of who may do what), under many spellings of its path, with no
 * credentials, an API key of every role and a console session of every role,
 * over a plain socket so the request target reaches the server as written.
 * Plus ownership (an agent acts on their own state and calls only), key
 * revocation, and the event stream's WebSocket upgrade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import WebSocket from 'ws';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT } from '../helpers/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import type { Role } from '../../src/db/repos/keys.ts';
import { rawRequest, type RawResponse } from './raw-http.ts';

/** Console users have these roles (integrators use keys). */
const USER_ROLES = ['admin', 'supervisor', 'agent'] as const;
type UserRole = typeof USER_ROLES[number];
const BOOT = 'kefu_access_admin_key_0123456789';

interface Row { method: string; path: string; who: 'public' | Role[] }

/** docs/access.md, the table. */
function accessTable(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(ROOT, 'docs/access.md'), 'utf8').split('\n')) {
    const m = /^\| (GET|POST|PUT|PATCH|DELETE) \| (\S+) \| ([a-z, ]+) \|$/.exec(line);
    if (!m) continue;
    const who = m[3]!.split(',').map((s) => s.trim());
    rows.push({ method: m[1]!, path: m[2]!, who: who[0] === 'public' ? 'public' : who as Role[] });
  }
  return rows;
}

/** A concrete path: parameters filled with values that name nothing. */
const concrete = (path: string): string => path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'scope' ? 'line' : name === 'version' ? '1' : randomUUID()));

/** The same path written the ways an attacker (or a sloppy proxy) would write it. */
function spellings(path: string, port: number): string[] {
  const segs = path.split('/').slice(1);
  const enc = (s: string, upper = false) => s.replace(/^[a-z]/i, (c) => `%${c.charCodeAt(0).toString(16)}`).replace(/%[0-9a-f]{2}/, (h) => (upper ? h.toUpperCase() : h));
  const join2 = (parts: string[]) => `/${parts.join('/')}`;
  const out = [
    path,
    join2([enc(segs[0]!), ...segs.slice(1)]),
    join2([...segs.slice(0, -1), enc(segs.at(-1)!, true)]),
    join2(segs.map((s) => s.split('').map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''))),
    `/${path}`,
    path.replace('/v1/', '//v1/'),
    path.replace('/v1/', '/./v1/'),
    path.replace('/v1/', '/x/../v1/'),
    path.replace('/v1/', '/%2e/v1/'),
    path.replace('/v1/', '/x/%2e%2e/v1/'),
    path.replace('api/v1', 'api%2Fv1'),
    path.toUpperCase(),
    path.replace('/api/', '/API/'),
    `http://127.0.0.1:${port}${path}`,
    `http://elsewhere.example${path}`,
    `${path}/`,
    `${path}?x=1`,
    `${path};x=1`,
  ];
  return [...new Set(out)];
}

/** Runs fn over items, at most n at once. */
async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe(`access table on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  let daemon: Daemon;
  let port: number;
  const keys = new Map<Role | 'none', string | null>([['none', null]]);
  const cookies = new Map<UserRole, string>();
  const rows = accessTable();

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'kefu-access-'));
    const config = loadConfig({ overrides: { database: { url: db.url }, dataDir: dir, http: { port: 0 }, log: { level: 'silent' } } });
    daemon = await startDaemon({ config, logger: pino({ level: 'silent' }), bootstrapKey: BOOT, adminPassword: 'access-admin-pw-1' });
    port = Number(new URL(daemon.url).port);
    const { repos } = daemon.ctx;
    for (const id of ['li-na', 'wang-wei']) await repos.acd.createAgent({ id, name: id });
    await daemon.ctx.agents.load();
    keys.set('admin', BOOT);
    for (const role of ['supervisor', 'agent', 'integrator'] as const) {
      keys.set(role, (await repos.keys.create(role, `${role} key`, { agentId: role === 'agent' ? 'li-na' : null })).key);
    }
    for (const role of USER_ROLES) {
      const u = await repos.users.create({ username: `u-${role}`, displayName: role, role, agentId: role === 'agent' ? 'li-na' : null, passwordHash: 'x' });
      cookies.set(role, `kefu_session=${(await repos.users.startSession(u.id, 1)).token}`);
    }
  });
  afterAll(async () => {
    await daemon?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const send = (method: string, target: string, auth: { key?: string | null; cookie?: string; origin?: string }): Promise<RawResponse> => {
    const headers: Record<string, string> = {};
    if (auth.key) headers.authorization = `Bearer ${auth.key}`;
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.origin) headers.origin = auth.origin;
    const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    if (withBody) headers['content-type'] = 'application/json';
    return rawRequest(port, { method, target, headers, ...(withBody ? { body: '{}' } : {}) });
  };
  const roleDenied = (r: RawResponse) => r.status === 403 && (JSON.parse(r.body) as { error: { details?: { allowedRoles?: unknown } } }).error.details?.allowedRoles !== undefined;

  it('lists every operation of the OpenAPI document, with the roles each route declares', () => {
    const doc = daemon.app.swagger() as { paths: Record<string, Record<string, { 'x-kefu-roles'?: string[] }>> };
    const declared = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${path} ${(op['x-kefu-roles'] ?? []).slice().sort().join(',')}`)).sort();
    const table = rows.filter((r) => doc.paths[r.path]).map((r) => `${r.method} ${r.path} ${(r.who === 'public' ? ['public'] : r.who.slice()).sort().join(',')}`).sort();
    expect(table).toEqual(declared);
    expect(rows.length).toBeGreaterThan(80);
  });

  it('answers every spelling of every route as the table says, for keys of every role', async () => {
    const wrong: string[] = [];
    let reached = 0;
    for (const row of rows) {
      if (row.path === '/api/v1/events') continue; // the WebSocket: below
      const path = concrete(row.path);
      // one row's spellings and callers, a few at a time (each on its own connection); the rows one after another
      const tries = spellings(path, port).flatMap((target) => [...keys].map(([who, key]) => ({ target, who, key })));
      await inParallel(tries, 6, async ({ target, who, key }) => {
        const r = await send(row.method, target, { key });
        const allowed = row.who === 'public' || (who !== 'none' && row.who.includes(who));
        const denied = r.status === 401 || roleDenied(r);
        if (r.status >= 500) wrong.push(`${row.method} ${target} as ${who}: ${r.status} ${r.body.slice(0, 120)}`);
        else if (target === path && allowed === denied) wrong.push(`${row.method} ${target} as ${who}: ${r.status}, expected ${allowed ? 'allowed' : 'denied'}`);
        else if (!allowed && !denied && ![400, 404].includes(r.status)) wrong.push(`${row.method} ${target} as ${who}: ${r.status} for a caller the table denies`);
        if (target !== path && r.status !== 404 && r.status !== 400) reached++;
      });
    }
    expect(wrong).toEqual([]);
    // The odd spellings do reach routes (the router decodes them): the check above is not vacuous.
    expect(reached).toBeGreaterThan(rows.length);
  });

  it('answers console sessions of every role as the table says', async () => {
    const wrong: string[] = [];
    for (const row of rows) {
      // The stream is checked below; signing out would end the sessions the rest of the file uses.
      if (row.path === '/api/v1/events' || row.path === '/api/v1/auth/logout') continue;
      for (const role of USER_ROLES) {
        const r = await send(row.method, concrete(row.path), { cookie: cookies.get(role)!, origin: `http://127.0.0.1:${port}` });
        const allowed = row.who === 'public' || row.who.includes(role);
        if (r.status >= 500 || allowed === (r.status === 401 || roleDenied(r))) wrong.push(`${row.method} ${row.path} as ${role} session: ${r.status} ${r.body.slice(0, 100)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the percent-encoded path of the report is refused: no admin user is created without a key', async () => {
    const r = await send('POST', '/%61pi/v1/users', {});
    expect(r.status).toBe(401);
    const body = JSON.stringify({ username: 'intruder', displayName: 'x', role: 'admin', password: 'intruder-pass-1' });
    const r2 = await rawRequest(port, { method: 'POST', target: '/%61pi/v1/users', headers: { 'content-type': 'application/json' }, body });
    expect(r2.status).toBe(401);
    expect((await daemon.ctx.repos.users.list()).some((u) => u.username === 'intruder')).toBe(false);
    expect((await send('GET', `http://127.0.0.1:${port}/api/v1/users`, {})).status).toBe(401);
  });

  it('opens the event stream only with a key or a session from the console itself, under any spelling', async () => {
    const open = (path: string, opts: { key?: string; cookie?: string; origin?: string }) => new Promise<number>((resolve) => {
      const protocols = ['kefu', ...(opts.key ? [`kefu.bearer.${opts.key}`] : [])];
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, { headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.origin ? { origin: opts.origin } : {}) } });
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
      ws.on('error', () => resolve(-1));
    });
    const me = `http://127.0.0.1:${port}`;
    for (const path of ['/api/v1/events', '/%61pi/v1/events', '/api//v1/events', '/api/v1/./events', '/api/v1/%65vents']) {
      expect([401, 404]).toContain(await open(path, {}));
      expect([403, 404]).toContain(await open(path, { cookie: cookies.get('agent')!, origin: 'http://evil.example' }));
      expect([403, 404]).toContain(await open(path, { cookie: cookies.get('agent')! }));
    }
    expect(await open('/api/v1/events', { key: keys.get('agent')! })).toBe(101);
    expect(await open('/api/v1/events', { cookie: cookies.get('agent')!, origin: me })).toBe(101);
    expect(await open('/%61pi/v1/events', { key: keys.get('integrator')! })).toBe(101);
  });

  it('lets an agent act on their own state and calls only; supervisors on any', async () => {
    const { repos } = daemon.ctx;
    const agentKey = keys.get('agent')!;
    const api = (key: string, method: string, path: string, body?: unknown) =>
      rawRequest(port, { method, target: `/api/v1${path}`, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    // another agent's state
    expect((await api(agentKey, 'POST', '/agents/wang-wei/state', { state: 'paused', reason: 'x' })).status).toBe(403);
    expect((await api(agentKey, 'POST', '/agents/li-na/state', { state: 'paused', reason: 'lunch' })).status).toBe(200);
    expect((await api(keys.get('supervisor')!, 'POST', '/agents/wang-wei/state', { state: 'paused', reason: 'meeting' })).status).toBe(200);
    // an unbound integrator key acts as no agent
    expect((await api(keys.get('integrator')!, 'POST', '/agents/wang-wei/state', { state: 'ready' })).status).toBe(403);
    // another agent's (ended) call: wrap-up, hang-up, play, recording refused; their own: allowed past the ownership check
    const theirs = randomUUID();
    const mine = randomUUID();
    await repos.calls.create({ id: theirs, lineId: 'office', direction: 'inbound', state: 'ended', number: '+8613800138000' });
    await repos.calls.update(theirs, { agentId: 'wang-wei' });
    await repos.calls.create({ id: mine, lineId: 'office', direction: 'inbound', state: 'ended', number: '+8613800138001' });
    await repos.calls.update(mine, { agentId: 'li-na' });
    for (const [path, body] of [[`/calls/${theirs}/wrap-up`, { outcome: 'x' }], [`/calls/${theirs}/hangup`], [`/calls/${theirs}/play`, { text: 'hi' }], [`/calls/${theirs}/recording/start`], [`/calls/${theirs}/claim`, {}]] as const) {
      const r = await api(agentKey, 'POST', path, body);
      expect(r.status, `${path}: ${r.body}`).toBe(403);
    }
    expect((await api(agentKey, 'POST', `/calls/${theirs}/wrap-up`, { outcome: 'x', agentId: 'wang-wei' })).status).toBe(403);
    expect((await repos.calls.get(theirs)).outcome).toBeNull();
    const own = await api(agentKey, 'POST', `/calls/${mine}/wrap-up`, { outcome: 'resolved' });
    expect(own.status, own.body).toBe(200);
    // naming another agent on click-to-dial
    expect((await api(agentKey, 'POST', '/calls', { number: '13800138000', agentId: 'wang-wei' })).status).toBe(403);
    const sup = await api(keys.get('supervisor')!, 'POST', `/calls/${theirs}/wrap-up`, { outcome: 'reviewed', agentId: 'wang-wei' });
    expect(sup.status, sup.body).toBe(200);
  });

  it('revokes keys for good: DELETE /keys/{id}, and KEFU_BOOTSTRAP_KEY does not bring one back', async () => {
    const admin = (method: string, path: string, body?: unknown, key = BOOT) =>
      rawRequest(port, { method, target: `/api/v1${path}`, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const made = await admin('POST', '/keys', { role: 'agent', name: 'desk 2', agentId: 'wang-wei' });
    expect(made.status, made.body).toBe(201);
    const { key, item } = JSON.parse(made.body) as { key: string; item: { id: string; agentId: string } };
    expect(item.agentId).toBe('wang-wei');
    expect((await admin('GET', '/auth/me', undefined, key)).status).toBe(200);
    expect((await admin('POST', '/keys', { role: 'agent', name: 'x', agentId: 'nobody' })).status).toBe(400);
    expect((await admin('DELETE', `/keys/${item.id}`)).status).toBe(204);
    expect((await admin('GET', '/auth/me', undefined, key)).status).toBe(401);
    expect((await admin('DELETE', `/keys/${randomUUID()}`)).status).toBe(404);
    const list = JSON.parse((await admin('GET', '/keys')).body) as { items: Array<{ id: string; revokedAt: string | null }> };
    expect(list.items.find((k) => k.id === item.id)?.revokedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(key);
    // The bootstrap key, revoked, stays revoked across a restart with KEFU_BOOTSTRAP_KEY set.
    const boot = list.items.find((k) => (k as { name?: string }).name === 'bootstrap')!;
    expect((await admin('DELETE', `/keys/${boot.id}`)).status).toBe(204);
    expect((await admin('GET', '/auth/me')).status).toBe(401);
    const config = daemon.ctx.config;
    await daemon.stop();
    daemon = await startDaemon({ config, logger: pino({ level: 'silent' }), bootstrapKey: BOOT, adminPassword: 'access-admin-pw-1' });
    port = Number(new URL(daemon.url).port);
    expect((await admin('GET', '/auth/me')).status).toBe(401);
  });
});
