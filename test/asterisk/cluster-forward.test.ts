/**
 * Commands reach the node's owner (docs/scale-out.md, "Commands on any
 * daemon"), on the real Asterisk lab and PostgreSQL 15: D1 owns the lab's
 * pbx (ARI open), D2 stands by (no ARI). Click-to-dial, a refused agent and
 * the hang-up are all sent to D2's API: D2 checks the caller, forwards to
 * D1, and D1 drives the channels; the call record and its legs say so.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, TEST_KEY, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';

const NODE = 'lab-pbx';
const SEAT = 'seat-105';

interface Answer<T = Record<string, unknown>> { status: number; headers: Headers; body: T & { error?: { code: string; message: string; details?: Record<string, unknown> } } }

async function call<T = Record<string, unknown>>(d: DaemonProcess, method: string, path: string, o: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const res = await fetch(`${d.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${o.key ?? TEST_KEY}`, ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Answer<T>['body'] };
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const fig = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;

describe('commands on any daemon: D2 (standby) forwards channel commands to D1 (owner)', () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Client;
  let d1: DaemonProcess;
  let d2: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const config = (owner: string) => labDaemonConfig(lab, { channels: 2, flow: 'main' }, {
    seats: [{ id: SEAT, endpoint: 'PJSIP/105' }],
    cluster: { enabled: true, node: NODE, owner, leaseS: 4, renewS: 1 },
  });

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase('postgres');
    d1 = await startDaemonProcess({ databaseUrl: db.url, config: config('d1') });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await waitForLineIdle(d1, 'trunk1');
    await until('D1 advertises its address in the lease row', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2 AND address = $3', [NODE, 'd1', d1.url])).rows.length === 1);
    d2 = await startDaemonProcess({ databaseUrl: db.url, config: config('d2') });
    await lab.carrier.action('Setvar', { Variable: 'AGENT_105', Value: 'answer' });
    // a console on D2: it sees D1's events (the event log) as the call goes
    events = await eventClient(d2.url);
  });

  afterAll(async () => {
    events?.close();
    await d2?.stop();
    await d1?.stop();
    await sql?.end();
    await lab?.stop();
    await db?.drop();
  });

  it('click-to-dial, a refused agent and the hang-up, all sent to D2, run on D1 and the lab', async () => {
    expect((await call<{ state: string }>(d2, 'GET', '/lines/trunk1')).body.state).toBe('offline');
    const cluster = await call<{ daemon: { isOwner: boolean }; items: Array<{ owner: string; address: string; self: boolean }> }>(d2, 'GET', '/cluster');
    expect(cluster.body.daemon.isOwner).toBe(false);
    expect(cluster.body.items).toEqual([expect.objectContaining({ owner: 'd1', address: d1.url, self: false })]);

    // an agent, created through D2 (forwarded: D1's agent board knows it), and a key bound to it
    expect((await call(d2, 'POST', '/agents', { body: { id: 'li-na', name: 'Li Na' } })).status).toBe(201);
    const agentKey = (await call<{ key: string }>(d1, 'POST', '/keys', { body: { role: 'agent', name: 'desk', agentId: 'li-na' } })).body.key;

    // click-to-dial sent to D2: the seat rings on the lab, then the customer; bridged
    const t0 = performance.now();
    const dial = await call<{ callId: string; waiting: boolean }>(d2, 'POST', '/calls', { body: { seatId: SEAT, number: '13800000105' } });
    const dialMs = performance.now() - t0;
    expect(dial.status, JSON.stringify(dial.body)).toBe(202);
    expect(dial.body.waiting).toBe(false);
    expect(dial.headers.get('kefu-forwarded-to')).toBe('d1');
    const callId = dial.body.callId;
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    // the channels are on the lab's pbx, driven by D1
    expect(lab.cli('pbx', 'core show channels concise')).toContain('PJSIP/105');
    const live = await call<{ lineId: string; legs: LegOut[] }>(d2, 'GET', `/calls/${callId}`);
    expect(live.body.lineId).toBe('trunk1');
    expect(live.body.legs.map((l) => [l.kind, l.seatId, l.channelId !== null, l.answeredAt !== null])).toEqual([['agent', SEAT, true, true], ['outbound', null, true, true]]);
    // D2 never opened the node: only D1 can have driven those channels
    expect(d2.output()).not.toContain('opening ARI');

    // an agent without rights on this call: the same 403 from D2 as from D1 (D2 checks the role, D1 the call)
    for (const [path, body] of [[`/calls/${callId}/hangup`, undefined], [`/calls/${callId}/monitor`, { mode: 'listen', seatId: SEAT }]] as const) {
      const viaD1 = await call(d1, 'POST', path, { key: agentKey, body });
      const viaD2 = await call(d2, 'POST', path, { key: agentKey, body });
      expect([viaD1.status, viaD2.status], path).toEqual([403, 403]);
      expect(viaD2.body, path).toEqual(viaD1.body);
    }
    // a request that comes back forwarded to a daemon that is not the owner: refused, not forwarded again
    const loop = await call(d2, 'POST', `/calls/${callId}/hangup`, { headers: { 'kefu-forwarded-by': 'd1' } });
    expect(loop.status).toBe(503);
    expect(loop.body.error).toMatchObject({ code: 'NODE_OWNER_UNAVAILABLE', details: { node: NODE, reason: 'second-hop' } });

    // the hang-up sent to D2 ends the call on the lab
    const hang = await call(d2, 'POST', `/calls/${callId}/hangup`);
    expect(hang.status).toBe(202);
    expect(hang.headers.get('kefu-forwarded-to')).toBe('d1');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 20_000);
    expect(ended.data.disposition).toBe('completed');
    const { legs } = await settledCall<{ legs: LegOut[] }>(d2, callId);
    expect(legs.every((l) => l.endedAt !== null)).toBe(true);
    await until('no channel left on the lab\'s pbx', () => !lab.cli('pbx', 'core show channels concise').includes('PJSIP/105'), { timeoutMs: 10_000 });

    // the same click-to-dial sent to D1 directly, for the figure
    const t1 = performance.now();
    const direct = await call<{ callId: string }>(d1, 'POST', '/calls', { body: { seatId: SEAT, number: '13800000106' } });
    const directMs = performance.now() - t1;
    expect(direct.status).toBe(202);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === direct.body.callId, 30_000);
    expect((await call(d1, 'POST', `/calls/${direct.body.callId}/hangup`)).status).toBe(202);
    await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === direct.body.callId, 20_000);

    // added latency of a forwarded request: 20 channel commands on a call that is not live (404 from D1), direct and through D2
    const gone = randomUUID();
    const time = async (d: DaemonProcess) => { const t = performance.now(); expect((await call(d, 'POST', `/calls/${gone}/hangup`)).status).toBe(404); return performance.now() - t; };
    const viaOwner: number[] = [];
    const viaStandby: number[] = [];
    for (let i = 0; i < 20; i++) { viaOwner.push(await time(d1)); viaStandby.push(await time(d2)); }
    console.log(`forward figures (lab): click-to-dial POST /calls answered 202 in ${dialMs.toFixed(1)} ms through D2 (the first POST /calls of both daemons), ${directMs.toFixed(1)} ms direct to D1 (its second); `
      + `POST /calls/{id}/hangup (404) x20: direct ${fig(viaOwner)}; through D2 ${fig(viaStandby)}`);
    expect(d1.output()).not.toContain(agentKey);
    expect(d2.output()).not.toContain(agentKey);
  });
});
