/**
 * Issue 14, takeover (docs/scale-out.md, "Taking a node over"): two daemons
 * for the lab's pbx on one PostgreSQL, cluster.enabled. A caller talks to an
 * agent through D1's queue; a second caller waits in the queue. SIGKILL D1:
 * D2 takes the node over. The conversation goes on under D2 (same call row,
 * same channels and bridge, the agent still on-call), the waiting caller's
 * call is closed as `interrupted`; a hang-up through D2's API then ends the
 * kept call as `completed`, the agent wraps up on D2, and the recording D1
 * started is sealed by D2 with the whole conversation in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';

const FLOW = {
  id: 'sales', name: 'Straight to sales', entry: 'q',
  nodes: { q: { type: 'queue', queue: 'sales', fallback: 'bye' }, bye: { type: 'hangup' } },
};
const LEASE_S = 4;
const NODE = 'lab-pbx-takeover';

interface CallRow { id: string; state: string; disposition: string | null; agent_id: string | null; answered_at: Date | null; ended_at: Date | null; duration_ms: number | null }
interface LegRow { kind: string; channel_id: string; agent_id: string | null; answered_at: Date | null; ended_at: Date | null; end_cause: string | null }

describe('Asterisk node takeover: SIGKILL the owner mid-conversation', () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Client;
  let d1: DaemonProcess;
  let d2: DaemonProcess;
  const config = (owner: string) => labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, {
    cluster: { enabled: true, node: NODE, owner, leaseS: LEASE_S, renewS: 1 },
    seats: [101, 102].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })),
  });
  const callOf = async (number: string): Promise<CallRow | null> => {
    const r = await sql.query<CallRow>('SELECT id, state, disposition, agent_id, answered_at, ended_at, duration_ms FROM calls WHERE number = $1', [number]);
    return r.rows[0] ?? null;
  };
  const legsOf = async (callId: string): Promise<LegRow[]> =>
    (await sql.query<LegRow>('SELECT kind, channel_id, agent_id, answered_at, ended_at, end_cause FROM call_legs WHERE call_id = $1 ORDER BY started_at, id', [callId])).rows;
  /** The lab pbx's ARI, read directly: is there a mixing bridge with exactly these two channels? */
  const bridgedPair = async (callerChannel: string, agentChannel: string): Promise<boolean> => {
    const e = lab.env;
    const res = await fetch(`${e.KEFU_LAB_PBX_ARI_URL}/ari/bridges`, { headers: { authorization: `Basic ${Buffer.from(`${e.KEFU_LAB_PBX_ARI_USER}:${e.KEFU_LAB_PBX_ARI_PASSWORD}`).toString('base64')}` } });
    const bridges = (await res.json()) as Array<{ channels: string[] }>;
    return bridges.some((b) => b.channels.length === 2 && b.channels.includes(callerChannel) && b.channels.includes(agentChannel));
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase('postgres');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    d1 = await startDaemonProcess({ databaseUrl: db.url, config: config('d1') });
    await waitForLineIdle(d1, 'trunk1');
    d2 = await startDaemonProcess({ databaseUrl: db.url, config: config('d2') });
    expect((await d1.api('POST', '/agents', { id: 'alice', name: 'Alice' })).status).toBe(201);
    expect((await d1.api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: ['alice'], settings: { ringTimeoutS: 15, maxWaitS: 120, wrapUpS: 1 } })).status).toBe(201);
    expect((await d1.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    await lab.carrier.action('Setvar', { Variable: 'AGENT_101', Value: 'tone' });
    expect((await d1.api('POST', '/agents/alice/state', { state: 'ready', seatId: 'seat-101' })).status).toBe(200);
  });

  afterAll(async () => {
    await d1?.stop('SIGKILL');
    await d2?.stop();
    await sql?.end();
    await lab?.stop();
    await db?.drop();
  });

  it('the bridged call goes on under D2 and ends completed, recorded whole; the waiting caller is closed as interrupted', async () => {
    // caller A talks to alice through D1; caller B waits in the queue behind
    await lab.call({ number: '13800138021', preWaitS: 1, holdS: 120 });
    const a = await until('call A connected to alice', async () => { const c = await callOf('+8613800138021'); return c?.state === 'connected' && c.agent_id === 'alice' ? c : null; },
      { timeoutMs: 30_000, detail: () => d1.output().slice(-3000) });
    const aLegs = await until('A\'s agent leg answered', async () => { const l = await legsOf(a.id); return l.some((x) => x.kind === 'agent' && x.answered_at) ? l : null; });
    const callerChannel = aLegs.find((l) => l.kind === 'caller')!.channel_id;
    const agentChannel = aLegs.find((l) => l.kind === 'agent')!.channel_id;
    await until('A\'s caller and alice share a bridge', () => bridgedPair(callerChannel, agentChannel));
    await until('A is being recorded', async () => (await sql.query("SELECT 1 FROM recordings WHERE call_id = $1 AND state = 'recording'", [a.id])).rows.length === 1);
    await lab.call({ number: '13800138022', preWaitS: 1, holdS: 120 });
    const b = await until('call B waiting in the queue', async () => { const c = await callOf('+8613800138022'); return c?.state === 'queued' ? c : null; }, { timeoutMs: 30_000 });

    const events = await eventClient(d2.url);
    const killedAt = Date.now();
    await d1.stop('SIGKILL');
    await until('D2 owns the node', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2', [NODE, 'd2'])).rows.length === 1,
      { timeoutMs: (LEASE_S + 10) * 1000, intervalMs: 50 });
    const ownedMs = Date.now() - killedAt;
    await until('D2 took the conversation over', () => d2.output().includes('conversation taken over: it goes on'), { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    const keptMs = Date.now() - killedAt;

    // B (waiting, no conversation) is closed; A is not
    const bClosed = await until('B closed', async () => { const c = await callOf('+8613800138022'); return c?.ended_at ? c : null; });
    expect(bClosed.disposition).toBe('interrupted');
    expect((await legsOf(b.id)).every((l) => l.end_cause === 'interrupted')).toBe(true);
    const aNow = (await callOf('+8613800138021'))!;
    expect(aNow).toMatchObject({ state: 'connected', ended_at: null, agent_id: 'alice' });
    expect((await legsOf(a.id)).filter((l) => l.ended_at === null).map((l) => l.channel_id).sort()).toEqual([callerChannel, agentChannel].sort());
    // the same two channels are still bridged on Asterisk, the agent is on this call on D2, the call is active there
    expect(await bridgedPair(callerChannel, agentChannel)).toBe(true);
    const alice = (await d2.api<{ items: Array<{ id: string; state: string; callId: string | null }> }>('GET', '/agents')).body.items.find((x) => x.id === 'alice');
    expect(alice).toMatchObject({ state: 'on-call', callId: a.id });
    const active = await d2.api<{ items: Array<{ id: string; state: string }> }>('GET', '/calls/active');
    expect(active.body.items.map((c) => c.id)).toContain(a.id);

    // the conversation goes on for a while under D2, then D2's API hangs it up
    const talkAfterMs = 3000;
    await until('3 s of conversation under D2', () => Date.now() - killedAt > keptMs + talkAfterMs, { intervalMs: 200 });
    expect((await d2.api('POST', `/calls/${a.id}/hangup`)).status).toBe(202);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === a.id, 20_000);
    expect(ended.data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'alice' && e.data.state === 'wrap-up', 10_000);
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'alice' && e.data.state === 'ready', 10_000);
    const aEnd = (await callOf('+8613800138021'))!;
    expect(aEnd.disposition).toBe('completed');
    const spanMs = aEnd.ended_at!.getTime() - aEnd.answered_at!.getTime();
    expect(aEnd.duration_ms).toBeGreaterThan(spanMs);
    const aLegsEnd = await until('A\'s legs closed', async () => { const l = await legsOf(a.id); return l.every((x) => x.ended_at) ? l : null; });
    // closed by D2 as Asterisk reported them gone (our hang-up), not as interrupted
    expect(aLegsEnd.map((l) => l.kind)).toEqual(['caller', 'agent']);
    for (const l of aLegsEnd) expect(l.end_cause).not.toMatch(/interrupted|asterisk-restart/);
    // the recording D1 started covers the whole conversation and is sealed by D2
    const rec = await until('A\'s recording sealed', async () => {
      const r = await sql.query<{ state: string; duration_ms: number }>('SELECT state, duration_ms FROM recordings WHERE call_id = $1', [a.id]);
      return r.rows[0]?.state === 'ready' ? r.rows[0] : null;
    }, { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    const sinceConnected = aEnd.ended_at!.getTime() - aLegsEnd[1]!.answered_at!.getTime();
    expect(rec.duration_ms).toBeGreaterThan(sinceConnected - 3000);
    expect(rec.duration_ms).toBeGreaterThan(aEnd.ended_at!.getTime() - killedAt);
    events.close();
    console.log(`takeover figures: SIGKILL D1 -> D2 owner ${ownedMs} ms; -> conversation kept ${keptMs} ms; conversation went on ${aEnd.ended_at!.getTime() - killedAt} ms after the kill; recording ${rec.duration_ms} ms of ${sinceConnected} ms connected; calls offered 2, records 2, open 0`);
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM calls')).rows[0]!.n)).toBe(2);
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM calls WHERE ended_at IS NULL')).rows[0]!.n)).toBe(0);
  });
});
