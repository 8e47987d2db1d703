/**
 * Issue 14, queues across nodes (docs/scale-out.md, "Queues across nodes"):
 * the lab's HA layout, two daemon processes on one PostgreSQL database, DA
 * owning node A (pbx A) and DB owning node B (pbx B), one queue `sales` and
 * one agent, alice, whose phone (101, on the carrier) both nodes can ring.
 * Caller X waits on A, then caller Y on B. Alice becomes ready through DB,
 * the node of the newer caller: DB's offer yields, DA rings alice for X.
 * When X is over, DB rings her for Y. Both daemons show one state for alice
 * throughout; her phone never rings for two calls at once. Then Asterisk A
 * dies while alice talks to a caller on A, another caller waits on A and one
 * on B: DA's sweeper closes both of A's calls as node_failed, alice wraps up
 * and DB gives her the caller on B.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startTwoNodes, type HaLab, type TwoNodes } from '../helpers/ha-lab.ts';
import { until } from '../helpers/wait.ts';

const FLOW = { id: 'to-sales', name: 'To sales', entry: 'q', nodes: { q: { type: 'queue', queue: 'sales', fallback: 'bye' }, bye: { type: 'hangup' } } };
const X = '13800139101';
const Y = '13800139102';
const NODE_FAIL_S = 5;

interface CallRow { id: string; number: string; line_id: string; agent_id: string | null; disposition: string | null; answered_at: Date | null; ended_at: Date | null; queue_wait_ms: number | null }
interface AgentOut { id: string; state: string; callId: string | null }

describe('HA: one queue, callers on two nodes, one agent', () => {
  let lab: HaLab;
  let sql: pg.Client;
  let da: DaemonProcess;
  let dbn: DaemonProcess;
  let nodes: TwoNodes | undefined;
  const call = async (number: string): Promise<CallRow | undefined> =>
    (await sql.query<CallRow>('SELECT id, number, line_id, agent_id, disposition, answered_at, ended_at, queue_wait_ms FROM calls WHERE number = $1', [`+86${number}`])).rows[0];
  const alice = async (d: DaemonProcess): Promise<AgentOut | undefined> => (await d.api<{ items: AgentOut[] }>('GET', '/agents')).body.items.find((a) => a.id === 'alice');
  const waiting = async (d: DaemonProcess): Promise<number> => (await d.api<{ items: Array<{ queueId: string; waiting: number }> }>('GET', '/queues')).body.items.find((q) => q.queueId === 'sales')?.waiting ?? -1;
  /** Alice's agent legs: every time her phone was rung, for which call, and whether the rings overlapped. */
  const agentLegs = async () => (await sql.query<{ call_id: string; started_at: Date; ended_at: Date | null }>(
    "SELECT call_id, started_at, ended_at FROM call_legs WHERE kind = 'agent' AND agent_id = 'alice' ORDER BY started_at")).rows;
  const logs = () => `DA:\n${da.output().slice(-2500)}\nDB:\n${dbn.output().slice(-2500)}`;

  beforeAll(async () => {
    nodes = await startTwoNodes({
      line: { channels: 4, flow: FLOW.id }, extra: { seats: [{ id: 'seat-101', endpoint: 'PJSIP/101' }] }, cluster: { nodeFailS: NODE_FAIL_S },
      first: async (d) => {
        expect((await d.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
        expect((await d.api('POST', '/agents', { id: 'alice', name: 'Alice' })).status).toBe(201);
        expect((await d.api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: ['alice'], settings: { wrapUpS: 2, ringTimeoutS: 20, maxWaitS: 300 } })).status).toBe(201);
        expect((await d.api('POST', '/agents/alice/state', { state: 'paused', seatId: 'seat-101', reason: 'brief' })).status).toBe(200);
      },
    });
    ({ lab, sql, da, dbn } = nodes);
  });

  afterAll(async () => { await nodes?.stop(); });

  it('the caller who waited longest gets the agent, whichever node she is made ready on; then the other node\'s caller', async () => {
    expect(await alice(dbn)).toMatchObject({ state: 'paused' });
    await lab.callAt('pbxa', { number: X, preWaitS: 0, holdS: 90 });
    await until('X waits in sales on node A', async () => (await waiting(da)) === 1, { timeoutMs: 30_000, detail: logs });
    await lab.callAt('pbxb', { number: Y, preWaitS: 0, holdS: 90 });
    await until('Y waits in sales on node B', async () => (await waiting(dbn)) === 1, { timeoutMs: 30_000, detail: logs });
    // each node's ACD has its own caller; the shared list (each row written a moment after its caller entered) has both, on either daemon
    for (const d of [da, dbn]) {
      const q = await until('both callers in the shared list', async () => {
        const x = (await d.api<{ items: Array<{ queueId: string; waiting: number; allNodes: { waiting: number; longestWaitMs: number } }> }>('GET', '/queues')).body.items.find((i) => i.queueId === 'sales');
        return x?.allNodes.waiting === 2 ? x : null;
      }, { timeoutMs: 10_000, detail: logs });
      expect(q).toMatchObject({ waiting: 1, allNodes: { waiting: 2 } });
      expect(q!.allNodes.longestWaitMs).toBeGreaterThan(0);
    }
    const [x0, y0] = [(await call(X))!, (await call(Y))!];
    expect([x0.line_id, y0.line_id]).toEqual(['trunk-a', 'trunk-b']);
    // alice ready through DB, the node of the newer caller: DA rings her for X
    expect((await dbn.api('POST', '/agents/alice/state', { state: 'ready' })).status).toBe(200);
    const withX = await until('alice talks to X (node A)', async () => { const a = await alice(da); return a?.state === 'on-call' && a.callId === x0.id ? a : null; },
      { timeoutMs: 30_000, detail: logs });
    await until('X bridged to alice', async () => (await call(X))?.agent_id === 'alice', { timeoutMs: 10_000, detail: logs });
    expect(withX.callId).toBe(x0.id);
    // queue.update carries node A's own figures and the cluster's: A announces X answered once its own write of the
    // shared list is done (X's row gone), so its figures say 0 waiting on A and 1 across the nodes (Y on B)
    const update = await until('node A\'s queue.update after X was answered', async () => {
      const r = await sql.query<{ data: { node?: string; waiting: number; allNodes?: { waiting: number } } }>(
        "SELECT data FROM event_log WHERE type = 'queue.update' AND data->>'queueId' = 'sales' AND data->>'node' = 'node-a' ORDER BY id DESC LIMIT 1");
      const d = r.rows[0]?.data;
      return d?.waiting === 0 && d.allNodes?.waiting === 1 ? d : null;
    }, { timeoutMs: 10_000, detail: logs });
    expect(update).toMatchObject({ node: 'node-a', waiting: 0, allNodes: { waiting: 1 } });
    await until('DB holds the same state for alice', async () => (await alice(dbn))?.callId === x0.id, { timeoutMs: 10_000, detail: logs });
    expect((await agentLegs()).map((l) => l.call_id)).toEqual([x0.id]);
    expect(await waiting(dbn)).toBe(1);

    // X is over (hung up through DA): after her wrap-up, DB rings alice for Y
    expect((await da.api('POST', `/calls/${x0.id}/hangup`)).status).toBeLessThan(300);
    await until('alice talks to Y (node B)', async () => { const a = await alice(dbn); return a?.state === 'on-call' && a.callId === y0.id; }, { timeoutMs: 30_000, detail: logs });
    // the bridge is made a moment after she answers (on-call); the record names her once it is
    await until('Y bridged to alice', async () => (await call(Y))?.agent_id === 'alice', { timeoutMs: 10_000, detail: logs });
    expect((await dbn.api('POST', `/calls/${y0.id}/hangup`)).status).toBeLessThan(300);
    const [x, y] = await until('both calls closed', async (): Promise<[CallRow, CallRow] | null> => {
      const [cx, cy] = [await call(X), await call(Y)];
      return cx?.ended_at && cy?.ended_at ? [cx, cy] : null;
    }, { timeoutMs: 20_000, detail: logs });
    expect([x.agent_id, y.agent_id]).toEqual(['alice', 'alice']);
    expect([x.disposition, y.disposition]).toEqual(['completed', 'completed']);
    // Y waited for X's whole conversation and alice's wrap-up
    expect(y.queue_wait_ms!).toBeGreaterThan(x.queue_wait_ms!);
    // her phone was rung twice, X's ring first, never two rings or calls at once
    const legs = await agentLegs();
    expect(legs.map((l) => l.call_id)).toEqual([x.id, y.id]);
    expect(legs[0]!.ended_at!.getTime()).toBeLessThanOrEqual(legs[1]!.started_at.getTime());
    // today's figures: each node answered one; every node's records count both
    for (const d of [da, dbn]) {
      const q = (await d.api<{ items: Array<{ queueId: string; answered: number; allNodes: { answered: number; abandoned: number; waiting: number } }> }>('GET', '/queues')).body.items.find((i) => i.queueId === 'sales');
      expect(q).toMatchObject({ answered: 1, allNodes: { answered: 2, abandoned: 0, waiting: 0 } });
    }
    const saved = await sql.query<{ written_by: string; state: string }>("SELECT written_by, state FROM agent_states WHERE agent_id = 'alice'");
    expect(saved.rows[0]?.written_by).toBe('db');
    expect(['wrap-up', 'ready']).toContain(saved.rows[0]?.state);
  });

  it('Asterisk A dies while alice talks to its caller: A\'s calls are closed as node_failed, alice wraps up and takes the caller waiting on B', async () => {
    const [X2, Z2, Y2] = ['13800139111', '13800139112', '13800139113'];
    // alice (ready again after the first case) pauses; X2 then Z2 wait on A, Y2 on B
    await until('alice ready', async () => (await alice(da))?.state === 'ready', { timeoutMs: 20_000, detail: logs });
    expect((await da.api('POST', '/agents/alice/state', { state: 'paused', reason: 'brief' })).status).toBe(200);
    await lab.callAt('pbxa', { number: X2, preWaitS: 0, holdS: 120 });
    await until('X2 waits on A', async () => (await waiting(da)) === 1, { timeoutMs: 30_000, detail: logs });
    await lab.callAt('pbxa', { number: Z2, preWaitS: 0, holdS: 120 });
    await until('Z2 waits on A', async () => (await waiting(da)) === 2, { timeoutMs: 30_000, detail: logs });
    await lab.callAt('pbxb', { number: Y2, preWaitS: 0, holdS: 120 });
    await until('Y2 waits on B', async () => (await waiting(dbn)) === 1, { timeoutMs: 30_000, detail: logs });
    const [x2, z2, y2] = [(await call(X2))!, (await call(Z2))!, (await call(Y2))!];
    expect((await da.api('POST', '/agents/alice/state', { state: 'ready' })).status).toBe(200);
    await until('alice talks to X2 (node A, waited longest)', async () => (await call(X2))?.agent_id === 'alice', { timeoutMs: 30_000, detail: logs });

    // Asterisk A dies
    const crashedAt = Date.now();
    lab.crash('pbxa');
    // DA's sweeper closes X2 and Z2 as node_failed; alice wraps up, then DB (Y2 on B is now the longest waiting caller alive) rings her
    const closed = await until('A\'s calls closed', async () => {
      const [cx, cz] = [await call(X2), await call(Z2)];
      return cx?.ended_at && cz?.ended_at ? [cx, cz] : null;
    }, { timeoutMs: (NODE_FAIL_S + 20) * 1000, detail: logs });
    expect(closed.map((c) => c.disposition)).toEqual(['node_failed', 'node_failed']);
    const sweptMs = Date.now() - crashedAt;
    const withY2 = await until('alice talks to Y2 (node B)', async () => { const a = await alice(dbn); return a?.state === 'on-call' && a.callId === y2.id ? a : null; },
      { timeoutMs: 30_000, detail: logs });
    expect(withY2.callId).toBe(y2.id);
    await until('Y2 bridged to alice', async () => (await call(Y2))?.agent_id === 'alice', { timeoutMs: 10_000, detail: logs });
    const servedMs = Date.now() - crashedAt;
    // both daemons hold that state; A's callers are gone from the shared list, Y2 is in no list (answered)
    await until('DA holds the same state for alice', async () => (await alice(da))?.callId === y2.id, { timeoutMs: 10_000, detail: logs });
    expect((await sql.query('SELECT call_id FROM queue_waiting WHERE call_id = ANY($1::uuid[])', [[x2.id, z2.id]])).rows).toEqual([]);
    expect(await waiting(dbn)).toBe(0);
    expect((await dbn.api('POST', `/calls/${y2.id}/hangup`)).status).toBeLessThan(300);
    const y2End = await until('Y2 closed', async () => { const c = await call(Y2); return c?.ended_at ? c : null; }, { timeoutMs: 20_000, detail: logs });
    expect([y2End.disposition, y2End.agent_id]).toEqual(['completed', 'alice']);
    // alice was rung for X2, then for Y2; never for Z2
    const legs = (await agentLegs()).filter((l) => [x2.id, z2.id, y2.id].includes(l.call_id));
    expect(legs.map((l) => l.call_id)).toEqual([x2.id, y2.id]);
    console.log(`queue across nodes, A killed: A's calls closed ${sweptMs} ms after the kill (nodeFailS ${NODE_FAIL_S}); alice on B's caller ${servedMs} ms after it`);
  });
});
