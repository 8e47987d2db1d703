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
});
