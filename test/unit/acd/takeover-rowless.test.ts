/**
 * A caller whose call has no row at a takeover (fake PBX, fake timers): the
 * earlier owner of the node took the caller in and answered while it could
 * not write (its database away longer than the lease), then lost the node.
 * The new owner finds the channel in its application with no leg row naming
 * it, and starts a new call for it, as for a caller who just came in. Before,
 * the resync hung that caller up: no record at all. A channel a row does name
 * (a call that ended while its caller was being hung up) is not taken in
 * again: hung up, no second record.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pausedQueueHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('a caller whose call has no row when the node is taken over (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const log: string[] = [];
  const waiting = () => h.service.acd.queueStats().find((x) => x.queueId === 'sales')!.waiting;
  const rows = async (number: string) =>
    (await h.db.query<{ id: string; state: string; started_at: Date; ended_at: Date | null }>('SELECT id, state, started_at, ended_at FROM calls WHERE number LIKE $1', [`%${number}`])).rows;

  beforeAll(async () => { h = await pausedQueueHarness(log); });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the new owner starts a call for it (one record, the caller kept); a caller whose ended call a row names is hung up', async () => {
    // E's call is this daemon's; its row then ends while its channel is still there (being hung up when the node changed hands)
    const e = h.pbx.callIn({ number: '13800138031', trunk: TRUNK });
    await h.until(() => waiting() === 1, 'E waits');
    let eRows = await rows('13800138031');
    for (let i = 0; i < 200 && eRows[0]?.state !== 'queued'; i++) { await h.settle(); eRows = await rows('13800138031'); }
    expect(eRows).toHaveLength(1);
    await h.db.query("UPDATE calls SET ended_at = now(), disposition = 'abandoned' WHERE id = $1", [eRows[0]!.id]);
    await h.db.query("UPDATE call_legs SET ended_at = now(), end_cause = 'normal' WHERE call_id = $1", [eRows[0]!.id]);

    // the link drops; meanwhile R calls, taken in and answered by the earlier owner, who writes nothing of it
    h.pbx.linkDown();
    await h.settle();
    const r = h.pbx.callIn({ number: '13800138032', trunk: TRUNK, earlier: true });
    // the caller has been on the line a while when this daemon gets the node
    await vi.advanceTimersByTimeAsync(8_000);
    let takeover = true;
    h.service.takenOver = () => { const t = takeover; takeover = false; return t; };
    h.pbx.linkUp();
    await h.until(() => waiting() === 1 && !h.pbx.leg(e), 'R waits in the queue, E hung up');
    await h.settle();

    // R: one row, open, waiting in the queue, its caller leg naming R's channel; the caller is still there
    const rRows = await rows('13800138032');
    expect(rRows).toHaveLength(1);
    expect(rRows[0]).toMatchObject({ state: 'queued', ended_at: null });
    // the record starts when the caller called (the channel's creation), not at the takeover
    expect(rRows[0]!.started_at.toISOString()).toBe(h.pbx.leg(r)!.createdAt);
    expect((await h.repos.legs.forCall(rRows[0]!.id)).map((l) => [l.kind, l.channelId])).toEqual([['caller', r]]);
    expect(h.pbx.leg(r)).toBeDefined();
    // E: still its one row, the one that ended; its channel was hung up, not taken in as a new call
    expect(await rows('13800138031')).toHaveLength(1);
    const report = log.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'node taken over');
    expect(report).toMatchObject({ conversations: 0, queued: 0, ivr: 0, rowless: 1, arrivedMeanwhile: 0 });
    expect(log.some((l) => l.includes('caller whose call has no row') && l.includes(r))).toBe(true);
  });
});
