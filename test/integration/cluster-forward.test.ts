/**
 * Commands reach the node's owner (docs/scale-out.md, "Commands on any
 * daemon"): two daemon processes on one PostgreSQL with cluster.enabled for
 * one Asterisk node. No Asterisk runs (its ARI port refuses): the lease and
 * the forwarding do not need it, and the owner answers the forwarded
 * requests with what it knows (no such live call, 403, 400...). The lab test
 * (test/asterisk/cluster-forward.test.ts) forwards real calls.
 * PGlite: no cluster (GET /cluster says so).
 */
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { startDaemonProcess, TEST_ADMIN_PASSWORD, TEST_KEY, type DaemonProcess } from '../helpers/daemon.ts';
import { until } from '../helpers/wait.ts';

interface Answer { status: number; headers: Headers; body: { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown> }
interface ClusterOut {
  enabled: boolean; daemon: { owner: string; node: string; address: string | null; isOwner: boolean } | null;
  items: Array<{ node: string; owner: string | null; epoch: number; expiresAt: string; expired: boolean; address: string | null; self: boolean }>;
}

async function call(d: DaemonProcess, method: string, path: string, o: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const key = o.key === undefined ? TEST_KEY : o.key;
  const res = await fetch(`${d.url}/api/v1${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) as Answer['body'] : {} };
}

/** A loopback port nothing listens on (the absent Asterisk's ARI). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };

describe(`GET /cluster without a cluster, ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let d: DaemonProcess;
  beforeAll(async () => {
    db = await freshDatabase();
    d = await startDaemonProcess({ databaseUrl: db.url });
  });
  afterAll(async () => { await d?.stop(); await db?.drop(); });

  it('says the cluster is off; admin only', async () => {
    const r = await call(d, 'GET', '/cluster');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ enabled: false, daemon: null, items: [] });
    const made = await call(d, 'POST', '/keys', { body: { role: 'supervisor', name: 'sup' } });
    expect(made.status).toBe(201);
    const denied = await call(d, 'GET', '/cluster', { key: made.body.key as string });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.details).toMatchObject({ role: 'supervisor', allowedRoles: ['admin'] });
  });
});

