/**
 * Conversations other than a queue's at a takeover (fake PBX, fake timers):
 * a click-to-dial call (agent and customer in one bridge) and a caller
 * talking to the office phone the IVR's handset node rang. The new owner
 * keeps them (before: closed as `interrupted`, both sides hung up): the
 * bridge stays, the row stays open, and the call ends `completed` when a
 * side hangs up or through the API, one record, its legs closed by their
 * real end. A click-to-dial call still ringing the customer is closed as
 * before.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';

describe('click-to-dial and handset conversations when the node is taken over (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const log: string[] = [];
  const seat = (n: string) => h.pbx.legsTo(`PJSIP/${n}`);
  const customer = (digits: string) => h.pbx.legsTo(`PJSIP/${digits}@trunk`);
  const row = async (id: string) => (await h.db.query<{ state: string; disposition: string | null; ended_at: Date | null }>('SELECT state, disposition, ended_at FROM calls WHERE id = $1', [id])).rows[0];
  const legs = async (id: string) => (await h.db.query<{ kind: string; end_cause: string | null }>('SELECT kind, end_cause FROM call_legs WHERE call_id = $1 ORDER BY kind', [id])).rows;
  const ended = (callId: string) => h.events.filter((e) => e.type === 'call.ended' && (e.data as { callId: string }).callId === callId);
  /** A click-to-dial call from seat `s` to `digits`, answered on both sides and bridged. */
  const connected = async (s: string, digits: string): Promise<string> => {
    h.pbx.phone(`PJSIP/${s}`, 'manual');
    h.pbx.phone(`PJSIP/${digits}@trunk`, 'manual');
    const { callId } = await h.service.clickToDial({ seatId: `seat-${s}`, number: digits });
    await h.until(() => seat(s).length === 1, 'seat rings');
    h.pbx.pickUp(seat(s)[0]!.id);
    await h.until(() => customer(digits).length === 1, 'customer rings');
    h.pbx.pickUp(customer(digits)[0]!.id);
    await h.until(() => seat(s)[0]?.bridgeId != null, 'bridged');
    for (let i = 0; i < 200 && (await row(callId))?.state !== 'connected'; i++) await h.settle();
    return callId;
  };

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['e1', 'e2', 'e3'], node: 'node-a', writer: 'daemon-2', logLines: log });
    await h.service.start();
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the conversation goes on in its bridge; a side hanging up ends it completed, one record; a call still dialling is closed', async () => {
    const a = await connected('e1', '13900139100');
    const b = await connected('e2', '13900139101');
    // C: the customer still rings when the node changes hands
    h.pbx.phone('PJSIP/e3', 'manual');
    h.pbx.phone('PJSIP/13900139102@trunk', 'manual');
    const { callId: c } = await h.service.clickToDial({ seatId: 'seat-e3', number: '13900139102' });
    await h.until(() => seat('e3').length === 1, 'seat rings');
    h.pbx.pickUp(seat('e3')[0]!.id);
    await h.until(() => customer('13900139102').length === 1, 'C\'s customer rings');
    const bridgeA = seat('e1')[0]!.bridgeId;

    const report = await h.takeOver();
    expect(report).toMatchObject({ dialled: 2, closed: 1 });
    await h.until(() => seat('e3').length === 0 && customer('13900139102').length === 0, 'C\'s legs hung up');
    // A and B: untouched, same bridge, rows open
    expect(seat('e1')[0]!.bridgeId).toBe(bridgeA);
    expect(customer('13900139100')[0]!.bridgeId).toBe(bridgeA);
    expect(await row(a)).toMatchObject({ state: 'connected', ended_at: null });
    expect(await row(b)).toMatchObject({ state: 'connected', ended_at: null });
    expect((await row(c))!.disposition).toBe('interrupted');

    // A's customer hangs up: A ends completed, the seat is hung up; B through the API
    h.pbx.farHangup(customer('13900139100')[0]!.id);
    await h.until(() => ended(a).length === 1 && seat('e1').length === 0, 'A ended, the seat hung up');
    expect(await h.service.hangupOutbound(b)).toBe(true);
    await h.until(() => ended(b).length === 1 && seat('e2').length === 0 && customer('13900139101').length === 0, 'B ended, both sides hung up');
    await h.settle();
    for (const id of [a, b]) {
      expect(await row(id)).toMatchObject({ state: 'ended', disposition: 'completed' });
      expect(ended(id).map((e) => (e.data as { disposition: string }).disposition)).toEqual(['completed']);
      const l = await legs(id);
      expect(l.map((x) => x.kind)).toEqual(['agent', 'outbound']);
      expect(l.every((x) => x.end_cause !== null && x.end_cause !== 'interrupted')).toBe(true);
    }
    expect((await h.db.query('SELECT 1 FROM calls WHERE number = ANY($1::text[])', [['+8613900139100', '+8613900139101']])).rows).toHaveLength(2);
  });

  it('a caller talking to the office phone the handset node rang goes on; the phone hanging up ends it completed', async () => {
    await h.flows.create({ id: 'main', name: 'Office', entry: 'office', nodes: { office: { type: 'handset', seats: ['seat-e1'], ringS: 20, fallback: 'bye' }, bye: { type: 'hangup' } } });
    h.pbx.phone('PJSIP/e1', 'manual');
    const caller = h.pbx.callIn({ number: '13800138041', trunk: TRUNK });
    await h.until(() => seat('e1').length === 1, 'the office phone rings');
    h.pbx.pickUp(seat('e1')[0]!.id);
    await h.until(() => seat('e1')[0]?.bridgeId != null && h.pbx.leg(caller)?.bridgeId === seat('e1')[0]!.bridgeId, 'caller and phone bridged');
    const id = async () => (await h.db.query<{ id: string }>('SELECT id FROM calls WHERE number = $1', ['+8613800138041'])).rows[0]?.id;
    let callId: string | undefined;
    for (let i = 0; i < 200 && (!(callId = await id()) || (await row(callId))?.state !== 'connected'); i++) await h.settle();
    const bridge = seat('e1')[0]!.bridgeId;

    expect(await h.takeOver()).toMatchObject({ handset: 1, dialled: 0, closed: 0 });
    await h.settle();
    expect(h.pbx.leg(caller)?.bridgeId).toBe(bridge);
    expect(seat('e1')[0]?.bridgeId).toBe(bridge);
    expect(await row(callId!)).toMatchObject({ state: 'connected', ended_at: null });

    // the office phone hangs up: the caller is hung up, the call ends completed
    h.pbx.farHangup(seat('e1')[0]!.id);
    await h.until(() => ended(callId!).length === 1 && !h.pbx.leg(caller), 'the call ended, the caller hung up');
    await h.settle();
    expect(await row(callId!)).toMatchObject({ state: 'ended', disposition: 'completed' });
    const l = await legs(callId!);
    expect(l.map((x) => x.kind)).toEqual(['agent', 'caller']);
    expect(l.every((x) => x.end_cause !== null && x.end_cause !== 'interrupted')).toBe(true);
  });
});
