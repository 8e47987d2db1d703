/**
 * The console's API on the real daemon with the demo line: sign-in with
 * sessions, roles, the agent desk (take a call, wrap-up), agent states that
 * survive a restart, screen-pop layouts, statistics, prompt preview, and the
 * console itself served at /.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
interface Res { status: number; body: any; headers: Headers; text: string }

describe(`console API on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let dataDir: string | undefined;

  /** A request as the browser makes it: the session cookie, our own Origin on changes. */
  const as = (cookie: string | null, origin?: string | null) => async (method: string, path: string, body?: unknown): Promise<Res> => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const o = origin === undefined ? daemon.url : origin;
    if (o && method !== 'GET') headers.origin = o;
    const res = await fetch(`${daemon.url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined };
  };
  const signIn = async (username: string, password: string): Promise<{ res: Res; cookie: string }> => {
    const res = await as(null)('POST', '/auth/login', { username, password });
    const set = res.headers.get('set-cookie') ?? '';
    return { res, cookie: set.split(';')[0]! };
  };
  const start = async () => {
    daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo'], ...(dataDir ? { dataDir } : {}) });
    dataDir = daemon.dataDir;
    events = await eventClient(daemon.url);
    await waitForLineIdle(daemon, 'demo');
  };

  beforeAll(async () => {
    db = await freshDatabase();
    await start();
  });
  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await db?.drop();
  });

  let admin = '';
  let agent = '';
  let callId = '';
  let customerId = '';

  it('signs in with a session cookie (HttpOnly, SameSite=Strict); wrong passwords are refused', async () => {
    expect((await signIn('admin', 'not-the-password')).res.status).toBe(401);
    const { res, cookie } = await signIn('admin', TEST_ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    admin = cookie;
    const me = await as(admin)('GET', '/auth/me');
    expect(me.body).toMatchObject({ kind: 'user', role: 'admin', demo: true, pbx: false });
    expect((await as(null)('GET', '/auth/me')).status).toBe(401);
  });

  it('refuses a cookie-authenticated change from another origin', async () => {
    const r = await as(admin, 'http://evil.example')('POST', '/blacklist', { number: '13900000000', direction: 'inbound' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/console/);
  });

  it('admin creates an agent user; the agent works as its own agent and may not manage users', async () => {
    const bad = await as(admin)('POST', '/users', { username: 'Li Na', displayName: 'Li Na', role: 'agent', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.username/);
    expect(bad.body.error.message).toMatch(/body\.password/);
    const r = await as(admin)('POST', '/users', { username: 'li.na', displayName: 'Li Na', role: 'agent', password: 'agent-pass-1' });
    expect(r.status).toBe(201);
    expect(r.body.agentId).toBe('li-na');
    agent = (await signIn('li.na', 'agent-pass-1')).cookie;
    expect((await as(agent)('GET', '/users')).status).toBe(403);
    expect((await as(agent)('GET', '/agents')).body.items.map((a: { id: string }) => a.id)).toContain('li-na');
  });

  it('desk: a ready agent takes a ringing call, wraps it up with an outcome and notes, and is ready again', async () => {
    const c = await daemon.api<{ id: string; company: string | null; tier: string | null }>('POST', '/customers', { name: 'Wang Fang', company: null, tier: null, phones: [{ number: '13800138000' }] });
    customerId = c.body.id;
    expect(c.body).toMatchObject({ company: null, tier: null }); // null stays null (not coerced to "")
    const ready = await as(agent)('POST', '/agents/li-na/state', { state: 'ready' });
    expect(ready.status).toBe(200);
    expect(ready.body.state).toBe('ready');
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'li-na' && e.data.state === 'ready');

    expect((await as(agent)('POST', '/lines/demo/simulate/call', { number: '13800138000', hangupAfterMs: 60_000 })).status).toBe(202);
    const pop = await events.waitFor((e) => e.type === 'screenpop' && (e.data.customer as { name?: string } | null)?.name === 'Wang Fang', 30_000);
    callId = String(pop.data.callId);
    const taken = await as(agent)('POST', `/calls/${callId}/claim`, {});
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ agentId: 'li-na', state: 'on-call', callId });
    // a second agent cannot take the same call twice; the same agent cannot take another while on this one
    expect((await as(agent)('POST', `/calls/${callId}/claim`, {})).status).toBe(409);

    const sp = await as(agent)('GET', `/calls/${callId}/screenpop`);
    expect(sp.status).toBe(200);
    expect(sp.body.customer.name).toBe('Wang Fang');
    expect(sp.body.layout.groups.length).toBeGreaterThan(0);

    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    await daemon.api('POST', '/lines/demo/simulate/hangup');
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'li-na' && e.data.state === 'wrap-up', 30_000);
    const wrap = await as(agent)('POST', `/calls/${callId}/wrap-up`, { outcome: 'resolved', notes: 'asked about the invoice' });
    expect(wrap.status).toBe(200);
    expect(wrap.body).toMatchObject({ agentId: 'li-na', outcome: 'resolved', notes: 'asked about the invoice' });
    expect(wrap.body.wrappedAt).toBeTruthy();
    // (the admin works as agent "admin" too, see ensureAdminAgent)
    expect((await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents')).body.items.find((a) => a.id === 'li-na')).toMatchObject({ state: 'ready' });
    const hist = await daemon.api<{ items: Array<{ kind: string; summary: string; refId: string }> }>('GET', `/customers/${customerId}/interactions`);
    expect(hist.body.items.find((i) => i.kind === 'note')).toMatchObject({ refId: callId, summary: 'resolved: asked about the invoice' });
    const mine = await as(agent)('GET', '/calls?agent=li-na');
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(callId);
  });

  it('screen-pop layouts: per line over the default; bad fields are named', async () => {
    const bad = await as(admin)('PUT', '/screenpop-layouts/default', { groups: [{ title: 'X', fields: ['salary'] }], interactions: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.groups\.0\.fields\.0/);
    expect((await as(agent)('PUT', '/screenpop-layouts/default', { groups: [{ title: 'X', fields: ['name'] }], interactions: 3 })).status).toBe(403);
    expect((await as(admin)('PUT', '/screenpop-layouts/default', { groups: [{ title: 'Who', fields: ['name', 'phones'] }], interactions: 3 })).status).toBe(200);
    expect((await as(admin)('PUT', '/screenpop-layouts/line/demo', { groups: [{ title: 'Demo', fields: ['name', 'attributes.vip'] }], interactions: 1 })).status).toBe(200);
    const resolved = await as(agent)('GET', '/screenpop-layouts/resolve?lineId=demo');
    expect(resolved.body).toMatchObject({ scope: 'line', scopeId: 'demo', layout: { groups: [{ title: 'Demo' }] } });
    expect((await as(agent)('GET', '/screenpop-layouts/resolve?lineId=other')).body.scope).toBe('default');
    const sp = await as(agent)('GET', `/calls/${callId}/screenpop`);
    expect(sp.body.layout.groups[0].title).toBe('Demo');
    expect(sp.body.interactions).toHaveLength(1);
  });

  it('statistics from the call records: by day, by agent, as CSV; a bad time zone is named', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const byAgent = await as(admin)('GET', `/stats/calls?from=${from}&to=${to}&groupBy=agent`);
    expect(byAgent.status).toBe(200);
    // The agent took the call while it rang and the caller hung up later: the agent's call counts, as answered.
    expect(byAgent.body.items.find((r: { key: string }) => r.key === 'li-na')).toMatchObject({ total: 1, answered: 1, abandoned: 0 });
    const byHour = await as(admin)('GET', `/stats/calls?from=${from}&to=${to}&groupBy=hour&timeZone=Asia/Shanghai`);
    expect(byHour.body.items.reduce((n: number, r: { total: number }) => n + r.total, 0)).toBe(1);
    expect(byHour.body.items[0].key).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00$/);
    const csv = await as(admin)('GET', `/stats/calls?from=${from}&to=${to}&groupBy=outcome&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('key,total,answered,abandoned,missed,blocked,voicemail,serviceLevel,averageHandleMs,averageWaitMs,serviceLevelCalls,serviceLevelMet,queued');
    expect(csv.text).toMatch(/\r\nresolved,1,1,0,/);
    const bad = await as(admin)('GET', `/stats/calls?from=${from}&to=${to}&timeZone=Mars/Olympus`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/querystring\.timeZone/);
  });

  it('prompt preview speaks the text as audio/wav', async () => {
    const r = await fetch(`${daemon.url}/api/v1/ivr/prompts/preview`, { method: 'POST', headers: { cookie: agent, origin: daemon.url, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Press one for sales.' }) });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await r.arrayBuffer());
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(8000);
  });

  it('serves the console at /', async () => {
    const r = await fetch(`${daemon.url}/`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<div id="app">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const a = await fetch(`${daemon.url}${asset}`);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('agent states survive a daemon restart; sessions too; logout ends the session', async () => {
    await daemon.stop();
    events.close();
    await start();
    expect((await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents')).body.items.find((a) => a.id === 'li-na')?.state).toBe('ready');
    expect((await as(agent)('GET', '/auth/me')).body.user.username).toBe('li.na');
    expect((await as(agent)('POST', '/auth/logout')).status).toBe(204);
    expect((await as(agent)('GET', '/auth/me')).status).toBe(401);
  });

  it('limits failed sign-ins per username', async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await signIn('li.na', `wrong-${i}`)).res.status;
    expect(last).toBe(429);
    expect((await signIn('admin', TEST_ADMIN_PASSWORD)).res.status).toBe(200);
  });
});
