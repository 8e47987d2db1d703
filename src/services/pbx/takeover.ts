/**
 * Taking an Asterisk node over from another daemon (cluster lease,
 * docs/scale-out.md): what becomes of each call the earlier owner left open
 * on the node's lines, from the call rows and what Asterisk has now. Pure:
 * the PBX service reads the rows and Asterisk, this decides.
 *
 * - `conversation`: a queue call whose caller and the agent who answered are
 *   still in one mixing bridge goes on as it is (never cut).
 * - `queued`: a caller waiting in a queue waits on, in the same queue.
 * - `ivr`: a caller in the IVR hears the call's flow again from its start.
 * - `handset`: a caller talking to an office phone (the IVR's handset node,
 *   or a number the directory transferred to) in one mixing bridge goes on.
 * - `dialled`: a click-to-dial call whose agent and customer are still in one
 *   mixing bridge goes on as it is.
 * - `campaign`: a campaign call whose callee and the agent's nailed-up seat
 *   are still in one mixing bridge goes on (its attempt with it); so does an
 *   answered callee in no bridge (a person waiting for an agent, when the
 *   attempt says so: an agent or the abandon message follows); `seats`:
 *   agents' nailed-up seats waiting for the next campaign call stay up.
 * - everything else (ringing, a click-to-dial call not connected yet, the
 *   caller gone, the agent gone from the bridge): closed as `interrupted`,
 *   its channels hung up.
 */
import type { CallLeg, CallRecord } from '../../core/call/records.ts';
import type { PbxInventory, PbxLegInfo } from '../../core/ports.ts';

export type OpenLeg = CallLeg & { callId: string };

interface Resumed { call: CallRecord; caller: { leg: OpenLeg; channel: PbxLegInfo } }
/** A conversation that goes on under the new owner. */
export interface Conversation extends Resumed {
  agent: { leg: OpenLeg; channel: PbxLegInfo; agentId: string };
  queueId: string;
  bridgeId: string;
}
export interface Queued extends Resumed { queueId: string }
/** A caller talking to an office phone the handset node rang (or a number the directory node dialled). */
export interface Handset extends Resumed { seat: { leg: OpenLeg; channel: PbxLegInfo }; bridgeId: string }
export interface InIvr extends Resumed { flowId: string | null }

/** A click-to-dial conversation that goes on under the new owner. */
export interface Dialled {
  call: CallRecord;
  agent: { leg: OpenLeg; channel: PbxLegInfo };
  customer: { leg: OpenLeg; channel: PbxLegInfo };
  bridgeId: string;
}

/**
 * A campaign call: the callee's leg and the agent's nailed-up seat (no leg
 * row: `dialer`, `seat <agent>`) in one bridge; or (`seat` and `bridgeId`
 * null) an answered callee in no bridge, waiting for an agent or hearing a
 * message (its attempt tells which).
 */
export interface Campaigned {
  call: CallRecord;
  customer: { leg: OpenLeg; channel: PbxLegInfo };
  seat: { channel: PbxLegInfo; agentId: string } | null;
  bridgeId: string | null;
}

/** An agent's nailed-up seat waiting for the next campaign call (in no bridge). */
export interface IdleSeat { channel: PbxLegInfo; agentId: string }

export interface TakeoverPlan { conversations: Conversation[]; queued: Queued[]; ivr: InIvr[]; handset: Handset[]; dialled: Dialled[]; campaign: Campaigned[]; seats: IdleSeat[] }

type Channel = PbxInventory['legs'][number];
const seatOf = (c: Channel | undefined): string | null => (c?.role === 'dialer' && c.args[0] === 'seat' && c.args[1] ? c.args[1] : null);

