/**
 * The quick tour's desk works for the admin: the first start links the user
 * "admin" to agent "admin"; an install made before that rule gets the link at
 * its next start; an admin already linked elsewhere keeps it. Through the
 * real daemon: the admin signs in working as an agent, and a supervisor with
 * no agent starts working the desk as their own one, never someone else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import type { Repos } from '../../src/db/repos/index.ts';
import { ensureAdminAgent, ensureAdminUser } from '../../src/services/bootstrap.ts';
import { startDaemonProcess, TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';

describe(`admin works the desk on ${testDbKind()}`, () => {
  let m: MigratedDb;
  let repos: Repos;
  beforeAll(async () => {
    m = await migratedDb();
    repos = m.repos;
  });
  afterAll(async () => { await m.close(); });

  it('links the first-start admin to agent "admin", once', async () => {
    await ensureAdminUser(repos.users, 'first-pass-1', () => undefined);
    expect(await ensureAdminAgent(repos.users, repos.acd)).toBe('admin');
    const admin = (await repos.users.list()).find((u) => u.username === 'admin')!;
    expect(admin.agentId).toBe('admin');
    expect((await repos.acd.agents()).map((a) => [a.id, a.name])).toEqual([['admin', 'Administrator']]);
    expect(await ensureAdminAgent(repos.users, repos.acd)).toBeNull();
  });

  it('links an existing install whose admin works as no agent; keeps an admin linked elsewhere', async () => {
    const admin = (await repos.users.list()).find((u) => u.username === 'admin')!;
    await repos.users.update(admin.id, { agentId: null });
    expect(await ensureAdminAgent(repos.users, repos.acd)).toBe('admin');
    expect((await repos.users.get(admin.id)).agentId).toBe('admin');
    expect((await repos.acd.agents()).length).toBe(1);

    await repos.acd.createAgent({ id: 'front-desk', name: 'Front desk' });
    await repos.users.update(admin.id, { agentId: 'front-desk' });
    expect(await ensureAdminAgent(repos.users, repos.acd)).toBeNull();
    expect((await repos.users.get(admin.id)).agentId).toBe('front-desk');
  });

  it('leaves agent "admin" to the user who works as it', async () => {
    const admin = (await repos.users.list()).find((u) => u.username === 'admin')!;
    await repos.users.update(admin.id, { agentId: null });
    await repos.users.create({ username: 'li.na', displayName: 'Li Na', role: 'agent', agentId: 'admin', passwordHash: 'x' });
    expect(await ensureAdminAgent(repos.users, repos.acd)).toBeNull();
    expect((await repos.users.get(admin.id)).agentId).toBeNull();
  });
});

describe('the desk for every user of a single-line install (real daemon)', () => {
  let daemon: DaemonProcess;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    daemon = await startDaemonProcess({ databaseUrl: fresh.url });
  });
  afterAll(async () => { await daemon?.stop(); await drop?.(); });

  const session = async (username: string, password: string) => {
    const login = await fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: daemon.url }, body: JSON.stringify({ username, password }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    return async <T>(method: string, path: string) => {
      const res = await fetch(`${daemon.url}/api/v1${path}`, { method, headers: { cookie, origin: daemon.url } });
      return { status: res.status, body: (await res.json()) as T };
    };
  };

  it('the admin signs in working as agent "admin", who can go ready', async () => {
    const admin = await session('admin', TEST_ADMIN_PASSWORD);
    const s = await admin<{ user: { agentId: string | null } }>('GET', '/auth/session');
    expect(s.body.user.agentId).toBe('admin');
    expect((await daemon.api('POST', '/agents/admin/state', { state: 'ready' })).status).toBe(200);
  });

  it('a supervisor without an agent starts working as their own; an API key cannot', async () => {
    expect((await daemon.api('POST', '/users', { username: 'chen.jie', displayName: 'Chen Jie', role: 'supervisor', password: 'super-pass-1' })).status).toBe(201);
    const sup = await session('chen.jie', 'super-pass-1');
    const r = await sup<{ agentId: string }>('POST', '/users/me/agent');
    expect(r).toMatchObject({ status: 200, body: { agentId: 'chen-jie' } });
    expect((await sup<{ user: { agentId: string } }>('GET', '/auth/session')).body.user.agentId).toBe('chen-jie');
    expect((await sup<{ agentId: string }>('POST', '/users/me/agent')).body.agentId).toBe('chen-jie');
    expect((await daemon.api('POST', '/users/me/agent')).status).toBe(400);
  });

  it('never hands out an agent another user works as', async () => {
    expect((await daemon.api('POST', '/users', { username: 'chen_jie', displayName: 'Chen Jie 2', role: 'supervisor', password: 'super-pass-2' })).status).toBe(201);
    const other = await session('chen_jie', 'super-pass-2');
    expect((await other('POST', '/users/me/agent')).status).toBe(409);
  });
});
