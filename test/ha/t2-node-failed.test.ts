/**
 * Issue 14, "A dead Asterisk" (docs/scale-out.md, "Kamailio" and "The
 * dead-node sweeper"): the lab's HA layout (carrier -> Kamailio -> pbx A,
 * pbx B) and two daemon processes on one PostgreSQL database, DA owning node
 * A and DB owning node B (cluster.enabled, one lease each). The carrier's
 * calls go through Kamailio and land on A. SIGKILL Asterisk A: new calls land
 * on B (Kamailio's failover and OPTIONS probing) and are recorded by DB; DA's
 * sweeper closes every call that was on A as node_failed after nodeFailS.
 * Every call offered has exactly one record, none left open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startTwoNodes, type HaLab, type TwoNodes } from '../helpers/ha-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';

const FLOW = {
  id: 'ha-menu', name: 'HA menu', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press one.', voice: 'en-us' }, options: { 1: 'bye' }, timeoutMs: 4000, retries: 8 },
    bye: { type: 'hangup' },
  },
};
const NODE_FAIL_S = 5;
const ON_A = 5;
/** Numbers of the calls placed after the kill: one every POST_KILL_GAP_MS until one is answered on B, then two more. */
const POST_KILL_GAP_MS = 500;

interface CallRow { id: string; number: string; line_id: string; state: string; disposition: string | null; answered_at: Date | null; ended_at: Date | null; updated_at: Date }

