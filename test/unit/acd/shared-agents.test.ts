/**
 * One agent, two daemons on two nodes (docs/scale-out.md, "Agents shared by
 * nodes"): each daemon has its own PBX (a fake Asterisk each) and ACD, on one
 * database. A caller waits in the same queue on each node at the same moment;
 * the agent's phone rings for one of them only. When that call is over and
 * the agent is ready again, the other daemon learns it (follow(), which the
 * cache sync runs on NOTIFY) and rings the agent for its caller.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('one agent shared by two nodes (fake PBXes, one database)', () => {
  let d1: PbxHarness;
  let d2: PbxHarness;
  const ringing = (h: PbxHarness) => h.pbx.legsTo('PJSIP/amy').filter((l) => l.state === 'ringing');
  const waiting = (h: PbxHarness) => h.service.acd.queueStats().find((q) => q.queueId === 'q')!.waiting;

  beforeAll(async () => {
    d1 = await pbxHarness({ seats: ['amy'], writer: 'd1' });
    await d1.service.start();
    await d1.addAgents(['amy']);
    await d1.addQueue('q', 'round-robin', ['amy'], { ringTimeoutS: 30, wrapUpS: 5, maxWaitS: 600 });
    await d1.queueFlow('q');
    d2 = await pbxHarness({ seats: ['amy'], writer: 'd2', db: d1.db });
    await d2.service.start();
    await d2.service.acd.load();
    for (const h of [d1, d2]) h.pbx.phone('PJSIP/amy', 'manual');
  });
  afterAll(async () => { await d2?.close(); await d1?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('rings the agent for one caller at a time, then for the other node\'s caller', async () => {
    expect(d2.agents.get('amy')?.state).toBe('ready');
    const c1 = d1.pbx.callIn({ number: '13800138101', trunk: TRUNK });
    const c2 = d2.pbx.callIn({ number: '13800138102', trunk: TRUNK });
    await d1.until(() => waiting(d1) + waiting(d2) === 2 && ringing(d1).length + ringing(d2).length === 1
      && d1.agents.get('amy')?.state === 'ringing' && d2.agents.get('amy')?.state === 'ringing', 'amy rings on one node');
    // both ACDs have settled: still one ring, and both boards hold the winner's call
    await d1.settle();
    await d2.settle();
    expect(ringing(d1).length + ringing(d2).length).toBe(1);
    const [win, lose, lost] = ringing(d1).length === 1 ? [d1, d2, c2] : [d2, d1, c1];
    expect(lose.agents.get('amy')?.callId).toBe(win.agents.get('amy')?.callId);

    const leg = ringing(win)[0]!;
    win.pbx.pickUp(leg.id);
    await win.until(() => leg.bridgeId !== null, 'amy talks to the winner\'s caller');
    win.pbx.farHangup(win === d1 ? c1 : c2);
    await win.until(() => win.agents.get('amy')?.state === 'wrap-up', 'amy wraps up');
    await vi.advanceTimersByTimeAsync(5_000);
    await win.until(() => win.agents.get('amy')?.state === 'ready', 'amy ready on the winner');
    expect(ringing(lose)).toHaveLength(0);

    // the other daemon follows the row (NOTIFY in a cluster) and offers amy its caller
    await lose.agents.follow();
    await lose.until(() => ringing(lose).length === 1, 'amy rings for the other node\'s caller');
    const second = ringing(lose)[0]!;
    lose.pbx.pickUp(second.id);
    await lose.until(() => second.bridgeId !== null, 'amy talks to the other caller');
    expect(lose.pbx.bridgeMembers(second.bridgeId!).sort()).toEqual([lost, second.id].sort());
    await win.agents.follow();
    expect(win.agents.get('amy')).toMatchObject({ state: 'on-call', callId: lose.agents.get('amy')?.callId });
    lose.pbx.farHangup(lost);
    await lose.until(() => lose.agents.get('amy')?.state === 'wrap-up', 'amy wraps up again');
    const saved = (await d1.repos.acd.agentState('amy'))!;
    expect(saved.agent).toMatchObject({ state: 'wrap-up', callsTaken: 2 });
    expect(saved.writtenBy).toBe(lose === d1 ? 'd1' : 'd2');
  });

  it('across nodes the caller who has waited longest gets the agent first (sql/029)', async () => {
    const n1 = await pbxHarness({ seats: ['amy'], writer: 'n1', node: 'A', db: d1.db });
    const n2 = await pbxHarness({ seats: ['amy'], writer: 'n2', node: 'B', db: d1.db });
    try {
      for (const h of [n1, n2]) { await h.service.start(); await h.service.acd.load(); h.pbx.phone('PJSIP/amy', 'manual'); }
      // amy ends the wrap-up of the test before (its timer went with that test's fake clock), then pauses
      for (const h of [d1, d2]) if (h.agents.get('amy')?.state === 'wrap-up') h.agents.wrapUpDone('amy');
      for (const h of [d1, d2]) await h.settle();
      await n1.agents.follow();
      await n1.agents.setState('amy', { state: 'paused', reason: 'brief' });
      await n2.agents.follow();
      expect(n2.agents.get('amy')?.state).toBe('paused');
      const x = n1.pbx.callIn({ number: '13800138201', trunk: TRUNK });
      await n1.until(() => waiting(n1) === 1, 'X waits on node A');
      await vi.advanceTimersByTimeAsync(2_000);
      const y = n2.pbx.callIn({ number: '13800138202', trunk: TRUNK });
      await n2.until(() => waiting(n2) === 1, 'Y waits on node B, 2 s after X');
      await n2.settle();
      const rows = await d1.db.query<{ node: string }>('SELECT node FROM queue_waiting ORDER BY since');
      expect(rows.rows.map((r) => r.node)).toEqual(['A', 'B']);

      // amy becomes ready on node B, the node of the newer caller: its offer yields to X
      await n2.agents.setState('amy', { state: 'ready' });
      await n2.settle();
      expect(ringing(n2)).toHaveLength(0);
      expect(n2.agents.get('amy')?.state).toBe('ready');
      // node A follows (NOTIFY in a cluster) and rings amy for X
      await n1.agents.follow();
      await n1.until(() => ringing(n1).length === 1, 'amy rings for X on node A');
      const leg = ringing(n1)[0]!;
      n1.pbx.pickUp(leg.id);
      await n1.until(() => leg.bridgeId !== null, 'amy talks to X');
      expect(n1.pbx.bridgeMembers(leg.bridgeId!).sort()).toEqual([x, leg.id].sort());
      // X no longer waits: only Y's row is left
      await n1.settle();
      expect((await d1.db.query<{ node: string }>('SELECT node FROM queue_waiting')).rows.map((r) => r.node)).toEqual(['B']);
      n1.pbx.farHangup(x);
      await n1.until(() => n1.agents.get('amy')?.state === 'wrap-up', 'amy wraps up X');
      await vi.advanceTimersByTimeAsync(5_000);
      await n1.until(() => n1.agents.get('amy')?.state === 'ready', 'amy ready');
      // now Y is the longest-waiting caller: node B offers amy
      await n2.agents.follow();
      await n2.until(() => ringing(n2).length === 1, 'amy rings for Y on node B');
      const second = ringing(n2)[0]!;
      n2.pbx.pickUp(second.id);
      await n2.until(() => second.bridgeId !== null, 'amy talks to Y');
      expect(n2.pbx.bridgeMembers(second.bridgeId!).sort()).toEqual([y, second.id].sort());
      n2.pbx.farHangup(y);
      await n2.until(() => n2.agents.get('amy')?.state === 'wrap-up', 'amy wraps up Y');
    } finally {
      await n2.close();
      await n1.close();
    }
  });
});
