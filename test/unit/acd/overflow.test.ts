/**
 * A caller nobody answers leaves the queue when its wait limit passes, for
 * the queue's overflow target (fake PBX, fake timers): another queue, where
 * its agents ring, or a hang-up.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('ACD overflow (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const stats = (q: string) => h.service.acd.queueStats().find((x) => x.queueId === q)!;

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['d1', 'd2'] });
    await h.service.start();
    await h.addAgents(['d1', 'd2']);
    await h.agents.setState('d1', { state: 'paused', reason: 'lunch' });
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the wait limit passes: the caller moves to the overflow queue and its agent rings', async () => {
    await h.addQueue('second', 'round-robin', ['d2'], { ringTimeoutS: 20 });
    await h.addQueue('first', 'round-robin', ['d1'], { maxWaitS: 30, overflow: { type: 'queue', queueId: 'second' } });
    await h.queueFlow('first');
    h.pbx.phone('PJSIP/d2', 'manual');
    const caller = h.pbx.callIn({ number: '13800138010', trunk: TRUNK });
    await h.until(() => stats('first').waiting === 1, 'caller waits in first');
    await vi.advanceTimersByTimeAsync(29_000);
    expect(h.pbx.legsTo('PJSIP/d2')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await h.until(() => h.pbx.legsTo('PJSIP/d2').length === 1, 'd2 rings');
    expect(stats('first')).toMatchObject({ waiting: 0, overflowed: 1 });
    expect(stats('second').waiting).toBe(1);
    h.pbx.pickUp(h.pbx.legsTo('PJSIP/d2')[0]!.id);
    await h.until(() => h.pbx.leg(caller)?.bridgeId != null, 'caller bridged to d2');
    expect(stats('second').answered).toBe(1);
    h.pbx.farHangup(caller);
    await h.until(() => h.agents.get('d2')!.state === 'wrap-up', 'd2 wraps up');
  });

  it('no overflow target: the caller is hung up when the wait limit passes', async () => {
    await h.addQueue('lonely', 'round-robin', ['d1'], { maxWaitS: 45 });
    await h.queueFlow('lonely');
    const caller = h.pbx.callIn({ number: '13800138011', trunk: TRUNK });
    await h.until(() => stats('lonely').waiting === 1, 'caller waits');
    await vi.advanceTimersByTimeAsync(45_000);
    await h.until(() => !h.pbx.leg(caller), 'caller hung up');
    expect(stats('lonely')).toMatchObject({ waiting: 0, overflowed: 1 });
  });
});
