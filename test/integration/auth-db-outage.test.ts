/**
 * A client let in a moment ago keeps working while the database is down
 * (src/http/auth-cache.ts): its API key or console session, verified before
 * the outage, stands in for the database, so a command that needs no database
 * still runs (here `GET /blacklist/check`, answered from memory; in the HA harness's
 * T4, hang-ups through the API). An unknown key is not let in, and an answer
 * older than STALE_MS no longer stands. The test stops and starts a
 * PostgreSQL server of its own (in both integration projects: PGlite has no
 * outage to make).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPgServer, type PgServer } from '../helpers/pg-server.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { STALE_MS } from '../../src/http/auth-cache.ts';
import { SESSION_COOKIE } from '../../src/http/auth.ts';

const PATH = '/blacklist/check?number=13800138000';

describe('authentication while the database is down', () => {
  let server: PgServer;
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    server = await startPgServer();
    t = await startTestApp({ databaseUrl: server.url });
    const user = await t.repos.users.create({ username: 'sup', displayName: 'Sup', role: 'supervisor', passwordHash: 'x' });
    cookie = `${SESSION_COOKIE}=${(await t.repos.users.startSession(user.id, 8)).token}`;
  });
  afterAll(async () => {
    vi.useRealTimers();
    // teardown: a failed case may leave the server down, so closing the pool can fail; the case has already said why
    await t?.close().catch(() => undefined);
    server?.stop();
  });

  it('a key and a session verified before the outage are still let in; an unknown key is not; an old answer stands no longer', async () => {
    const viaSession = () => t.call('GET', PATH, { key: null, headers: { cookie } });
    expect((await t.call('GET', PATH)).status).toBe(200);
    expect((await viaSession()).status).toBe(200);
    const { key: unknown } = await t.repos.keys.create('admin', 'made, then revoked');
    await t.repos.keys.revoke((await t.repos.keys.list()).find((k) => k.name === 'made, then revoked')!.id);

    vi.useFakeTimers({ toFake: ['Date'] });
    server.down();
    // past the answers' freshness: each request asks the database, which is down
    vi.setSystemTime(Date.now() + 60_000);
    expect((await t.call('GET', PATH)).status).toBe(200);
    expect((await viaSession()).status).toBe(200);
    // a key the database never answered for here cannot be verified: 503, not let in
    const never = await t.call('GET', PATH, { key: unknown });
    expect([never.status, never.body?.error?.code]).toEqual([503, 'DB_UNAVAILABLE']);
    // the answers stand for STALE_MS after they were given
    vi.setSystemTime(Date.now() + STALE_MS);
    expect((await t.call('GET', PATH)).status).toBe(503);
    expect((await viaSession()).status).toBe(503);

    server.up();
    vi.useRealTimers();
    expect((await t.call('GET', PATH)).status).toBe(200);
    expect((await viaSession()).status).toBe(200);
    expect((await t.call('GET', PATH, { key: unknown })).status).toBe(401);
  });
});
