/**
 * Issue 14, takeover (docs/scale-out.md, "Taking a node over"): two daemons
 * for the lab's pbx on one PostgreSQL, cluster.enabled. Through D1: caller A
 * talks to alice (queue sales), caller B waits in the queue, caller C is in
 * the IVR's menu. SIGKILL D1: D2 takes the node over and every call goes on
 * under D2 with its own call row: A's conversation is never cut (same
 * channels, same bridge, alice still on-call), B waits on in the queue, C
 * hears the menu again, presses 1 and queues. Then bob gets ready on D2 and
 * B is connected to him; A is hung up through D2's API (completed, alice
 * wraps up, the recording D1 started is sealed whole by D2) and alice takes
 * C. Also through D1: D, a click-to-dial conversation (seat 103 and a
 * customer), and E, a caller talking to the office phone (seat 104) the
 * handset node rang: both stay in their bridges under D2 and are hung up
 * through its API. Five calls offered, five records, none interrupted, none
 * left open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { salesMenuFlow } from '../helpers/flows.ts';

const MENU = salesMenuFlow({ id: 'sales', name: 'Sales menu', timeoutMs: 4000 });
// 2: the office phone (seat 104) through the handset node
const FLOW = {
  ...MENU,
  nodes: { ...MENU.nodes, menu: { ...MENU.nodes.menu, options: { 1: 'q', 2: 'office' } }, office: { type: 'handset', seats: ['seat-104'], ringS: 15, fallback: 'bye' } },
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
  let d3: DaemonProcess | undefined;
  const config = (owner: string) => labDaemonConfig(lab, { channels: 6, flow: FLOW.id }, {
    cluster: { enabled: true, node: NODE, owner, leaseS: LEASE_S, renewS: 1 },
    seats: [101, 102, 103, 104].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })),
  });
  const callOf = async (number: string): Promise<CallRow | null> => {
    const r = await sql.query<CallRow>('SELECT id, state, disposition, agent_id, answered_at, ended_at, duration_ms FROM calls WHERE number = $1', [number]);
    return r.rows[0] ?? null;
  };
  const legsOf = async (callId: string): Promise<LegRow[]> =>
    (await sql.query<LegRow>('SELECT kind, channel_id, agent_id, answered_at, ended_at, end_cause FROM call_legs WHERE call_id = $1 ORDER BY started_at, id', [callId])).rows;
  /** The lab pbx's ARI, read directly: is there a mixing bridge with exactly these two channels? */
  const bridgedPair = async (callerChannel: string, agentChannel: string): Promise<boolean> => {
    const bridges = await lab.ari<Array<{ channels: string[] }>>('/bridges');
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
    for (const [id, name] of [['alice', 'Alice'], ['bob', 'Bob']]) expect((await d1.api('POST', '/agents', { id, name })).status).toBe(201);
    expect((await d1.api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: ['alice', 'bob'], settings: { ringTimeoutS: 15, maxWaitS: 300, wrapUpS: 1 } })).status).toBe(201);
    expect((await d1.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    for (const ext of ['101', '102', '103', '104']) await lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: 'tone' });
    // alice takes calls; bob is logged in at his seat but paused (B waits for him)
    expect((await d1.api('POST', '/agents/alice/state', { state: 'ready', seatId: 'seat-101' })).status).toBe(200);
    expect((await d1.api('POST', '/agents/bob/state', { state: 'paused', seatId: 'seat-102', reason: 'break' })).status).toBe(200);
  });

  afterAll(async () => {
    await d1?.stop('SIGKILL');
    for (const d of [d2, d3]) if (d?.child.pid && d.child.exitCode === null) { try { process.kill(d.child.pid, 'SIGCONT'); } catch { /* gone */ } }
    await d3?.stop();
    await d2?.stop();
    await sql?.end();
    await lab?.stop();
    await db?.drop();
  });

  it('SIGKILL D1: the conversation, the queued caller, the caller in the IVR, a caller on the office phone and a click-to-dial conversation all go on under D2 and end completed', async () => {
    // D: click-to-dial from seat 103, its agent and the customer talking in a bridge
    const dial = await d1.api<{ callId: string }>('POST', '/calls', { seatId: 'seat-103', number: '13800000124' });
    expect(dial.status).toBe(202);
    const d = await until('click-to-dial D connected', async () => { const x = await callOf('+8613800000124'); return x?.state === 'connected' ? x : null; }, { timeoutMs: 30_000, detail: () => d1.output().slice(-3000) });
    expect(d.id).toBe(dial.body.callId);
    const dLegs = await until('D\'s two legs answered', async () => { const l = await legsOf(d.id); return l.length === 2 && l.every((x) => x.answered_at) ? l : null; });
    const [dAgent, dCustomer] = [dLegs.find((l) => l.kind === 'agent')!.channel_id, dLegs.find((l) => l.kind === 'outbound')!.channel_id];
    await until('D\'s sides share a bridge', () => bridgedPair(dAgent, dCustomer));
    await until('D is being recorded', async () => (await sql.query("SELECT 1 FROM recordings WHERE call_id = $1 AND state = 'recording'", [d.id])).rows.length === 1);
    // E: a caller who pressed 2, talking to the office phone (seat 104) the handset node rang
    await lab.call({ number: '13800138025', dtmf: '2', preWaitS: 1, holdS: 120 });
    const e = await until('caller E connected to the office phone', async () => { const x = await callOf('+8613800138025'); return x?.state === 'connected' ? x : null; }, { timeoutMs: 30_000, detail: () => d1.output().slice(-3000) });
    const eLegs = await until('E\'s phone answered', async () => { const l = await legsOf(e.id); return l.some((x) => x.kind === 'caller') && l.some((x) => x.kind === 'agent' && x.answered_at) ? l : null; });
    const [eCaller, eSeat] = [eLegs.find((l) => l.kind === 'caller')!.channel_id, eLegs.find((l) => l.kind === 'agent' && l.answered_at)!.channel_id];
    await until('E and the office phone share a bridge', () => bridgedPair(eCaller, eSeat));
    // A talks to alice through D1; B waits in the queue behind; C is in the menu (presses 1 only after the takeover)
    await lab.call({ number: '13800138021', dtmf: '1', preWaitS: 1, holdS: 120 });
    const a = await until('call A connected to alice', async () => { const c = await callOf('+8613800138021'); return c?.state === 'connected' && c.agent_id === 'alice' ? c : null; },
      { timeoutMs: 30_000, detail: () => d1.output().slice(-3000) });
    const aLegs = await until('A\'s agent leg answered', async () => { const l = await legsOf(a.id); return l.some((x) => x.kind === 'agent' && x.answered_at) ? l : null; });
    const callerChannel = aLegs.find((l) => l.kind === 'caller')!.channel_id;
    const agentChannel = aLegs.find((l) => l.kind === 'agent')!.channel_id;
    await until('A\'s caller and alice share a bridge', () => bridgedPair(callerChannel, agentChannel));
    await until('A is being recorded', async () => (await sql.query("SELECT 1 FROM recordings WHERE call_id = $1 AND state = 'recording'", [a.id])).rows.length === 1);
    await lab.call({ number: '13800138022', dtmf: '1', preWaitS: 1, holdS: 120 });
    const b = await until('call B waiting in the queue', async () => { const c = await callOf('+8613800138022'); return c?.state === 'queued' ? c : null; }, { timeoutMs: 30_000 });
    const bQueuedBy = Date.now();
    const cPlacedAt = Date.now();
    await lab.call({ number: '13800138023', dtmf: '1', preWaitS: 16, holdS: 120 });
    const c = await until('call C in the menu', async () => { const x = await callOf('+8613800138023'); return x?.answered_at ? x : null; }, { timeoutMs: 30_000 });

    const events = await eventClient(d2.url);
    const killedAt = Date.now();
    await d1.stop('SIGKILL');
    await until('D2 owns the node', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2', [NODE, 'd2'])).rows.length === 1,
      { timeoutMs: (LEASE_S + 10) * 1000, intervalMs: 50 });
    const ownedMs = Date.now() - killedAt;
    await until('D2 took the calls over', () => /"conversations":1,"queued":1,"ivr":1,"handset":1,"dialled":1,"campaign":0,"seats":0,"rowless":0,"closed":0[^\n]*node taken over/.test(d2.output()), { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    const keptMs = Date.now() - killedAt;
    // C's key press must come after the takeover, or the test proves nothing about the IVR going on
    expect(Date.now() - cPlacedAt).toBeLessThan(15_000);

    // nothing was closed; A is the same conversation: its two channels still bridged on Asterisk, alice on it on D2, the call active there
    expect((await sql.query('SELECT 1 FROM calls WHERE ended_at IS NULL AND id = ANY($1::uuid[])', [[a.id, b.id, c.id, d.id, e.id]])).rows).toHaveLength(5);
    expect(await bridgedPair(dAgent, dCustomer)).toBe(true);
    expect(await bridgedPair(eCaller, eSeat)).toBe(true);
    expect((await legsOf(a.id)).filter((l) => l.ended_at === null).map((l) => l.channel_id).sort()).toEqual([callerChannel, agentChannel].sort());
    expect(await bridgedPair(callerChannel, agentChannel)).toBe(true);
    const agentsOnD2 = async () => (await d2.api<{ items: Array<{ id: string; state: string; callId: string | null }> }>('GET', '/agents')).body.items;
    expect((await agentsOnD2()).find((x) => x.id === 'alice')).toMatchObject({ state: 'on-call', callId: a.id });
    const active = await d2.api<{ items: Array<{ id: string }> }>('GET', '/calls/active');
    expect(active.body.items.map((x) => x.id).sort()).toEqual([a.id, b.id, c.id, d.id, e.id].sort());
    // B keeps its wait: D2 counts it from when B entered the queue under D1, not from the takeover
    const asked = Date.now();
    const sales = (await d2.api<{ items: Array<{ queueId: string; waiting: number; longestWaitMs: number }> }>('GET', '/queues')).body.items.find((q) => q.queueId === 'sales');
    expect(sales).toMatchObject({ waiting: 1 });
    expect(sales!.longestWaitMs).toBeGreaterThanOrEqual(asked - bQueuedBy);

    // C presses 1 in the menu D2 plays and joins the queue behind B
    await until('C queued through D2\'s IVR', async () => (await callOf('+8613800138023'))?.state === 'queued', { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });
    // bob gets ready on D2: B, waiting longest, is connected to him
    expect((await d2.api('POST', '/agents/bob/state', { state: 'ready', seatId: 'seat-102' })).status).toBe(200);
    await until('B connected to bob', async () => { const x = await callOf('+8613800138022'); return x?.state === 'connected' && x.agent_id === 'bob'; }, { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });

    // A goes on for a while under D2, then D2's API hangs it up
    await until('3 s of conversation under D2', () => Date.now() - killedAt > keptMs + 3000, { intervalMs: 200 });
    expect((await d2.api('POST', `/calls/${a.id}/hangup`)).status).toBe(202);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === a.id, 20_000);
    expect(ended.data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'alice' && e.data.state === 'wrap-up', 10_000);
    const aEnd = (await callOf('+8613800138021'))!;
    expect(aEnd.disposition).toBe('completed');
    expect(aEnd.duration_ms).toBeGreaterThan(aEnd.ended_at!.getTime() - aEnd.answered_at!.getTime());
    const aLegsEnd = await until('A\'s legs closed', async () => { const l = await legsOf(a.id); return l.every((x) => x.ended_at) ? l : null; });
    // closed by D2 as Asterisk reported them gone (our hang-up), not as interrupted
    expect(aLegsEnd.map((l) => l.kind)).toEqual(['caller', 'agent']);
    for (const l of aLegsEnd) expect(l.end_cause).not.toMatch(/interrupted|asterisk-restart/);
    // the recording D1 started covers the whole conversation and is sealed by D2
    const rec = await until('A\'s recording sealed', async () => {
      const r = await sql.query<{ state: string; duration_ms: number }>('SELECT state, duration_ms FROM recordings WHERE call_id = $1', [a.id]);
      return r.rows[0]?.state === 'ready' ? r.rows[0] : null;
    }, { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    const connectedMs = aEnd.ended_at!.getTime() - aLegsEnd[1]!.answered_at!.getTime();
    expect(rec.duration_ms).toBeGreaterThan(connectedMs - 3000);
    expect(rec.duration_ms).toBeGreaterThan(aEnd.ended_at!.getTime() - killedAt);

    // D, still bridged under D2, is hung up through D2's API: completed, its legs closed as Asterisk reported them gone
    expect(await bridgedPair(dAgent, dCustomer)).toBe(true);
    expect((await d2.api('POST', `/calls/${d.id}/hangup`)).status).toBe(202);
    const dEnded = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === d.id, 20_000);
    expect(dEnded.data.disposition).toBe('completed');
    const dLegsEnd = await until('D\'s legs closed', async () => { const l = await legsOf(d.id); return l.every((x) => x.ended_at) ? l : null; });
    for (const l of dLegsEnd) expect(l.end_cause).not.toMatch(/interrupted|asterisk-restart/);
    // the recording D1 started is sealed by D2 (not repaired as a crash's)
    await until('D\'s recording sealed', async () => (await sql.query("SELECT 1 FROM recordings WHERE call_id = $1 AND state = 'ready'", [d.id])).rows.length === 1, { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });

    // E, still bridged to the office phone under D2, is hung up through D2's API: completed, the phone hung up too
    expect(await bridgedPair(eCaller, eSeat)).toBe(true);
    expect((await d2.api('POST', `/calls/${e.id}/hangup`)).status).toBe(202);
    expect((await events.waitFor((x) => x.type === 'call.ended' && x.data.callId === e.id, 20_000)).data.disposition).toBe('completed');
    const eLegsEnd = await until('E\'s legs closed', async () => { const l = await legsOf(e.id); return l.every((x) => x.ended_at) ? l : null; });
    for (const l of eLegsEnd.filter((x) => x.answered_at)) expect(l.end_cause).not.toMatch(/interrupted|asterisk-restart/);

    // alice, ready again after her wrap-up, takes C
    await until('C connected to alice', async () => { const x = await callOf('+8613800138023'); return x?.state === 'connected' && x.agent_id === 'alice'; }, { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });
    for (const x of [b, c]) expect((await d2.api('POST', `/calls/${x.id}/hangup`)).status).toBe(202);
    const rows = await until('every call closed', async () => {
      const r = await sql.query<{ number: string; disposition: string | null; agent_id: string | null; ended_at: Date | null }>('SELECT number, disposition, agent_id, ended_at FROM calls ORDER BY number');
      return r.rows.every((x) => x.ended_at) ? r.rows : null;
    }, { timeoutMs: 20_000 });
    expect(rows.map((x) => [x.number, x.disposition, x.agent_id])).toEqual([
      ['+8613800000124', 'completed', null], ['+8613800138021', 'completed', 'alice'], ['+8613800138022', 'completed', 'bob'], ['+8613800138023', 'completed', 'alice'],
      ['+8613800138025', 'completed', null],
    ]);
    const interruptedLegs = await sql.query("SELECT 1 FROM call_legs WHERE end_cause = 'interrupted' AND answered_at IS NOT NULL");
    expect(interruptedLegs.rows).toHaveLength(0);
    events.close();
    console.log(`takeover figures: SIGKILL D1 -> D2 owner ${ownedMs} ms; -> calls taken over ${keptMs} ms; A went on ${aEnd.ended_at!.getTime() - killedAt} ms after the kill; A's recording ${rec.duration_ms} ms (connected ${connectedMs} ms); calls offered 5, records 5, interrupted 0, open 0`);
  });

  it('a daemon that wins the node back under a new epoch drops what it remembers: the calls go on as the rows say, agents keep their calls', async () => {
    // D2 owns the node (epoch 2) since the first case; D3 stands by
    d3 = await startDaemonProcess({ databaseUrl: db.url, config: config('d3') });
    const lease = async () => (await sql.query<{ owner: string; epoch: number }>('SELECT owner, epoch::int AS epoch FROM node_lease WHERE node = $1', [NODE])).rows[0]!;
    expect(await lease()).toMatchObject({ owner: 'd2', epoch: 2 });
    const stateOf = async (d: DaemonProcess, id: string) => (await d.api<{ items: Array<{ id: string; state: string; callId: string | null }> }>('GET', '/agents')).body.items.find((x) => x.id === id);
    const connectedTo = (number: string, agent: string, d: DaemonProcess) => until(`${number} connected to ${agent}`, async () => { const c = await callOf(number); return c?.state === 'connected' && c.agent_id === agent ? c : null; },
      { timeoutMs: 30_000, detail: () => d.output().slice(-3000) });
    /** The call's caller and agent channels, once they share a bridge. */
    const bridged = (callId: string) => until(`call ${callId} bridged`, async () => {
      const l = await legsOf(callId);
      const pair = [l.find((z) => z.kind === 'caller' && !z.ended_at)?.channel_id, l.find((z) => z.kind === 'agent' && z.answered_at && !z.ended_at)?.channel_id];
      return pair[0] && pair[1] && await bridgedPair(pair[0], pair[1]) ? pair as [string, string] : null;
    });
    for (const a of ['alice', 'bob']) await until(`${a} ready after the first case`, async () => (await stateOf(d2, a))?.state === 'ready', { timeoutMs: 20_000 });
    // X talks to alice and W to bob, both through D2
    expect((await d2.api('POST', '/agents/bob/state', { state: 'paused', seatId: 'seat-102', reason: 'break' })).status).toBe(200);
    await lab.call({ number: '13800138031', dtmf: '1', preWaitS: 1, holdS: 300 });
    const x = await connectedTo('+8613800138031', 'alice', d2);
    const xPair = await bridged(x.id);
    expect((await d2.api('POST', '/agents/bob/state', { state: 'ready', seatId: 'seat-102' })).status).toBe(200);
    await lab.call({ number: '13800138033', dtmf: '1', preWaitS: 1, holdS: 300 });
    const w = await connectedTo('+8613800138033', 'bob', d2);
    await bridged(w.id);

    // D2 stalls: D3 takes the node (epoch 3) with both; W ends under D3 and bob, ready again, takes Y
    process.kill(d2.child.pid!, 'SIGSTOP');
    await until('D3 took X and W over', () => /"conversations":2[^\n]*node taken over/.test(d3!.output()), { timeoutMs: (LEASE_S + 20) * 1000, detail: () => d3!.output().slice(-3000) });
    expect(await lease()).toMatchObject({ owner: 'd3', epoch: 3 });
    expect((await d3.api('POST', `/calls/${w.id}/hangup`)).status).toBe(202);
    const wEnded = await until('W ended under D3', async () => { const c = await callOf('+8613800138033'); return c?.ended_at ? c : null; }, { timeoutMs: 20_000 });
    expect(wEnded.disposition).toBe('completed');
    await lab.call({ number: '13800138032', dtmf: '1', preWaitS: 1, holdS: 300 });
    const y = await connectedTo('+8613800138032', 'bob', d3);
    const yPair = await bridged(y.id);

    // D3 stalls too, until its lease has run out; then D2 wakes up and wins the node back at once, under a new epoch, before any
    // renewal of its own was refused (that would make it forget its calls first: test/asterisk/lease.test.ts). Its memory says
    // alice talks to X (true) and bob to W (over: bob talks to Y)
    const eventMark = Number((await sql.query<{ id: string | null }>('SELECT max(id) AS id FROM event_log')).rows[0]!.id ?? 0);
    process.kill(d3.child.pid!, 'SIGSTOP');
    await until('D3\'s lease ran out', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND expires_at < now()', [NODE])).rows.length === 1,
      { timeoutMs: (LEASE_S + 10) * 1000, intervalMs: 100 });
    const d2Mark = d2.output().length;
    process.kill(d2.child.pid!, 'SIGCONT');
    await until('D2 won the node back and took X and Y over', () => /"conversations":2[^\n]*"forgotten":2[^\n]*node taken over/.test(d2.output().slice(d2Mark)),
      { timeoutMs: (LEASE_S + 20) * 1000, detail: () => d2.output().slice(d2Mark).slice(-4000) });
    expect(await lease()).toMatchObject({ owner: 'd2', epoch: 4 });
    // alice is still on X and bob on Y (not wrapping up W); both conversations are the same channels in the same bridges; W's row is as D3 closed it
    expect(await stateOf(d2, 'alice')).toMatchObject({ state: 'on-call', callId: x.id });
    expect(await stateOf(d2, 'bob')).toMatchObject({ state: 'on-call', callId: y.id });
    expect(await bridged(x.id)).toEqual(xPair);
    expect(await bridged(y.id)).toEqual(yPair);
    expect(await callOf('+8613800138033')).toEqual(wEnded);

    // X and Y end through D2: alice and bob wrap up once each, for them
    for (const c of [x, y]) expect((await d2.api('POST', `/calls/${c.id}/hangup`)).status).toBe(202);
    const ended = await until('X and Y ended under D2', async () => {
      const r = await sql.query<{ number: string; disposition: string | null; agent_id: string | null }>('SELECT number, disposition, agent_id FROM calls WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL ORDER BY number', [[x.id, y.id]]);
      return r.rows.length === 2 ? r.rows : null;
    }, { timeoutMs: 20_000 });
    expect(ended.map((r) => [r.number, r.disposition, r.agent_id])).toEqual([['+8613800138031', 'completed', 'alice'], ['+8613800138032', 'completed', 'bob']]);
    for (const a of ['alice', 'bob']) await until(`${a} ready again`, async () => (await stateOf(d2, a))?.state === 'ready', { timeoutMs: 20_000 });
    const states = await sql.query<{ agent: string; state: string; call: string | null }>(
      "SELECT data->>'agentId' AS agent, data->>'state' AS state, data->>'callId' AS call FROM event_log WHERE id > $1 AND type = 'agent.state' ORDER BY id", [eventMark]);
    for (const [a, call] of [['alice', x.id], ['bob', y.id]] as const) {
      const mine = states.rows.filter((r) => r.agent === a);
      // the takeover may announce the conversation that goes on once more, first (D2 held another call for bob): on-call, with that call
      const after = mine.slice(mine.findIndex((r) => !(r.state === 'on-call' && r.call === call)));
      expect(after.map((r) => r.state), `${a}: ${JSON.stringify(mine)}`).toEqual(['wrap-up', 'ready']);
    }
    for (const c of [x, y]) {
      const legs = await until(`the legs of ${c.id} closed`, async () => { const l = await legsOf(c.id); return l.every((z) => z.ended_at) ? l : null; });
      for (const l of legs.filter((z) => z.answered_at)) expect(l.end_cause).not.toMatch(/interrupted|asterisk-restart/);
    }
    process.kill(d3.child.pid!, 'SIGCONT');
  });
});