if (testDbKind() === 'postgres') {
  describe('two daemons for one node: requests that need the owner are forwarded to it', () => {
    const NODE = 'forward-node';
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let sql: pg.Client;
    let d1: DaemonProcess;
    let d2: DaemonProcess;
    let ariPort: number;
    const config = (owner: string) => ({
      lines: [{ id: 'trunk1', driver: 'asterisk', endpoint: 'PJSIP/trunk', channels: 2 }],
      asterisk: { ari: { url: `http://127.0.0.1:${ariPort}`, username: 'u', password: 'p', app: 'kefu' }, ami: { port: ariPort } },
      cluster: { enabled: true, node: NODE, owner, leaseS: 3, renewS: 1, forwardTimeoutS: 1 },
    });
    const lease = async () => (await sql.query<{ owner: string; epoch: number; address: string | null }>('SELECT owner, epoch::int AS epoch, address FROM node_lease WHERE node = $1', [NODE])).rows[0];

    beforeAll(async () => {
      ariPort = await closedPort();
      db = await freshDatabase('postgres');
      d1 = await startDaemonProcess({ databaseUrl: db.url, config: config('d1') });
      sql = new pg.Client({ connectionString: db.url });
      await sql.connect();
      await until('D1 owns the node and advertises its address', async () => (await lease())?.address === d1.url);
      d2 = await startDaemonProcess({ databaseUrl: db.url, config: config('d2') });
    });

    afterAll(async () => {
      for (const d of [d1, d2]) if (d?.child.pid && d.child.exitCode === null) { try { process.kill(d.child.pid, 'SIGCONT'); } catch { /* gone */ } }
      await d1?.stop();
      await d2?.stop();
      await sql?.end();
      await db?.drop();
    });

    it('GET /cluster on both daemons: the owner, its epoch and address, and which daemon is asking', async () => {
      const a = (await call(d1, 'GET', '/cluster')).body as unknown as ClusterOut;
      const b = (await call(d2, 'GET', '/cluster')).body as unknown as ClusterOut;
      expect(a.daemon).toEqual({ owner: 'd1', node: NODE, address: d1.url, isOwner: true });
      expect(b.daemon).toEqual({ owner: 'd2', node: NODE, address: d2.url, isOwner: false });
      expect(a.items).toEqual([expect.objectContaining({ node: NODE, owner: 'd1', epoch: 1, expired: false, address: d1.url, self: true })]);
      expect(b.items).toEqual([expect.objectContaining({ node: NODE, owner: 'd1', epoch: 1, expired: false, address: d1.url, self: false })]);
    });

    it('diagnostics on the standby: the lease (owner, epoch) is current and the owner\'s API answers from here', async () => {
      const r = await call(d2, 'GET', '/diagnostics');
      expect(r.status).toBe(200);
      const checks = r.body.checks as unknown as Array<{ id: string; ok: boolean; detail: string }>;
      expect(checks.find((c) => c.id === 'cluster-lease')).toMatchObject({ ok: true, detail: expect.stringContaining('owned by d1 (epoch 1)') });
      expect(checks.find((c) => c.id === 'cluster-owner')).toMatchObject({ ok: true, detail: `${d1.url} answers` });
    });

    it('the standby forwards: the owner\'s answer comes back as is; writes reach the owner; reads and other routes stay local', async () => {
      const id = randomUUID();
      const direct = await call(d1, 'POST', `/calls/${id}/hangup`);
      const forwarded = await call(d2, 'POST', `/calls/${id}/hangup`);
      expect(direct.status).toBe(404);
      expect(forwarded.status).toBe(404);
      expect(forwarded.body).toEqual(direct.body);
      expect(forwarded.headers.get('kefu-forwarded-to')).toBe('d1');
      expect(direct.headers.get('kefu-forwarded-to')).toBeNull();
      // a body the owner's schema refuses: the owner's 400, naming the field
      const bad = await call(d2, 'POST', '/calls', { body: { seatId: 'seat-1', number: '1', extra: true } });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('kefu-forwarded-to')).toBe('d1');
      expect(bad.body.error?.message).toContain('body.extra');
      // click-to-dial without a seat is no Asterisk command: answered by D2 itself (its body read, kept and parsed there)
      const noSeat = await call(d2, 'POST', '/calls', { body: { number: '13800000001' } });
      expect(noSeat.status).toBe(400);
      expect(noSeat.headers.get('kefu-forwarded-to')).toBeNull();
      expect(noSeat.body.error?.details).toMatchObject({ field: 'body.seatId' });
      // an agent created through D2 is created by D1 (whose ACD and agent board know it at once)
      const made = await call(d2, 'POST', '/agents', { body: { id: 'li-na', name: 'Li Na' } });
      expect(made.status).toBe(201);
      expect(made.headers.get('kefu-forwarded-to')).toBe('d1');
      expect((await call(d1, 'GET', '/agents')).body.items).toEqual([expect.objectContaining({ id: 'li-na', state: 'logged-out' })]);
      // a read is served where it is asked
      const read = await call(d2, 'GET', `/calls/${id}`);
      expect(read.status).toBe(404);
      expect(read.headers.get('kefu-forwarded-to')).toBeNull();
      expect(d1.output()).not.toContain(TEST_KEY);
      expect(d2.output()).not.toContain(TEST_KEY);
    });

    it('click-to-dial naming another node\'s line (lineId) goes to that node\'s owner, from the owner of this node as from its standby', async () => {
      // D3 owns a second node, whose line is trunk2 (its Asterisk unreachable here too: its answer is what D3 says of the dial)
      const d3 = await startDaemonProcess({ databaseUrl: db.url, config: {
        ...config('d3'), lines: [{ id: 'trunk2', driver: 'asterisk', endpoint: 'PJSIP/trunk2', channels: 2 }],
        cluster: { enabled: true, node: 'forward-node-b', owner: 'd3', leaseS: 3, renewS: 1, forwardTimeoutS: 1 },
      } });
      try {
        await until('D3 owns node B and names its line', async () =>
          (await sql.query("SELECT 1 FROM node_lease WHERE node = 'forward-node-b' AND owner = 'd3' AND 'trunk2' = ANY(lines) AND address IS NOT NULL")).rows.length === 1);
        const body = { seatId: 'seat-1', number: '13800000001', lineId: 'trunk2' };
        const direct = await call(d3, 'POST', '/calls', { body });
        for (const d of [d1, d2]) {
          const r = await call(d, 'POST', '/calls', { body });
          expect(r.headers.get('kefu-forwarded-to')).toBe('d3');
          expect([r.status, r.body]).toEqual([direct.status, direct.body]);
        }
        // this node's line, or no line: this node's owner, as before
        expect((await call(d1, 'POST', '/calls', { body: { ...body, lineId: 'trunk1' } })).headers.get('kefu-forwarded-to')).toBeNull();
        expect((await call(d2, 'POST', '/calls', { body: { seatId: 'seat-1', number: '13800000001' } })).headers.get('kefu-forwarded-to')).toBe('d1');
      } finally {
        await d3.stop();
      }
    });

    it('GET /calls/active on any daemon lists every node\'s calls: its own live ones, the others\' as their owners wrote them', async () => {
      const d3 = await startDaemonProcess({ databaseUrl: db.url, config: {
        ...config('d3'), lines: [{ id: 'trunk2', driver: 'asterisk', endpoint: 'PJSIP/trunk2', channels: 2 }],
        cluster: { enabled: true, node: 'forward-node-b', owner: 'd3', leaseS: 3, renewS: 1, forwardTimeoutS: 1 },
      } });
      // the rows the nodes' owners wrote (no Asterisk here): X talking on node B's line, Y queued on node A's, Z over on node B's
      const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
      try {
        await until('D3 owns node B and names its line', async () =>
          (await sql.query("SELECT 1 FROM node_lease WHERE node = 'forward-node-b' AND owner = 'd3' AND 'trunk2' = ANY(lines)")).rows.length === 1);
        await sql.query(`INSERT INTO calls(id, line_id, direction, number, caller_name, state, digits, started_at, answered_at, ended_at) VALUES
          ($1, 'trunk2', 'inbound', '+8613800138201', 'Xu', 'connected', '1', now() - interval '2 minutes', now() - interval '110 seconds', NULL),
          ($2, 'trunk1', 'inbound', '+8613800138202', NULL, 'queued', '', now() - interval '1 minute', now() - interval '55 seconds', NULL),
          ($3, 'trunk2', 'outbound', '+8613800138203', NULL, 'ended', '', now() - interval '3 minutes', NULL, now() - interval '2 minutes')`, [x, y, z]);
        const active = async (d: DaemonProcess) => {
          const r = await call(d, 'GET', '/calls/active');
          expect(r.status).toBe(200);
          return r.body.items as Array<{ id: string; node?: string; lineId: string; state: string; number: string | null; name: string | null; digits: string; answeredAt: string | null }>;
        };
        const xOut = { id: x, node: 'forward-node-b', lineId: 'trunk2', direction: 'inbound', state: 'connected', number: '+8613800138201', name: 'Xu', digits: '1', answeredAt: expect.any(String) };
        const yOut = { id: y, node: NODE, lineId: 'trunk1', direction: 'inbound', state: 'queued', number: '+8613800138202', name: null, digits: '', answeredAt: expect.any(String) };
        // D1 owns node A: its own node's calls from memory (Y is no live call of its), node B's from the database
        expect(await active(d1)).toEqual([expect.objectContaining(xOut)]);
        // D2, node A's standby, drives nothing: both nodes' calls from the database, oldest first
        expect(await active(d2)).toEqual([expect.objectContaining(xOut), expect.objectContaining(yOut)]);
        // D3 owns node B: node A's call from the database
        expect(await active(d3)).toEqual([expect.objectContaining(yOut)]);
      } finally {
        await sql.query('DELETE FROM calls WHERE id = ANY($1::uuid[])', [[x, y, z]]);
        await d3.stop();
      }
    });

    it('authorisation first, on the daemon asked, then again on the owner: the same 401 and 403 from either', async () => {
      const agentKey = (await call(d1, 'POST', '/keys', { body: { role: 'agent', name: 'desk', agentId: 'li-na' } })).body.key as string;
      const id = randomUUID();
      await sql.query("INSERT INTO calls (id, line_id, direction, number, state, disposition, ended_at) VALUES ($1, 'trunk1', 'inbound', '+8613800000001', 'ended', 'completed', now())", [id]);
      // no key: refused by D2 itself, nothing forwarded
      const noKey2 = await call(d2, 'POST', `/calls/${id}/hangup`, { key: null });
      expect(noKey2.status).toBe(401);
      expect(noKey2.headers.get('kefu-forwarded-to')).toBeNull();
      expect(noKey2.body).toEqual((await call(d1, 'POST', `/calls/${id}/hangup`, { key: null })).body);
      // a role the route does not allow (monitor: admin, supervisor): refused by D2 itself
      const role1 = await call(d1, 'POST', `/calls/${id}/monitor`, { key: agentKey, body: { mode: 'listen', seatId: 'seat-1' } });
      const role2 = await call(d2, 'POST', `/calls/${id}/monitor`, { key: agentKey, body: { mode: 'listen', seatId: 'seat-1' } });
      expect([role1.status, role2.status]).toEqual([403, 403]);
      expect(role2.body).toEqual(role1.body);
      expect(role2.headers.get('kefu-forwarded-to')).toBeNull();
      // the role may, the call is not the agent's: D2 forwards, D1 refuses (ownership), the same answer
      const own1 = await call(d1, 'POST', `/calls/${id}/hangup`, { key: agentKey });
      const own2 = await call(d2, 'POST', `/calls/${id}/hangup`, { key: agentKey });
      expect([own1.status, own2.status]).toEqual([403, 403]);
      expect(own2.body).toEqual(own1.body);
      expect(own2.body.error?.message).toContain('is not agent li-na');
      expect(own2.headers.get('kefu-forwarded-to')).toBe('d1');
      // an unknown key: 401 from D2 itself
      expect((await call(d2, 'POST', `/calls/${id}/hangup`, { key: 'kefu_not_a_key_000000000000000000' })).status).toBe(401);
    });

    it('a console session on the standby: its cookie and Origin go to the owner, which checks them the same way', async () => {
      const login = await fetch(`${d2.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const state = (d: DaemonProcess, origin: string | null) => call(d, 'POST', '/agents/li-na/state', { key: null, body: { state: 'paused', reason: 'lunch' }, headers: { cookie, ...(origin ? { origin } : {}) } });
      // from the console's own page (Origin: the daemon asked): forwarded, done on D1
      const done = await state(d2, d2.url);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.headers.get('kefu-forwarded-to')).toBe('d1');
      expect(done.body).toMatchObject({ id: 'li-na', state: 'paused', reason: 'lunch' });
      expect((await call(d1, 'GET', '/agents')).body.items).toEqual([expect.objectContaining({ id: 'li-na', state: 'paused' })]);
      // the same read through D2 is D1's (the live states are the owner's)
      const read = await call(d2, 'GET', '/agents');
      expect(read.headers.get('kefu-forwarded-to')).toBe('d1');
      expect(read.body.items).toEqual([expect.objectContaining({ id: 'li-na', state: 'paused' })]);
      // from another site: refused by D2 itself, like D1 does
      const cross2 = await state(d2, 'http://evil.example');
      const cross1 = await state(d1, 'http://evil.example');
      expect([cross1.status, cross2.status]).toEqual([403, 403]);
      expect(cross2.body).toEqual(cross1.body);
      expect(cross2.headers.get('kefu-forwarded-to')).toBeNull();
      expect(d1.output()).not.toContain(cookie.split('=')[1]);
      expect(d2.output()).not.toContain(cookie.split('=')[1]);
    });

    it('no second hop: a forwarded request that reaches a daemon that is not the owner is refused; the owner takes one', async () => {
      const id = randomUUID();
      const loop = await call(d2, 'POST', `/calls/${id}/hangup`, { headers: { 'kefu-forwarded-by': 'd1' } });
      expect(loop.status).toBe(503);
      expect(loop.body.error).toMatchObject({ code: 'NODE_OWNER_UNAVAILABLE', details: { node: NODE, reason: 'second-hop', forwardedBy: 'd1' } });
      expect(loop.body.error?.message).toContain(NODE);
      const atOwner = await call(d1, 'POST', `/calls/${id}/hangup`, { headers: { 'kefu-forwarded-by': 'd2' } });
      expect(atOwner.status).toBe(404);
    });

    it('forwarded vs direct: added latency over 20 requests', async () => {
      const id = randomUUID();
      const time = async (d: DaemonProcess) => { const t = performance.now(); expect((await call(d, 'POST', `/calls/${id}/hangup`)).status).toBe(404); return performance.now() - t; };
      const direct: number[] = [];
      const forwarded: number[] = [];
      for (let i = 0; i < 20; i++) { direct.push(await time(d1)); forwarded.push(await time(d2)); }
      const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
      console.log(`forward figures (integration, no Asterisk; POST /calls/{id}/hangup, 404): direct to the owner ${f(direct)}; through the standby ${f(forwarded)}`);
    });

    it('owner stalled: 504 NODE_OWNER_TIMEOUT; the standby takes over and runs commands itself; the old owner then forwards to it', async () => {
      const id = randomUUID();
      process.kill(d1.child.pid!, 'SIGSTOP');
      try {
        const timedOut = await call(d2, 'POST', `/calls/${id}/hangup`);
        expect(timedOut.status).toBe(504);
        expect(timedOut.body.error).toMatchObject({ code: 'NODE_OWNER_TIMEOUT', details: { node: NODE, owner: 'd1', reason: 'timeout' } });
        await until('D2 owns the node', async () => (await lease())?.owner === 'd2', { timeoutMs: 15_000 });
        const local = await call(d2, 'POST', `/calls/${id}/hangup`);
        expect(local.status).toBe(404);
        expect(local.headers.get('kefu-forwarded-to')).toBeNull();
      } finally {
        process.kill(d1.child.pid!, 'SIGCONT');
      }
      await until('D1 lets go', () => /node lease: lost/.test(d1.output()), { timeoutMs: 15_000 });
      await until('D2 advertises its address', async () => (await lease())?.address === d2.url);
      const back = await call(d1, 'POST', `/calls/${id}/hangup`);
      expect(back.status).toBe(404);
      expect(back.headers.get('kefu-forwarded-to')).toBe('d2');
    });

    it('owner gone (SIGKILL): 503 NODE_OWNER_UNAVAILABLE (unreachable) until the lease runs out, then the other daemon owns and serves', async () => {
      const id = randomUUID();
      d2.child.kill('SIGKILL');
      await until('D2 exited', () => d2.child.exitCode !== null || d2.child.signalCode !== null);
      // its row still runs for at least leaseS - renewS (2 s): D1 forwards and finds nobody
      const refused = await call(d1, 'POST', `/calls/${id}/hangup`);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'NODE_OWNER_UNAVAILABLE', details: { node: NODE, reason: 'unreachable', owner: 'd2' } });
      // a technician's diagnostics on D1 say so too, with what to check
      const diag = (await call(d1, 'GET', '/diagnostics')).body.checks as unknown as Array<{ id: string; ok: boolean; detail: string; fix: string | null }>;
      const leaseCheck = diag.find((c) => c.id === 'cluster-lease')!;
      // the checks take a moment (the absent Asterisk's timeouts): D2's lease may have run out meanwhile
      if (leaseCheck.detail.includes('owned by d2')) {
        expect(diag.find((c) => c.id === 'cluster-owner')).toMatchObject({ ok: false, detail: expect.stringContaining('not reachable from here'), fix: expect.stringContaining('cluster.advertise') });
      } else {
        expect(leaseCheck.detail).toMatch(/nobody owns it: the lease of d2|owned by d1/);
      }
      await until('D1 owns the node again', async () => (await lease())?.owner === 'd1', { timeoutMs: 15_000 });
      const local = await call(d1, 'POST', `/calls/${id}/hangup`);
      expect(local.status).toBe(404);
      expect(local.headers.get('kefu-forwarded-to')).toBeNull();
    });
  });
}