export function planTakeover(open: readonly CallRecord[], legs: readonly OpenLeg[], now: PbxInventory, knowsQueue: (id: string) => boolean): TakeoverPlan {
  const channels = new Map(now.legs.map((l) => [l.id, l]));
  const bridgeOf = new Map<string, { id: string; legIds: string[] }>();
  for (const b of now.bridges) for (const id of b.legIds) bridgeOf.set(id, b);
  const plan: TakeoverPlan = { conversations: [], queued: [], ivr: [], handset: [], dialled: [], campaign: [], seats: [] };
  for (const c of now.legs) {
    const agentId = seatOf(c);
    if (agentId && !bridgeOf.has(c.id)) plan.seats.push({ channel: c, agentId });
  }
  for (const call of open) {
    if (call.direction !== 'inbound') {
      const d = dialled(call, legs, channels, bridgeOf);
      if (d) plan.dialled.push(d);
      const k = d ? null : campaigned(call, legs, channels, bridgeOf);
      if (k) plan.campaign.push(k);
      continue;
    }
    const mine = legs.filter((l) => l.callId === call.id && l.channelId);
    const callerLeg = mine.find((l) => l.kind === 'caller');
    const channel = callerLeg ? channels.get(callerLeg.channelId!) : undefined;
    if (!callerLeg || !channel) continue;
    const caller = { leg: callerLeg, channel };
    const bridge = bridgeOf.get(channel.id);
    if (call.state === 'connected' && call.queueId && call.agentId && bridge && knowsQueue(call.queueId)) {
      const agentLeg = mine.find((l) => l.kind === 'agent' && l.answeredAt && l.agentId === call.agentId && bridge.legIds.includes(l.channelId!));
      const agentChannel = agentLeg ? channels.get(agentLeg.channelId!) : undefined;
      if (agentLeg && agentChannel) plan.conversations.push({ call, caller, queueId: call.queueId, bridgeId: bridge.id, agent: { leg: agentLeg, channel: agentChannel, agentId: call.agentId } });
    } else if (call.state === 'connected' && !call.queueId && bridge) {
      // the office phone that answered: the call's answered leg in the caller's bridge that entered as the handset node's
      const seatLeg = mine.find((l) => (l.kind === 'agent' || l.kind === 'outbound') && l.answeredAt && bridge.legIds.includes(l.channelId!) && channels.get(l.channelId!)?.role === 'handset');
      const seatChannel = seatLeg ? channels.get(seatLeg.channelId!) : undefined;
      if (seatLeg && seatChannel) plan.handset.push({ call, caller, seat: { leg: seatLeg, channel: seatChannel }, bridgeId: bridge.id });
    } else if (call.state === 'queued' && call.queueId && !bridge && knowsQueue(call.queueId)) {
      plan.queued.push({ call, caller, queueId: call.queueId });
    } else if (call.state === 'answered' && !bridge) {
      plan.ivr.push({ call, caller, flowId: call.flowId });
    }
  }
  return plan;
}

/** An outbound call whose click-to-dial legs (the agent's, the customer's) both answered and are in one bridge now. */
function dialled(call: CallRecord, legs: readonly OpenLeg[], channels: Map<string, Channel>, bridgeOf: Map<string, { id: string; legIds: string[] }>): Dialled | null {
  if (call.state !== 'connected') return null;
  const mine = legs.filter((l) => l.callId === call.id && l.channelId && l.answeredAt);
  const pick = (kind: 'agent' | 'outbound', role: string) => {
    const leg = mine.find((l) => l.kind === kind);
    const channel = leg ? channels.get(leg.channelId!) : undefined;
    return leg && channel && channel.role === role ? { leg, channel } : null;
  };
  const agent = pick('agent', 'c2d-agent');
  const customer = pick('outbound', 'c2d-customer');
  const bridge = agent ? bridgeOf.get(agent.channel.id) : undefined;
  if (!agent || !customer || !bridge || !bridge.legIds.includes(customer.channel.id)) return null;
  return { call, agent, customer, bridgeId: bridge.id };
}

/**
 * An outbound campaign call whose answered callee (`dialer`, `call ...`) is
 * in one bridge with the seat of the agent the row names (`connected`), or
 * in no bridge (`answered`: no agent took them yet).
 */
function campaigned(call: CallRecord, legs: readonly OpenLeg[], channels: Map<string, Channel>, bridgeOf: Map<string, { id: string; legIds: string[] }>): Campaigned | null {
  if (call.state !== 'connected' && call.state !== 'answered') return null;
  const leg = legs.find((l) => l.callId === call.id && l.kind === 'outbound' && l.channelId && l.answeredAt);
  const channel = leg ? channels.get(leg.channelId!) : undefined;
  if (!leg || !channel || channel.role !== 'dialer' || channel.args[0] !== 'call') return null;
  const bridge = bridgeOf.get(channel.id);
  if (call.state === 'answered') return bridge ? null : { call, customer: { leg, channel }, seat: null, bridgeId: null };
  if (!call.agentId) return null;
  const seat = bridge?.legIds.map((id) => channels.get(id)).find((c) => seatOf(c) === call.agentId);
  if (!bridge || !seat) return null;
  return { call, customer: { leg, channel }, seat: { channel: seat, agentId: call.agentId }, bridgeId: bridge.id };
}
