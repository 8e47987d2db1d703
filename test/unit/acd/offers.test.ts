/**
 * ACD offers on the fake PBX, with fake timers: a ring that times out is a
 * miss (maxMissed in a row pause the agent); a ring kefu stops itself
 * (another agent answered, the caller hung up) is not; wrap-up ends in ready.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('ACD offers (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const state = (id: string) => h.agents.get(id)!;
  const ringing = (agent: string) => h.pbx.legsTo(`PJSIP/${agent}`).filter((l) => l.state === 'ringing');

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['a1', 'b1', 'b2', 'b3', 'c1'] });
    await h.service.start();
    await h.addAgents(['a1', 'b1', 'b2', 'b3', 'c1']);
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('a ring that times out is a miss; maxMissed misses in a row pause the agent', async () => {
    await h.addQueue('qa', 'round-robin', ['a1'], { ringTimeoutS: 10, maxMissed: 2, maxWaitS: 600 });
    await h.queueFlow('qa');
    h.pbx.phone('PJSIP/a1', 'no-answer');
    const caller = h.pbx.callIn({ number: '13800138000', trunk: TRUNK });
    await h.until(() => ringing('a1').length === 1, 'a1 rings');
    expect(h.pbx.leg(caller)?.moh).toBe(true);
    expect(state('a1').state).toBe('ringing');
    await vi.advanceTimersByTimeAsync(10_000);
    await h.until(() => state('a1').missedInARow === 1 && ringing('a1').length === 1, 'a1 missed once and rings again');
    await vi.advanceTimersByTimeAsync(10_000);
    await h.until(() => state('a1').state === 'paused', 'a1 paused');
    expect(state('a1')).toMatchObject({ reason: 'missed-calls', missedInARow: 2 });
    expect(ringing('a1')).toHaveLength(0);
    h.pbx.farHangup(caller);
    await h.until(() => !h.pbx.leg(caller), 'caller gone');
  });

  it('ring-all: one phone answers, the others stop ringing and are not missed; wrap-up, then ready', async () => {
    await h.addQueue('qb', 'ring-all', ['b1', 'b2', 'b3'], { ringTimeoutS: 20, maxMissed: 1, wrapUpS: 5 });
    await h.queueFlow('qb');
    for (const a of ['b1', 'b2', 'b3']) h.pbx.phone(`PJSIP/${a}`, 'manual');
    const caller = h.pbx.callIn({ number: '13800138001', trunk: TRUNK });
    await h.until(() => ['b1', 'b2', 'b3'].every((a) => ringing(a).length === 1), 'every phone rings');
    const b2leg = ringing('b2')[0]!;
    h.pbx.pickUp(b2leg.id);
    await h.until(() => b2leg.bridgeId !== null, 'b2 bridged');
    expect(h.pbx.bridgeMembers(b2leg.bridgeId!).sort()).toEqual([caller, b2leg.id].sort());
    expect(h.pbx.leg(caller)?.moh).toBe(false);
    await h.until(() => ringing('b1').length === 0 && ringing('b3').length === 0, 'the other rings stopped');
    for (const a of ['b1', 'b3']) expect(state(a)).toMatchObject({ state: 'ready', missedInARow: 0 });
    expect(state('b2').state).toBe('on-call');
    h.pbx.farHangup(caller);
    await h.until(() => state('b2').state === 'wrap-up', 'b2 wraps up');
    expect(h.pbx.leg(b2leg.id)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(state('b2').state).toBe('wrap-up');
    await vi.advanceTimersByTimeAsync(1);
    await h.until(() => state('b2').state === 'ready', 'b2 ready after wrap-up');
    expect(state('b2').callsTaken).toBe(1);
  });

  it('the caller hangs up while the phone rings: the ring stops and it is not a miss', async () => {
    await h.addQueue('qc', 'round-robin', ['c1'], { ringTimeoutS: 20, maxMissed: 1 });
    await h.queueFlow('qc');
    h.pbx.phone('PJSIP/c1', 'manual');
    const caller = h.pbx.callIn({ number: '13800138002', trunk: TRUNK });
    await h.until(() => ringing('c1').length === 1, 'c1 rings');
    h.pbx.farHangup(caller);
    await h.until(() => ringing('c1').length === 0 && state('c1').state === 'ready', 'ring stopped, c1 ready');
    expect(state('c1').missedInARow).toBe(0);
    const stats = h.service.acd.queueStats().find((q) => q.queueId === 'qc')!;
    expect(stats).toMatchObject({ waiting: 0, abandoned: 1 });
  });

  it('the caller hangs up as the agent answers, before the bridge: answered, and the record names the agent', async () => {
    await h.addQueue('qd', 'round-robin', ['c1'], { ringTimeoutS: 20, wrapUpS: 1 });
    await h.queueFlow('qd');
    h.pbx.phone('PJSIP/c1', 'manual');
    const caller = h.pbx.callIn({ number: '13800138003', trunk: TRUNK });
    await h.until(() => ringing('c1').length === 1, 'c1 rings');
    h.pbx.pickUp(ringing('c1')[0]!.id);
    h.pbx.farHangup(caller);
    const rec = async () => (await h.db.query<{ agent_id: string | null; disposition: string | null }>('SELECT agent_id, disposition FROM calls WHERE number = $1', ['+8613800138003'])).rows[0];
    await h.until(() => state('c1').state === 'wrap-up', 'c1 wraps up');
    let row = await rec();
    for (let i = 0; i < 100 && !row?.disposition; i++) { await h.settle(); row = await rec(); }
    expect(row).toMatchObject({ agent_id: 'c1', disposition: 'completed' });
    expect(h.service.acd.queueStats().find((q) => q.queueId === 'qd')).toMatchObject({ answered: 1, abandoned: 0 });
  });
});
