import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../core/call/records.ts';
import type { PbxInventory } from '../../core/ports.ts';
import { planTakeover, type OpenLeg } from './takeover.ts';

const call = (id: string, over: Partial<CallRecord> = {}): CallRecord => ({
  id, lineId: 'trunk1', direction: 'inbound', number: '+8613800138001', callerName: null, withheld: null, customerId: null, customerName: null,
  state: 'connected', disposition: null, flowId: 'sales', digits: '', ivrPath: [], blacklistMatch: null, agentId: 'alice', queueId: 'sales',
  notes: null, outcome: null, wrappedAt: null, startedAt: '2026-12-01T10:00:00.000Z', answeredAt: '2026-12-01T10:00:01.000Z', endedAt: null, durationMs: null,
  ...over,
} as CallRecord);
const leg = (callId: string, kind: OpenLeg['kind'], channelId: string, over: Partial<OpenLeg> = {}): OpenLeg => ({
  id: `leg-${channelId}`, callId, kind, channelId, endpoint: null, seatId: null, agentId: null, mode: null,
  startedAt: '2026-12-01T10:00:00.000Z', answeredAt: '2026-12-01T10:00:05.000Z', endedAt: null, endCause: null, sipCallId: null, ...over,
});
const chan = (id: string, role: PbxInventory['legs'][number]['role'] = null, args: string[] = []) => ({ id, name: `PJSIP/x-${id}`, callerNumber: '', callerName: '', role, args, createdAt: null });
const inv = (legIds: string[], bridges: string[][] = [], roles: Record<string, PbxInventory['legs'][number]['role']> = {}, args: Record<string, string[]> = {}): PbxInventory =>
  ({ legs: legIds.map((id) => chan(id, roles[id] ?? null, args[id])), bridges: bridges.map((b, i) => ({ id: `b${i + 1}`, legIds: b })) });
const known = (q: string) => q === 'sales';
const both = [leg('c1', 'caller', 'ch-caller'), leg('c1', 'agent', 'ch-alice', { agentId: 'alice' })];
const bridged = inv(['ch-caller', 'ch-alice'], [['ch-caller', 'ch-alice']]);

