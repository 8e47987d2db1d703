/**
 * A call that comes in while a takeover runs is the new owner's own (fake
 * PBX, fake timers): the takeover (cluster lease) drops what this daemon
 * remembered as its ARI link comes up, plans the earlier owner's calls from
 * the rows, and leaves alone a call that arrived after the link-up. Before
 * the fix the takeover forgot that call and closed its row as `interrupted`
 * (the lab's test/asterisk/lease.test.ts hit it with a real Asterisk, when
 * the takeover read the rows before the new call's were written; here they
 * are written first, and the takeover dropped the call's session and
 * started it again from its row, as its report says).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pausedQueueHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('a call that comes in during a takeover (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const log: string[] = [];
  const waiting = () => h.service.acd.queueStats().find((x) => x.queueId === 'sales')!.waiting;
  const row = async (number: string) => (await h.repos.calls.open()).find((c) => c.number?.endsWith(number)) ?? null;

  beforeAll(async () => { h = await pausedQueueHarness(log); });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the earlier caller is taken over from its row; the one that came in meanwhile keeps its call and its place', async () => {
    // caller X waits in the queue (this daemon's memory, stale once the node was another daemon's)
    const x = h.pbx.callIn({ number: '13800138021', trunk: TRUNK });
    await h.until(() => waiting() === 1, 'X waits');
    let xRow = await row('13800138021');
    for (let i = 0; i < 200 && xRow?.state !== 'queued'; i++) { await h.settle(); xRow = await row('13800138021'); }
    expect(xRow?.state).toBe('queued');
    // X has waited a while when the link drops
    await vi.advanceTimersByTimeAsync(5_000);

    // the link drops; the node comes back to this daemon under a new epoch (a takeover), and Y calls as the link comes up
    h.pbx.linkDown();
    await h.settle();
    let takeover = true;
    h.service.takenOver = () => { const t = takeover; takeover = false; return t; };
    h.pbx.linkUp();
    // Y comes in once the resync has asked Asterisk for its channels (the link-up's microtask), while the takeover reads the rows
    for (let i = 0; i < 3; i++) await Promise.resolve();
    const y = h.pbx.callIn({ number: '13800138022', trunk: TRUNK });
    await h.until(() => waiting() === 2, 'X resumed and Y waiting');
    await h.settle();

    // both rows open and queued: X's the same row (taken over), Y's its own; nothing closed as interrupted
    const [xAfter, yAfter] = [await row('13800138021'), await row('13800138022')];
    expect(xAfter).toMatchObject({ id: xRow!.id, state: 'queued' });
    expect(yAfter).toMatchObject({ state: 'queued' });
    expect(h.pbx.leg(x)).toBeDefined();
    expect(h.pbx.leg(y)).toBeDefined();
    // the takeover's report: X taken over from its row as a queued caller; Y, which came in meanwhile, left to its own session
    // (not dropped and started again from its row, as an IVR caller)
    const report = log.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'node taken over');
    expect(report).toMatchObject({ conversations: 0, queued: 1, ivr: 0, closed: 0, arrivedMeanwhile: 1 });
    // the first ready agent's phone rings for X, who waited longest
    h.pbx.phone('PJSIP/d1', 'manual');
    await h.agents.setState('d1', { state: 'ready', seatId: 'seat-d1' });
    await h.until(() => h.pbx.legsTo('PJSIP/d1').length === 1, 'd1 rings');
    h.pbx.pickUp(h.pbx.legsTo('PJSIP/d1')[0]!.id);
    await h.until(() => h.pbx.leg(x)?.bridgeId != null, 'X bridged to d1');
    expect(h.pbx.leg(y)?.bridgeId ?? null).toBeNull();
  });
});
