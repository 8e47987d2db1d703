/**
 * Click-to-dial on the fake PBX (fake timers): the seat rings first, then the
 * customer through the trunk; the call's disposition says how it ended.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, type PbxHarness } from '../../support/pbx-harness.ts';

describe('click-to-dial (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  const ended = (callId: string) => h.events.find((e) => e.type === 'call.ended' && (e.data as { callId: string }).callId === callId)?.data as { disposition: string } | undefined;
  const seat = (n: string) => h.pbx.legsTo(`PJSIP/${n}`);
  const customer = (digits: string) => h.pbx.legsTo(`PJSIP/${digits}@trunk`);

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['e1', 'e2', 'e3'] });
    await h.service.start();
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the agent and then the customer answer: bridged; hang-up ends it as completed', async () => {
    h.pbx.phone('PJSIP/e1', 'manual');
    h.pbx.phone('PJSIP/13900139000@trunk', 'manual');
    const { callId } = await h.service.clickToDial({ seatId: 'seat-e1', number: '13900139000' });
    await h.until(() => seat('e1').length === 1, 'seat rings');
    h.pbx.pickUp(seat('e1')[0]!.id);
    await h.until(() => customer('13900139000').length === 1, 'customer rings');
    expect(seat('e1')[0]!.ringing).toBe(true);
    // among the calls up (GET /calls/active): dialing until the customer answers, then connected
    expect(h.service.otherCalls()).toEqual([expect.objectContaining({ id: callId, direction: 'outbound', state: 'dialing', number: '+8613900139000', answeredAt: null })]);
    h.pbx.pickUp(customer('13900139000')[0]!.id);
    await h.until(() => seat('e1')[0]?.bridgeId != null, 'bridged');
    expect(seat('e1')[0]!.bridgeId).toBe(customer('13900139000')[0]!.bridgeId);
    await h.until(() => h.service.otherCalls()[0]?.state === 'connected', 'listed as connected');
    expect(h.service.otherCalls()[0]!.answeredAt).not.toBeNull();
    h.pbx.farHangup(customer('13900139000')[0]!.id);
    await h.until(() => ended(callId) !== undefined && seat('e1').length === 0, 'call ended, seat hung up');
    expect(ended(callId)!.disposition).toBe('completed');
    expect(h.service.otherCalls()).toEqual([]);
  });

  it('the customer is busy: the agent leg is hung up, disposition busy', async () => {
    h.pbx.phone('PJSIP/e2', 'manual');
    h.pbx.phone('PJSIP/13900139001@trunk', 'busy');
    const { callId } = await h.service.clickToDial({ seatId: 'seat-e2', number: '13900139001' });
    await h.until(() => seat('e2').length === 1, 'seat rings');
    h.pbx.pickUp(seat('e2')[0]!.id);
    await vi.advanceTimersByTimeAsync(0);
    await h.until(() => ended(callId) !== undefined && seat('e2').length === 0, 'call ended');
    expect(ended(callId)!.disposition).toBe('busy');
  });

  it('nobody at the seat answers: after its 30 s ring, agent-no-answer, the customer never dialled', async () => {
    h.pbx.phone('PJSIP/e3', 'no-answer');
    const { callId } = await h.service.clickToDial({ seatId: 'seat-e3', number: '13900139002' });
    await h.until(() => seat('e3').length === 1, 'seat rings');
    await vi.advanceTimersByTimeAsync(30_000);
    await h.until(() => ended(callId) !== undefined, 'call ended');
    expect(ended(callId)!.disposition).toBe('agent-no-answer');
    expect(customer('13900139002')).toHaveLength(0);
  });
});