describe('HA: Kamailio in front of two Asterisk nodes; SIGKILL Asterisk A', () => {
  let lab: HaLab;
  let sql: pg.Client;
  let da: DaemonProcess;
  let nodes: TwoNodes | undefined;
  /** A's calls as the sweep closed them. */
  let sweptRows: CallRow[] = [];
  const rows = async (): Promise<CallRow[]> => (await sql.query<CallRow>('SELECT id, number, line_id, state, disposition, answered_at, ended_at, updated_at FROM calls ORDER BY started_at')).rows;
  const num = (i: number) => `138001390${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    nodes = await startTwoNodes({
      line: { channels: 30, flow: FLOW.id }, cluster: { nodeFailS: NODE_FAIL_S },
      first: async (d) => { expect((await d.api('POST', '/ivr/flows', FLOW)).status).toBe(201); },
    });
    ({ lab, sql, da } = nodes);
  });

  afterAll(async () => { await nodes?.stop(); });

  it('calls land on A; A dies: new calls land on B within seconds, A\'s calls are closed as node_failed, one record per call', async () => {
    const leases = (await sql.query<{ node: string; owner: string }>('SELECT node, owner FROM node_lease ORDER BY node')).rows;
    expect(leases).toEqual([{ node: 'node-a', owner: 'da' }, { node: 'node-b', owner: 'db' }]);

    // calls through Kamailio: all on A (first in the dispatcher list), recorded by DA
    const offered: string[] = [];
    for (let i = 1; i <= ON_A; i++) { offered.push(num(i)); await lab.call({ number: num(i), preWaitS: 1, holdS: 40 }); }
    const onA = await until(`${ON_A} calls answered on A`, async () => {
      const r = (await rows()).filter((c) => c.answered_at && !c.ended_at);
      return r.length === ON_A ? r : null;
    }, { timeoutMs: 30_000, detail: async () => JSON.stringify(await rows()) });
    expect(onA.every((c) => c.line_id === 'trunk-a')).toBe(true);
    expect((await da.api<{ callId: string | null }>('GET', '/lines/trunk-a')).body.callId).not.toBeNull();

    // SIGKILL Asterisk A (left dead; the lab's stop clears its files)
    const pidA = lab.pid('pbxa');
    const killedAt = Date.now();
    process.kill(pidA, 'SIGKILL');

    // new calls, one every POST_KILL_GAP_MS, until one is answered on B
    let i = ON_A;
    let firstOnB: { number: string; ms: number; placedMs: number } | null = null;
    const placed = new Map<string, number>();
    while (!firstOnB) {
      if (Date.now() - killedAt > 30_000) throw new Error(`no call answered on B 30 s after the kill: ${JSON.stringify(await rows())}`);
      i++;
      offered.push(num(i));
      placed.set(`+86${num(i)}`, Date.now());
      await lab.call({ number: num(i), preWaitS: 1, holdS: 6 });
      const deadline = Date.now() + POST_KILL_GAP_MS;
      while (!firstOnB && Date.now() < deadline) {
        const b = (await rows()).filter((c) => c.line_id === 'trunk-b' && c.answered_at);
        if (b.length > 0) firstOnB = { number: b[0]!.number, ms: Date.now() - killedAt, placedMs: Date.now() - (placed.get(b[0]!.number) ?? killedAt) };
        else await new Promise((r) => setTimeout(r, 50)); // poll interval; the loop's deadline is POST_KILL_GAP_MS
      }
    }
    // two more calls once B answers: they go straight to B
    for (let k = 0; k < 2; k++) { i++; offered.push(num(i)); placed.set(`+86${num(i)}`, Date.now()); await lab.call({ number: num(i), preWaitS: 1, holdS: 4 }); }

    // DA's sweeper closes every call that was on A as node_failed, after nodeFailS
    const swept = await until('every call of A closed', async () => {
      const a = (await rows()).filter((c) => c.line_id === 'trunk-a');
      return a.length === ON_A && a.every((c) => c.ended_at) ? a : null;
    }, { timeoutMs: (NODE_FAIL_S + 15) * 1000, detail: () => da.output().slice(-3000) });
    const sweptMs = Date.now() - killedAt;
    await until('DA logs the sweep done', () => da.output().includes('node failed: calls closed'), { timeoutMs: 10_000 });
    expect(swept.map((c) => c.disposition)).toEqual(Array(ON_A).fill('node_failed'));
    expect(sweptMs).toBeGreaterThanOrEqual(NODE_FAIL_S * 1000);
    const legs = await sql.query<{ end_cause: string | null; ended_at: Date | null }>('SELECT l.end_cause, l.ended_at FROM call_legs l JOIN calls c ON c.id = l.call_id WHERE c.line_id = $1', ['trunk-a']);
    expect(legs.rows.length).toBeGreaterThanOrEqual(ON_A);
    expect(legs.rows.every((l) => l.ended_at && l.end_cause === 'node_failed')).toBe(true);
    // DA's in-memory calls ended too, and each call.ended went out (the event log)
    await until('DA holds no call of A', async () => (await da.api<{ callId: string | null }>('GET', '/lines/trunk-a')).body.callId === null, { timeoutMs: 10_000 });
    const ended = await until('call.ended node_failed for each', async () => {
      const r = await sql.query<{ id: string }>("SELECT data->>'callId' AS id FROM event_log WHERE type = 'call.ended' AND data->>'disposition' = 'node_failed'");
      return r.rows.length >= ON_A ? r.rows.map((x) => x.id) : null;
    }, { timeoutMs: 10_000 });
    expect(new Set(ended)).toEqual(new Set(swept.map((c) => c.id)));

    // every call placed after the kill: answered on B and recorded by DB, then ended
    const after = await until('every call after the kill ended on B', async () => {
      const r = (await rows()).filter((c) => c.line_id === 'trunk-b');
      return r.length === offered.length - ON_A && r.every((c) => c.answered_at && c.ended_at) ? r : null;
    }, { timeoutMs: 60_000, detail: async () => JSON.stringify(await rows()) });
    expect(after.every((c) => c.disposition !== 'node_failed')).toBe(true);

    // calls offered vs records: one per call, none lost, none doubled, none open
    const all = await rows();
    const perNumber = new Map<string, number>();
    for (const c of all) perNumber.set(c.number, (perNumber.get(c.number) ?? 0) + 1);
    expect([...perNumber.keys()].sort()).toEqual(offered.map((n) => `+86${n}`).sort());
    const duplicated = [...perNumber.values()].filter((n) => n > 1).length;
    expect(duplicated).toBe(0);
    expect(all.filter((c) => !c.ended_at)).toEqual([]);

    sweptRows = swept;

    console.log(`ha-node-failed figures: ${JSON.stringify({
      nodeFailS: NODE_FAIL_S, callsOnA: ON_A, killToFirstCallAnsweredOnBMs: firstOnB.ms, thatCallPlacedToAnsweredMs: firstOnB.placedMs,
      killToAllOfAClosedMs: sweptMs, callsOffered: offered.length, records: all.length, lost: offered.length - perNumber.size, duplicated,
      openAfter: all.filter((c) => !c.ended_at).length,
      // each call placed after the kill: [placed, answered on B] in ms after the kill
      afterKill: after.map((c) => [placed.get(c.number)! - killedAt, c.answered_at!.getTime() - killedAt]),
    })}`);
  });

  it('A restarted: DA reconnects, Kamailio\'s probes bring A back and new calls land on A again; the swept rows stay as they were', async () => {
    expect(sweptRows).toHaveLength(ON_A);
    const restartedAt = Date.now();
    lab.restart('pbxa');
    await waitForLineIdle(da, 'trunk-a', 30_000);
    const ariBackMs = Date.now() - restartedAt;
    // a call every second until one lands on A (Kamailio marks A active after two answered probes)
    const before = (await rows()).length;
    let n = 50;
    let onA: CallRow | null = null;
    while (!onA) {
      if (Date.now() - restartedAt > 40_000) throw new Error(`no call on A 40 s after its restart: ${JSON.stringify(await rows())}`);
      n++;
      await lab.call({ number: num(n), preWaitS: 1, holdS: 3 });
      onA = await until(`call ${num(n)} answered`, async () => { const c = (await rows()).find((r) => r.number === `+86${num(n)}`); return c?.answered_at ? c : null; }, { timeoutMs: 10_000 })
        .then((c) => (c.line_id === 'trunk-a' ? c : null));
    }
    const callOnAMs = Date.now() - restartedAt;
    await until('the calls after the restart ended', async () => (await rows()).every((c) => c.ended_at), { timeoutMs: 30_000 });
    expect((await rows()).length).toBe(before + (n - 50));
    // DA's resync after the reconnect, and its stop, leave A's swept rows as the sweep wrote them
    await da.stop();
    const later = (await rows()).filter((c) => sweptRows.some((s) => s.id === c.id));
    expect(later.map((c) => [c.id, c.disposition, c.updated_at.getTime()])).toEqual(sweptRows.map((c) => [c.id, c.disposition, c.updated_at.getTime()]));
    console.log(`ha-node-failed restart figures: ${JSON.stringify({ restartToDaLineIdleMs: ariBackMs, restartToCallAnsweredOnAMs: callOnAMs, callsUntilOneOnA: n - 50 })}`);
  });
});
