import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../core/call/records.ts';
import { conversationsToKeep, type OpenLeg } from './takeover.ts';

const call = (id: string, over: Partial<CallRecord> = {}): CallRecord => ({
  id, lineId: 'trunk1', direction: 'inbound', number: '+8613800138001', callerName: null, withheld: null, customerId: null, customerName: null,
  state: 'connected', disposition: null, flowId: 'sales', digits: '', ivrPath: [], blacklistMatch: null, agentId: 'alice', queueId: 'sales',
  notes: null, outcome: null, wrappedAt: null, startedAt: '2026-12-01T10:00:00.000Z', answeredAt: '2026-12-01T10:00:01.000Z', endedAt: null, durationMs: null,
  ...over,
} as CallRecord);
const leg = (callId: string, kind: OpenLeg['kind'], channelId: string, over: Partial<OpenLeg> = {}): OpenLeg => ({
  id: `leg-${channelId}`, callId, kind, channelId, endpoint: null, seatId: null, agentId: null, mode: null,
  startedAt: '2026-12-01T10:00:00.000Z', answeredAt: '2026-12-01T10:00:05.000Z', endedAt: null, endCause: null, ...over,
});
const chan = (id: string) => ({ id, name: `PJSIP/x-${id}`, callerNumber: '', callerName: '' });

describe('conversationsToKeep (a node taken over)', () => {
  it('keeps a queue call whose caller and answering agent share a bridge, with both channels and the bridge', () => {
    const kept = conversationsToKeep([call('c1')], [leg('c1', 'caller', 'ch-caller'), leg('c1', 'agent', 'ch-alice', { agentId: 'alice' })],
      [{ id: 'b1', legs: [chan('ch-caller'), chan('ch-alice')] }]);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ bridgeId: 'b1', queueId: 'sales', caller: { channel: { id: 'ch-caller', name: 'PJSIP/x-ch-caller' } }, agent: { agentId: 'alice', leg: { id: 'leg-ch-alice' } } });
  });

  it('closes everything else: in the IVR or a queue, no bridge, the agent not in it, an unanswered or other agent leg, outbound', () => {
    const bridged = [{ id: 'b1', legs: [chan('ch-caller'), chan('ch-alice')] }];
    const both = [leg('c1', 'caller', 'ch-caller'), leg('c1', 'agent', 'ch-alice', { agentId: 'alice' })];
    expect(conversationsToKeep([call('c1', { state: 'queued', agentId: null })], both, bridged)).toEqual([]);
    expect(conversationsToKeep([call('c1', { state: 'answered', queueId: null, agentId: null })], both, bridged)).toEqual([]);
    expect(conversationsToKeep([call('c1')], both, [])).toEqual([]);
    expect(conversationsToKeep([call('c1')], both, [{ id: 'b1', legs: [chan('ch-caller')] }])).toEqual([]);
    expect(conversationsToKeep([call('c1')], [both[0]!, leg('c1', 'agent', 'ch-alice', { agentId: 'alice', answeredAt: null })], bridged)).toEqual([]);
    expect(conversationsToKeep([call('c1')], [both[0]!, leg('c1', 'agent', 'ch-alice', { agentId: 'bob' })], bridged)).toEqual([]);
    expect(conversationsToKeep([call('c1', { direction: 'outbound' })], both, bridged)).toEqual([]);
    // a leg of another call in the bridge does not count
    expect(conversationsToKeep([call('c1')], [both[0]!, leg('c2', 'agent', 'ch-alice', { agentId: 'alice' })], bridged)).toEqual([]);
  });

  it('an answered agent leg is found among the unanswered offers of the same call (ring-all)', () => {
    const kept = conversationsToKeep([call('c1', { agentId: 'bob' })], [
      leg('c1', 'caller', 'ch-caller'), leg('c1', 'agent', 'ch-alice', { agentId: 'alice', answeredAt: null }), leg('c1', 'agent', 'ch-bob', { agentId: 'bob' }),
    ], [{ id: 'b1', legs: [chan('ch-caller'), chan('ch-bob')] }]);
    expect(kept.map((k) => k.agent.channel.id)).toEqual(['ch-bob']);
  });
});
