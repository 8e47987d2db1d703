/**
 * Issue 14, ownership by lease (docs/scale-out.md, "Leases and fencing"): two
 * daemons on one PostgreSQL database, both configured for the lab's pbx with
 * cluster.enabled. D1 holds the node's lease and drives its calls; D2 waits
 * without an ARI socket. SIGSTOP D1: D2 takes the node (epoch bumped), opens
 * ARI, takes D1's call in the IVR over and answers new calls. SIGCONT D1: it
 * lets go, and none of its writes after the takeover is accepted (fenced by
 * the epoch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { statSync } from 'node:fs';
import WebSocket from 'ws';
import { freshDatabase } from '../helpers/db.ts';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { cutProxy, type CutProxy } from '../helpers/cut-proxy.ts';

const FLOW = {
  id: 'lease-menu', name: 'Lease menu', entry: 'hello',
  nodes: {
    hello: { type: 'play', prompt: { text: 'Hello.', voice: 'en-us' }, next: 'menu' },
    menu: { type: 'menu', prompt: { text: 'Press one.', voice: 'en-us' }, options: { 1: 'bye' }, timeoutMs: 4000, retries: 8 },
    bye: { type: 'hangup' },
  },
};
const LEASE_S = 4;
const NODE = 'lab-pbx';

interface LeaseRow { owner: string; epoch: number }
interface CallRow { id: string; number: string | null; state: string; disposition: string | null; answered_at: Date | null; ended_at: Date | null; updated_at: Date }

describe('Asterisk node lease: two daemons, one node, SIGSTOP the owner', () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Client;
  let d1: DaemonProcess;
  let d2: DaemonProcess;
  let d3: DaemonProcess | undefined;
  let d4: DaemonProcess | undefined;
  let d5: DaemonProcess | undefined;
  let relay: CutProxy | undefined;
  const config = (owner: string, leaseS = LEASE_S) => labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, { cluster: { enabled: true, node: NODE, owner, leaseS, renewS: 1 } });
  const lease = async (): Promise<LeaseRow | null> => {
    const r = await sql.query<LeaseRow>('SELECT owner, epoch::int AS epoch FROM node_lease WHERE node = $1', [NODE]);
    return r.rows[0] ?? null;
  };
  const callOf = async (number: string): Promise<CallRow | null> => {
    const r = await sql.query<CallRow>('SELECT id, number, state, disposition, answered_at, ended_at, updated_at FROM calls WHERE number = $1', [number]);
    return r.rows[0] ?? null;
  };
  const pathOf = async (callId: string): Promise<string[]> =>
    ((await sql.query<{ ivr_path: Array<{ node: string }> }>('SELECT ivr_path FROM calls WHERE id = $1', [callId])).rows[0]?.ivr_path ?? []).map((s) => s.node);
  const lineState = async (d: DaemonProcess) => (await d.api<{ state: string }>('GET', '/lines/trunk1')).body.state;
  /** ARI up on `d`: the line is idle, or in a call (D1's call, taken over, may still be on it). */
  const lineUp = (d: DaemonProcess, timeoutMs: number) => until('line trunk1 up (idle or in-call)', async () => ['idle', 'in-call'].includes(await lineState(d)), { timeoutMs, detail: () => d.output().slice(-3000) });

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase('postgres');
    d1 = await startDaemonProcess({ databaseUrl: db.url, config: config('d1') });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    expect((await d1.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    await waitForLineIdle(d1, 'trunk1');
    d2 = await startDaemonProcess({ databaseUrl: db.url, config: config('d2') });
  });

  afterAll(async () => {
    if (d1?.child.pid && d1.child.exitCode === null) { try { process.kill(d1.child.pid, 'SIGCONT'); } catch { /* gone */ } }
    await d1?.stop();
    await d3?.stop();
    await d2?.stop();
    relay?.mend(); // D4 stops with its database back
    await d4?.stop();
    await d5?.stop();
    await relay?.close();
    await sql?.end();
    await lab?.stop();
    await db?.drop();
  });

  it('the owner writes which Asterisk it drives (entity id); diagnostics on the standby check that it reaches the same one', async () => {
    const entityId = (await lab.ari<{ system: { entity_id: string } }>('/asterisk/info')).system.entity_id;
    expect(entityId).toMatch(/\S/);
    await until('D1 wrote the entity id', async () => (await sql.query<{ entity_id: string | null }>('SELECT entity_id FROM node_lease WHERE node = $1', [NODE])).rows[0]?.entity_id === entityId);
    type Diag = { checks: Array<{ id: string; ok: boolean; detail: string; fix: string | null }> };
    const identity = async () => (await d2.api<Diag>('GET', '/diagnostics')).body.checks.find((c) => c.id === 'cluster-node-identity');
    expect(await identity()).toMatchObject({ ok: true, detail: `entity id ${entityId}, the same as the owner's` });
    // a node row that names another Asterisk (a standby configured with the wrong asterisk.ari or cluster.node): named, with the fix
    await sql.query("UPDATE node_lease SET entity_id = 'aa:bb:cc:dd:ee:ff' WHERE node = $1", [NODE]);
    expect(await identity()).toMatchObject({ ok: false, detail: `this daemon's asterisk.ari reaches entity id ${entityId}; the node's owner drives aa:bb:cc:dd:ee:ff`, fix: expect.stringContaining('asterisk.ari.url') });
    await sql.query('UPDATE node_lease SET entity_id = $2 WHERE node = $1', [NODE, entityId]);
  });

  it('D1 owns the node and answers; D2 stands by without ARI; SIGSTOP D1 -> D2 takes over and answers; D1 resumed writes nothing', async () => {
    expect(await lease()).toEqual({ owner: 'd1', epoch: 1 });
    // D2 is up (its API answers) but does not open the node: its line stays offline
    expect(await lineState(d2)).toBe('offline');
    expect(d2.output()).not.toContain('opening ARI');

    // a carrier call reaches the IVR through D1
    await lab.call({ number: '13800138001', preWaitS: 1, holdS: 60 });
    const first = await until('call 1 answered by D1', async () => { const c = await callOf('+8613800138001'); return c?.answered_at ? c : null; }, { detail: () => d1.output().slice(-3000) });
    expect(first.ended_at).toBeNull();
    // its caller leg is written (after the call row) before D1 stalls
    await until('call 1\'s caller leg written', async () => (await sql.query('SELECT 1 FROM call_legs WHERE call_id = $1', [first.id])).rows.length === 1);
    // past the greeting, in the menu: the path in the row says so (written as it grows, in a cluster)
    await until('call 1 in the menu', async () => JSON.stringify(await pathOf(first.id)) === '["hello","menu"]', { timeoutMs: 20_000, detail: () => d1.output().slice(-3000) });

    // D1 stalls
    const stoppedAt = Date.now();
    process.kill(d1.child.pid!, 'SIGSTOP');
    const taken = await until('D2 owns the node', async () => { const l = await lease(); return l?.owner === 'd2' ? l : null; }, { timeoutMs: (LEASE_S + 10) * 1000, intervalMs: 50, detail: () => d2.output().slice(-4000) });
    const takeoverMs = Date.now() - stoppedAt;
    expect(taken.epoch).toBe(2);
    await lineUp(d2, 20_000);
    const ariUpMs = Date.now() - stoppedAt;
    // the call D1 left in the IVR goes on under D2 (at the node it was at: "Taking a node over"), its row still open
    await until('D2 took call 1 over', () => /"as":"ivr"[^\n]*call taken over: it goes on/.test(d2.output()), { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    expect((await callOf('+8613800138001'))!.ended_at).toBeNull();

    // a new call is answered through D2 and gets its record
    const callAt = Date.now();
    await lab.call({ number: '13800138002', preWaitS: 1, holdS: 4 });
    const second = await until('call 2 answered by D2', async () => { const c = await callOf('+8613800138002'); return c?.answered_at ? c : null; }, { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });
    const answeredMs = Date.now() - stoppedAt;
    const placeToAnswerMs = Date.now() - callAt;
    expect((await d2.api<{ id: string; lineId: string }>('GET', `/calls/${second.id}`)).body.lineId).toBe('trunk1');

    // D1 resumes: it notices the lease is gone and closes ARI; its next renewal is refused (D2 owns the node): it forgets its calls
    process.kill(d1.child.pid!, 'SIGCONT');
    await until('D1 lets go of the node and forgets its calls', () => /node lease: lost/.test(d1.output()) && /node lost: closing ARI/.test(d1.output()) && /node owned by another daemon now/.test(d1.output()),
      { timeoutMs: 15_000, detail: () => d1.output().slice(-3000) });
    expect(await lease()).toEqual({ owner: 'd2', epoch: 2 });
    await until('D1 line offline', async () => (await lineState(d1)) === 'offline', { timeoutMs: 10_000 });
    // D1 announced neither the line offline (D2 drives it) nor an end of call 1 (D2 has it)
    const announced = await sql.query<{ type: string; state: string | null }>(
      "SELECT type, data->>'state' AS state FROM event_log WHERE (type = 'line.state' AND data->>'state' = 'offline') OR (type = 'call.ended' AND data->>'callId' = $1)", [first.id]);
    expect(announced.rows).toEqual([]);

    // D1 stops; whatever it still tried to write since the takeover the fence refused (counted, logged at its stop)
    const beforeStop = (await callOf('+8613800138001'))!;
    await d1.stop();
    const refused = /"staleWritesRefused":(\d+)[^\n]*cluster: stopped/.exec(d1.output());
    expect(refused, d1.output().slice(-3000)).not.toBeNull();
    const staleRefused = Number(refused![1]);
    // nothing D1 did after the takeover reached the database: the row is as D2 has it, still open (D2 drives it)
    const after = (await callOf('+8613800138001'))!;
    expect(after.ended_at).toBeNull();
    expect(after.updated_at.getTime()).toBe(beforeStop.updated_at.getTime());
    const d1Legs = await sql.query<{ ended_at: Date | null }>('SELECT l.ended_at FROM call_legs l WHERE l.call_id = $1', [first.id]);
    expect(d1Legs.rows.map((l) => l.ended_at)).toEqual([null]);
    // D2 ends it (through its API): its write lands
    expect((await d2.api('POST', `/calls/${first.id}/hangup`)).status).toBe(202);
    const firstEnded = await until('call 1 ended by D2', async () => { const c = await callOf('+8613800138001'); return c?.ended_at ? c : null; });
    expect(firstEnded.disposition).not.toBe('interrupted');
    // D2 resumed call 1 at the menu, where D1 left it: the greeting was not played again
    expect(await pathOf(first.id)).toEqual(['hello', 'menu', 'menu']);

    // D2 still owns and its call ends normally
    const secondEnded = await until('call 2 ended', async () => { const c = await callOf('+8613800138002'); return c?.ended_at ? c : null; }, { timeoutMs: 30_000 });
    expect(secondEnded.disposition).not.toBe('interrupted');
    console.log(`lease figures: takeover (SIGSTOP -> D2 owner) ${takeoverMs} ms; D2 ARI up (line up) ${ariUpMs} ms; new call answered via D2 ${answeredMs} ms after SIGSTOP (${placeToAnswerMs} ms after it was placed); stale writes refused by D1's fence ${staleRefused}, accepted 0`);
  });

  it('ApplicationReplaced: another connection takes our Stasis app; the owner (D2) closes ARI, gives the row up, and comes back one lease later', async () => {
    const before = (await lease())!;
    expect(before.owner).toBe('d2');
    const e = lab.env;
    const u = new URL('/ari/events', e.KEFU_LAB_PBX_ARI_URL);
    u.protocol = 'ws:';
    u.searchParams.set('app', e.KEFU_LAB_PBX_ARI_APP!);
    const got: string[] = [];
    const intruder = new WebSocket(u, { headers: { authorization: `Basic ${Buffer.from(`${e.KEFU_LAB_PBX_ARI_USER}:${e.KEFU_LAB_PBX_ARI_PASSWORD}`).toString('base64')}` } });
    intruder.on('message', (d: Buffer) => got.push((JSON.parse(d.toString()) as { type: string }).type));
    await new Promise<void>((resolve, reject) => { intruder.once('open', () => resolve()); intruder.once('error', reject); });
    await until('D2 lets go on ApplicationReplaced', () => /ApplicationReplaced/.test(d2.output()) && /"why":"replaced"/.test(d2.output()), { timeoutMs: 10_000, detail: () => d2.output().slice(-3000) });
    await until('D2 line offline', async () => (await lineState(d2)) === 'offline', { timeoutMs: 10_000 });
    // one lease later it takes the node back (same owner: same epoch) and its socket replaces the intruder's
    await lineUp(d2, (LEASE_S + 10) * 1000);
    expect(await lease()).toEqual(before);
    await until('the intruder is replaced in turn', () => got.includes('ApplicationReplaced'), { timeoutMs: 10_000 });
    intruder.close();
  });

  it('one owner per Asterisk: a daemon configured with another cluster.node for the same Asterisk (entity id) wins its row but does not open it', async () => {
    const before = (await lease())!;
    expect(before.owner).toBe('d2');
    await lineUp(d2, 10_000);
    const d2Mark = d2.output().length;
    const alias = 'lab-pbx-alias';
    d3 = await startDaemonProcess({ databaseUrl: db.url, config: labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, { cluster: { enabled: true, node: alias, owner: 'd3', leaseS: LEASE_S, renewS: 1 } }) });
    await until('D3 refuses to open the Asterisk D2 drives', () => /is owned as another cluster.node already: not opening it/.test(d3!.output()), { timeoutMs: 15_000, detail: () => d3!.output().slice(-3000) });
    expect(d3.output()).not.toContain('node owned: opening ARI');
    // it gave its own row up (and tries again a lease later, with the same outcome); D2 keeps the node and its Stasis application
    await until('D3\'s row given up', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND expires_at < now()', [alias])).rows.length === 1);
    expect(await lineState(d3)).toBe('offline');
    expect(await lease()).toEqual(before);
    expect(await lineState(d2)).not.toBe('offline');
    expect(d2.output().slice(d2Mark)).not.toContain('ApplicationReplaced');
    // and D2 still answers calls
    await lab.call({ number: '13800138003', preWaitS: 1, holdS: 2 });
    await until('call 3 answered by D2', async () => (await callOf('+8613800138003'))?.answered_at, { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });
    expect(d2.output().slice(d2Mark)).not.toContain('ApplicationReplaced');
  });
  it('the owner\'s database away longer than the lease: a caller still there is made a call by the next owner, calls that ended meanwhile are reported to it; one record each', { timeout: 240_000 }, async () => {
    // D4 reaches the database through a relay the test cuts; D5 straight. D4 takes the node from the daemons before (the owner
    // gives it up as it stops), D5 stands by. Their lease is longer than the others' so that calls fit into D4's last lease.
    const leaseS = 12;
    const u = new URL(db.url);
    relay = await cutProxy(Number(u.port), u.hostname);
    d4 = await startDaemonProcess({ databaseUrl: relay.via(db.url), config: config('d4', leaseS) });
    if (d1.child.exitCode === null && d1.child.signalCode === null) process.kill(d1.child.pid!, 'SIGCONT');
    for (const d of [d3, d2, d1]) await d?.stop();
    d3 = undefined;
    await until('D4 owns the node', async () => (await lease())?.owner === 'd4', { timeoutMs: (LEASE_S + 10) * 1000, detail: () => d4!.output().slice(-3000) });
    await lineUp(d4, 20_000);
    d5 = await startDaemonProcess({ databaseUrl: db.url, config: config('d5', leaseS) });

    // C calls while D4 has its database: answered, written
    await lab.call({ number: '13800138007', preWaitS: 1, holdS: 4 });
    const c = await until('C answered and written', async () => { const r = await callOf('+8613800138007'); return r?.answered_at ? r : null; }, { timeoutMs: 20_000, detail: () => d4!.output().slice(-3000) });

    // D4 loses the database; A calls and D4, still within its lease, answers and plays the flow; nothing of it is written.
    // B calls too and hangs up soon, C hangs up: D4 sees both ends inside its last lease and cannot write them
    const d4Mark = d4.output().length;
    relay.cut();
    const cutAt = Date.now();
    await lab.call({ number: '13800138005', preWaitS: 1, holdS: 20 });
    await lab.call({ number: '13800138006', preWaitS: 1, holdS: 2 });
    // read from D4's log, not its API (whose requests may wait on the database it lost)
    await until('D4 answered the caller and runs the flow', () => /"to":"ivr"[^\n]*"msg":"call transition"/.test(d4!.output().slice(d4Mark)), { timeoutMs: 10_000, detail: () => d4!.output().slice(-3000) });
    expect(Date.now() - cutAt, 'the caller came after D4 let go: not the case under test').toBeLessThan(leaseS * 1000);
    expect(await callOf('+8613800138005')).toBeNull();

    // D4's lease runs out: it closes ARI; D5 takes the node and finds the caller in the application with no row naming it
    await until('D4 let go', () => /node lost: ARI closed/.test(d4!.output()), { timeoutMs: (leaseS + 5) * 1000, detail: () => d4!.output().slice(-3000) });
    const letGoAt = Date.now();
    await until('D5 owns the node', async () => (await lease())?.owner === 'd5', { timeoutMs: (leaseS + 10) * 1000, detail: () => d5!.output().slice(-3000) });
    await until('D5 made the caller a call of its own', () => /caller whose call has no row/.test(d5!.output()), { timeoutMs: 20_000, detail: () => `${d5!.output().slice(-3000)}\n--- D4\n${d4!.output().slice(-3000)}` });
    const row = await until('the call\'s row, answered', async () => { const c = await callOf('+8613800138005'); return c?.answered_at ? c : null; }, { timeoutMs: 20_000, detail: () => d5!.output().slice(-3000) });
    // it starts when the caller called (the channel's creation time), before D4 let go, not at D5's takeover
    const started = (await sql.query<{ started_at: Date }>('SELECT started_at FROM calls WHERE id = $1', [row.id])).rows[0]!.started_at.getTime();
    expect(started).toBeGreaterThanOrEqual(cutAt - 1000);
    expect(started).toBeLessThan(letGoAt);
    // the caller hangs up after the hold: the call ends as D5 saw it, not interrupted
    const ended = await until('the call ended', async () => { const c = await callOf('+8613800138005'); return c?.ended_at ? c : null; }, { timeoutMs: 40_000, detail: () => d5!.output().slice(-3000) });
    expect(ended.id).toBe(row.id);
    expect(ended.disposition).not.toBe('interrupted');
    const legs = await sql.query<{ kind: string; channel_id: string; ended_at: Date | null }>('SELECT kind, channel_id, ended_at FROM call_legs WHERE call_id = $1', [row.id]);
    expect(legs.rows.map((l) => l.kind)).toEqual(['caller']);

    // D4 gets the database back: the node is D5's (a refused renewal), and whatever D4 held to write of the call is fenced off
    relay.mend();
    const mendedAt = Date.now();
    await until('D4 learns the node is another daemon\'s', () => /node owned by another daemon now/.test(d4!.output()), { timeoutMs: 20_000, detail: () => d4!.output().slice(-3000) });
    await d4.stop();
    // what D4 said of the calls it reported (for the details of a failure below)
    const d4Said = d4.output().split('\n').filter((l) => /call-reports|"component":"calls"/.test(l)).join('\n').slice(-4000);
    d4 = undefined;
    const all = await sql.query<{ id: string }>('SELECT id FROM calls WHERE number = $1', ['+8613800138005']);
    expect(all.rows.map((c) => c.id)).toEqual([row.id]);
    const byChannel = await sql.query('SELECT 1 FROM call_legs WHERE channel_id = $1', [legs.rows[0]!.channel_id]);
    expect(byChannel.rows).toHaveLength(1);

    // B began and ended inside D4's last lease: no channel was left for D5, and D4's writes of it were refused by the fence.
    // D4 reported what it saw; D5 recorded it: one record, answered, ended before D4 let go, with its caller leg
    const b = await until('B recorded from D4\'s report', async () => { const r = await callOf('+8613800138006'); return r?.ended_at ? r : null; },
      { timeoutMs: 30_000, detail: () => `${d5!.output().slice(-3000)}\n--- D4\n${d4Said}` });
    expect(b.disposition).not.toBe('interrupted');
    expect(b.answered_at).not.toBeNull();
    expect(b.ended_at!.getTime()).toBeLessThan(letGoAt);
    const bLegs = await sql.query<{ kind: string; ended_at: Date | null }>('SELECT kind, ended_at FROM call_legs WHERE call_id = $1', [b.id]);
    expect(bLegs.rows.map((l) => [l.kind, l.ended_at !== null])).toEqual([['caller', true]]);
    expect((await sql.query('SELECT 1 FROM calls WHERE number = $1', ['+8613800138006'])).rows).toHaveLength(1);
    // B's audio: Asterisk recorded it from the answer though no row could be written; D4's report carried the file, D5 gave it its row and sealed it
    const bRec = await until('B\'s recording sealed from the report', async () =>
      (await sql.query<{ state: string; bytes: number | null; duration_ms: number | null; path: string }>('SELECT state, bytes, duration_ms, path FROM recordings WHERE call_id = $1', [b.id])).rows.find((r) => r.state !== 'recording') ?? null,
    { timeoutMs: 20_000, detail: () => `${d5!.output().slice(-3000)}\n--- D4\n${d4Said}` });
    expect(bRec).toMatchObject({ state: 'ready' });
    expect(bRec.bytes).toBeGreaterThan(44 + 8000);
    expect(statSync(bRec.path).size).toBe(bRec.bytes);
    // C's caller hung up while D4's database was away: D5's takeover closed C as interrupted, and D4's report put the end it saw
    const cEnd = await until('C corrected from D4\'s report', async () => { const r = await callOf('+8613800138007'); return r?.disposition && r.disposition !== 'interrupted' ? r : null; },
      { timeoutMs: 30_000, detail: () => `${d5!.output().slice(-3000)}\n--- D4\n${d4Said}` });
    expect(cEnd.id).toBe(c.id);
    expect(cEnd.ended_at!.getTime()).toBeLessThan(letGoAt);
    const outcomes = await sql.query<{ call_id: string; owner: string; outcome: string }>('SELECT call_id, owner, outcome FROM call_reports WHERE node = $1 ORDER BY id', [NODE]);
    expect(outcomes.rows.map((o) => [o.call_id, o.owner, o.outcome]).sort()).toEqual([[b.id, 'd4', 'recorded'], [c.id, 'd4', 'corrected']].sort());
    expect(d5.output()).toMatch(/call report applied: recorded/);
    const recs = (await sql.query<{ number: string; state: string; n: number }>(
      'SELECT c.number, r.state, count(*)::int AS n FROM recordings r JOIN calls c ON c.id = r.call_id WHERE c.number = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2', [['+8613800138005', '+8613800138006', '+8613800138007']])).rows;
    console.log(`call reports: B recorded and C corrected by D5 within ${Date.now() - mendedAt} ms of D4's database coming back (leaseS ${leaseS}, renewS 1); recordings ${JSON.stringify(recs)}`);
  });
});
