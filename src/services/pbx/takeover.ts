/**
 * Taking an Asterisk node over from another daemon (cluster lease,
 * docs/scale-out.md): which of the calls the earlier owner left open go on.
 * A queue call goes on when its caller and the agent who answered are still
 * in one mixing bridge on Asterisk: the conversation is never cut. Every
 * other open call of the node's lines (in the IVR, waiting in a queue,
 * ringing a seat, click-to-dial, a caller alone) is closed as `interrupted`
 * and its channels are hung up. Pure: the PBX service reads the rows and
 * Asterisk, this decides.
 */
import type { CallLeg, CallRecord } from '../../core/call/records.ts';
import type { PbxLegInfo } from '../../core/ports.ts';

export type OpenLeg = CallLeg & { callId: string };

/** A conversation that goes on under the new owner. */
export interface Conversation {
  call: CallRecord;
  caller: { leg: OpenLeg; channel: PbxLegInfo };
  agent: { leg: OpenLeg; channel: PbxLegInfo; agentId: string };
  queueId: string;
  bridgeId: string;
}

export function conversationsToKeep(open: readonly CallRecord[], legs: readonly OpenLeg[], bridges: ReadonlyArray<{ id: string; legs: PbxLegInfo[] }>): Conversation[] {
  const bridgeOf = new Map<string, { id: string; channels: Map<string, PbxLegInfo> }>();
  for (const b of bridges) {
    const entry = { id: b.id, channels: new Map(b.legs.map((l) => [l.id, l])) };
    for (const l of b.legs) bridgeOf.set(l.id, entry);
  }
  const kept: Conversation[] = [];
  for (const call of open) {
    if (call.direction !== 'inbound' || !call.queueId || !call.agentId || call.state !== 'connected') continue;
    const mine = legs.filter((l) => l.callId === call.id && l.channelId);
    const callerLeg = mine.find((l) => l.kind === 'caller');
    const bridge = callerLeg ? bridgeOf.get(callerLeg.channelId!) : undefined;
    if (!callerLeg || !bridge) continue;
    const agentLeg = mine.find((l) => l.kind === 'agent' && l.answeredAt && l.agentId === call.agentId && bridge.channels.has(l.channelId!));
    if (!agentLeg) continue;
    kept.push({
      call, queueId: call.queueId, bridgeId: bridge.id,
      caller: { leg: callerLeg, channel: bridge.channels.get(callerLeg.channelId!)! },
      agent: { leg: agentLeg, channel: bridge.channels.get(agentLeg.channelId!)!, agentId: call.agentId },
    });
  }
  return kept;
}