describe('planTakeover (a node taken over)', () => {
  it('a queue call whose caller and answering agent share a bridge goes on as a conversation, with both channels and the bridge', () => {
    const plan = planTakeover([call('c1')], both, bridged, known);
    expect(plan.queued).toEqual([]);
    expect(plan.ivr).toEqual([]);
    expect(plan.conversations).toHaveLength(1);
    expect(plan.conversations[0]).toMatchObject({ bridgeId: 'b1', queueId: 'sales', caller: { channel: { id: 'ch-caller', name: 'PJSIP/x-ch-caller' } }, agent: { agentId: 'alice', leg: { id: 'leg-ch-alice' } } });
  });

  it('a caller waiting in a known queue waits on; a caller in the IVR hears its flow again', () => {
    const plan = planTakeover([call('c1', { state: 'queued', agentId: null }), call('c2', { state: 'answered', queueId: null, agentId: null, flowId: 'menu' })],
      [leg('c1', 'caller', 'ch-1'), leg('c1', 'agent', 'ch-ringing', { agentId: 'alice', answeredAt: null }), leg('c2', 'caller', 'ch-2')], inv(['ch-1', 'ch-2', 'ch-ringing']), known);
    expect(plan.queued.map((k) => [k.call.id, k.queueId, k.caller.channel.id])).toEqual([['c1', 'sales', 'ch-1']]);
    expect(plan.ivr.map((k) => [k.call.id, k.flowId, k.caller.channel.id])).toEqual([['c2', 'menu', 'ch-2']]);
    expect(plan.conversations).toEqual([]);
  });

  it('everything else is closed: caller gone, no bridge or the agent not in it, an unanswered or another agent\'s leg, unknown queue, ringing, outbound', () => {
    const none = { conversations: [], queued: [], ivr: [], handset: [], dialled: [], campaign: [], seats: [] };
    expect(planTakeover([call('c1')], both, inv(['ch-alice']), known)).toEqual(none);
    expect(planTakeover([call('c1')], both, inv(['ch-caller', 'ch-alice']), known)).toEqual(none);
    expect(planTakeover([call('c1')], both, inv(['ch-caller', 'ch-alice'], [['ch-caller']]), known)).toEqual(none);
    expect(planTakeover([call('c1')], [both[0]!, leg('c1', 'agent', 'ch-alice', { agentId: 'alice', answeredAt: null })], bridged, known)).toEqual(none);
    expect(planTakeover([call('c1')], [both[0]!, leg('c1', 'agent', 'ch-alice', { agentId: 'bob' })], bridged, known)).toEqual(none);
    expect(planTakeover([call('c1')], [both[0]!, leg('c2', 'agent', 'ch-alice', { agentId: 'alice' })], bridged, known)).toEqual(none);
    expect(planTakeover([call('c1', { queueId: 'gone' })], both, bridged, known)).toEqual(none);
    expect(planTakeover([call('c1', { state: 'queued', agentId: null, queueId: 'gone' })], [both[0]!], inv(['ch-caller']), known)).toEqual(none);
    expect(planTakeover([call('c1', { state: 'ringing', agentId: null, queueId: null })], [both[0]!], inv(['ch-caller']), known)).toEqual(none);
    expect(planTakeover([call('c1', { direction: 'outbound' })], both, bridged, known)).toEqual(none);
    // a handset-node call (bridged to a seat, no queue) is not a queue conversation
    expect(planTakeover([call('c1', { queueId: null })], both, bridged, known)).toEqual(none);
  });

  it('a caller talking to the office phone the handset node rang goes on; a seat leg that did not enter as the handset node\'s does not', () => {
    const h = call('h1', { queueId: null, agentId: null });
    const legs = [leg('h1', 'caller', 'ch-caller'), leg('h1', 'agent', 'ch-other', { answeredAt: null, seatId: 'seat-102' }), leg('h1', 'agent', 'ch-seat', { seatId: 'seat-101' })];
    const up = inv(['ch-caller', 'ch-seat', 'ch-other'], [['ch-caller', 'ch-seat']], { 'ch-seat': 'handset', 'ch-other': 'handset' });
    const plan = planTakeover([h], legs, up, known);
    expect(plan.handset).toHaveLength(1);
    expect(plan.handset[0]).toMatchObject({ bridgeId: 'b1', caller: { channel: { id: 'ch-caller' } }, seat: { channel: { id: 'ch-seat' }, leg: { seatId: 'seat-101' } } });
    // a number the directory node dialled for the caller (an outbound leg of the handset node) too
    const dialled = planTakeover([h], [legs[0]!, leg('h1', 'outbound', 'ch-num')], inv(['ch-caller', 'ch-num'], [['ch-caller', 'ch-num']], { 'ch-num': 'handset' }), known);
    expect(dialled.handset.map((k) => k.seat.channel.id)).toEqual(['ch-num']);
    const none = { conversations: [], queued: [], ivr: [], handset: [], dialled: [], campaign: [], seats: [] };
    expect(planTakeover([h], legs, inv(['ch-caller', 'ch-seat'], [['ch-caller', 'ch-seat']]), known)).toEqual(none);
    expect(planTakeover([h], legs, inv(['ch-caller', 'ch-seat'], [], { 'ch-seat': 'handset' }), known)).toEqual(none);
  });

  it('a click-to-dial call whose agent and customer both answered and share a bridge goes on; not connected, not both in it, or a campaign\'s legs: closed', () => {
    const out = call('o1', { direction: 'outbound', queueId: null, flowId: null });
    const legs = [leg('o1', 'agent', 'ch-seat', { agentId: 'alice', seatId: 'seat-101' }), leg('o1', 'outbound', 'ch-cust')];
    const roles = { 'ch-seat': 'c2d-agent', 'ch-cust': 'c2d-customer' } as const;
    const up = inv(['ch-seat', 'ch-cust'], [['ch-seat', 'ch-cust']], roles);
    const plan = planTakeover([out], legs, up, known);
    expect(plan.dialled).toHaveLength(1);
    expect(plan.dialled[0]).toMatchObject({ bridgeId: 'b1', agent: { channel: { id: 'ch-seat' }, leg: { seatId: 'seat-101' } }, customer: { channel: { id: 'ch-cust', name: 'PJSIP/x-ch-cust' } } });
    expect([...plan.conversations, ...plan.queued, ...plan.ivr]).toEqual([]);
    const none = { conversations: [], queued: [], ivr: [], handset: [], dialled: [], campaign: [], seats: [] };
    // the customer still rings (the call is dialing), or has not answered
    expect(planTakeover([{ ...out, state: 'dialing' }], legs, up, known)).toEqual(none);
    expect(planTakeover([out], [legs[0]!, leg('o1', 'outbound', 'ch-cust', { answeredAt: null })], up, known)).toEqual(none);
    // not in one bridge, or one side gone
    expect(planTakeover([out], legs, inv(['ch-seat', 'ch-cust'], [['ch-seat']], roles), known)).toEqual(none);
    expect(planTakeover([out], legs, inv(['ch-seat'], [['ch-seat']], roles), known)).toEqual(none);
    // a campaign call's legs (role dialer) are not click-to-dial
    expect(planTakeover([out], legs, inv(['ch-seat', 'ch-cust'], [['ch-seat', 'ch-cust']], { 'ch-seat': 'dialer', 'ch-cust': 'dialer' }), known)).toEqual(none);
  });

  it('a campaign call whose callee and the agent\'s seat share a bridge goes on, as does an answered callee in no bridge; seats waiting on hold are kept; any other campaign call is closed', () => {
    const out = call('p1', { direction: 'outbound', queueId: null, flowId: null, agentId: 'alice' });
    const legs = [leg('p1', 'outbound', 'ch-cust')];
    const roles = { 'ch-cust': 'dialer', 'ch-alice': 'dialer', 'ch-bob': 'dialer' } as const;
    const args = { 'ch-cust': ['call', 'p1'], 'ch-alice': ['seat', 'alice'], 'ch-bob': ['seat', 'bob'] };
    const up = inv(['ch-cust', 'ch-alice', 'ch-bob'], [['ch-cust', 'ch-alice']], roles, args);
    const plan = planTakeover([out], legs, up, known);
    expect(plan.campaign).toHaveLength(1);
    expect(plan.campaign[0]).toMatchObject({ bridgeId: 'b1', customer: { leg: { id: 'leg-ch-cust' }, channel: { id: 'ch-cust' } }, seat: { agentId: 'alice', channel: { id: 'ch-alice' } } });
    expect(plan.seats.map((x) => [x.channel.id, x.agentId])).toEqual([['ch-bob', 'bob']]);
    expect(plan.dialled).toEqual([]);
    const closed = (o: typeof out, l: typeof legs, i: PbxInventory) => planTakeover([o], l, i, known).campaign;
    // a callee answered and in no bridge (waiting for an agent, or hearing a message: its attempt tells which): kept, with no seat
    const alone = inv(['ch-cust', 'ch-alice'], [], roles, args);
    expect(closed({ ...out, state: 'answered', agentId: null }, legs, alone)).toMatchObject([{ call: { id: 'p1' }, customer: { channel: { id: 'ch-cust' } }, seat: null, bridgeId: null }]);
    // answered but in a bridge (not a waiting callee), not a dialer's callee, the callee not answered, another agent's seat in the bridge, or no bridge
    expect(closed({ ...out, state: 'answered' }, legs, up)).toEqual([]);
    expect(closed({ ...out, state: 'answered', agentId: null }, legs, inv(['ch-cust'], [], {}, {}))).toEqual([]);
    expect(closed({ ...out, state: 'answered', agentId: null }, [leg('p1', 'outbound', 'ch-cust', { answeredAt: null })], alone)).toEqual([]);
    expect(closed(out, [leg('p1', 'outbound', 'ch-cust', { answeredAt: null })], up)).toEqual([]);
    expect(closed({ ...out, agentId: 'bob' }, legs, up)).toEqual([]);
    expect(closed(out, legs, inv(['ch-cust', 'ch-alice'], [], roles, args))).toEqual([]);
  });

  it('the answered agent leg is found among the unanswered offers of the same call (ring-all)', () => {
    const plan = planTakeover([call('c1', { agentId: 'bob' })], [
      leg('c1', 'caller', 'ch-caller'), leg('c1', 'agent', 'ch-alice', { agentId: 'alice', answeredAt: null }), leg('c1', 'agent', 'ch-bob', { agentId: 'bob' }),
    ], inv(['ch-caller', 'ch-alice', 'ch-bob'], [['ch-caller', 'ch-bob']]), known);
    expect(plan.conversations.map((k) => k.agent.channel.id)).toEqual(['ch-bob']);
  });
});
