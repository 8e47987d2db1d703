/**
 * The IVR `handset` node on the PBX: the office phones are the seats. Their
 * phones ring all at once for `ringS` while the caller hears ringing; the
 * first to answer is bridged to the caller (the call is then `connected`,
 * with the agent logged in at that seat, if any, on the record); nobody
 * answering sends the flow to the node's fallback. Agent states are not
 * touched: this is the office phone, not an ACD offer.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { quietly } from './quietly.ts';
import type { Pbx } from '../../core/ports.ts';
import type { CallSession } from '../telephony/session.ts';
import type { LegLog } from './legs.ts';

/** A seat's phone, or (kind `outbound`) a number dialled through a trunk: what the directory node transfers to. */
export interface RingSeat { id: string; endpoint: string; agentId: string | null; kind?: 'agent' | 'outbound' }

interface Ring {
  call: CallSession; callerChannelId: string; legs: Map<string, RingSeat>; answered: string | null; bridgeId: string | null;
  settle(ok: boolean): void;
}

export class SeatRinger {
  private readonly rings = new Set<Ring>();

  constructor(private readonly pbx: Pbx, private readonly legLog: LegLog, private readonly log: Logger) {}

  /** Ring `seats`; true once one answered and is bridged to the caller, false when none did within `ringS`. */
  async ring(call: CallSession, callerChannelId: string, seats: RingSeat[], ringS: number): Promise<boolean> {
    if (seats.length === 0) return false;
    let settle!: (ok: boolean) => void;
    const settled = new Promise<boolean>((r) => { settle = r; });
    const ring: Ring = { call, callerChannelId, legs: new Map(), answered: null, bridgeId: null, settle: (ok) => settle(ok) };
    this.rings.add(ring);
    await this.pbx.ring(callerChannelId, true).catch(quietly(this.log, 'PBX clean-up'));
    const snap = call.snapshot();
    for (const seat of seats) {
      const channelId = randomUUID();
      ring.legs.set(channelId, seat);
      const outbound = seat.kind === 'outbound';
      this.legLog.start({ callId: call.id, kind: outbound ? 'outbound' : 'agent', channelId, endpoint: seat.endpoint, seatId: outbound ? null : seat.id, agentId: seat.agentId }, call.created);
      this.pbx.originate({ id: channelId, endpoint: seat.endpoint, role: 'handset', args: [call.id], timeoutS: ringS, callerId: snap.number ?? 'kefu' })
        .catch((err: unknown) => { this.log.warn({ err, seatId: seat.id }, 'could not ring the seat'); this.legLog.ended(channelId, 'failed'); this.legGone(channelId); });
    }
    const ok = await settled;
    await this.pbx.ring(callerChannelId, false).catch(quietly(this.log, 'PBX clean-up'));
    return ok;
  }

  private find(channelId: string): Ring | undefined {
    for (const r of this.rings) if (r.legs.has(channelId)) return r;
    return undefined;
  }

  owns(channelId: string): boolean { return this.find(channelId) !== undefined; }

  /** A seat answered (its channel entered Stasis). */
  async answered(channelId: string): Promise<void> {
    const r = this.find(channelId);
    if (!r || r.answered) { await this.pbx.hangup(channelId).catch(quietly(this.log, 'PBX clean-up')); return; }
    r.answered = channelId;
    for (const other of r.legs.keys()) if (other !== channelId) void this.pbx.hangup(other).catch(quietly(this.log, 'PBX clean-up'));
    await this.pbx.ring(r.callerChannelId, false).catch(quietly(this.log, 'PBX clean-up'));
    r.bridgeId = await this.pbx.bridge([r.callerChannelId, channelId]);
    r.call.agentConnected(r.legs.get(channelId)!.agentId);
    r.settle(true);
  }

  /** A channel went away; true when it was a seat leg of a handset call. */
  legGone(channelId: string): boolean {
    const r = this.find(channelId);
    if (!r) return false;
    r.legs.delete(channelId);
    if (r.answered === channelId) {
      // The conversation is over: the caller is hung up too.
      this.rings.delete(r);
      if (r.bridgeId) void this.pbx.destroyBridge(r.bridgeId).catch(quietly(this.log, 'PBX clean-up'));
      void this.pbx.hangup(r.callerChannelId).catch(quietly(this.log, 'PBX clean-up'));
    } else if (r.answered === null && r.legs.size === 0) {
      this.rings.delete(r);
      r.settle(false);
    }
    return true;
  }

  /**
   * A conversation the earlier owner of the node connected (takeover): the
   * caller and the office phone that answered go on in their bridge; either
   * side hanging up ends it as if this daemon had connected them.
   */
  adopt(call: CallSession, callerChannelId: string, seatChannelId: string, seat: RingSeat, bridgeId: string): void {
    this.rings.add({ call, callerChannelId, legs: new Map([[seatChannelId, seat]]), answered: seatChannelId, bridgeId, settle: () => undefined });
  }

  /** Forgotten without a command (NodeTakeover.forget): the seats ringing for this daemon's calls are the rows' to settle. */
  forget(): void { this.rings.clear(); }

  /** The caller hung up: every seat leg of theirs is hung up. */
  callerGone(callerChannelId: string): void {
    for (const r of this.rings) {
      if (r.callerChannelId !== callerChannelId) continue;
      for (const leg of r.legs.keys()) void this.pbx.hangup(leg).catch(quietly(this.log, 'PBX clean-up'));
      if (r.answered === null) r.settle(false);
    }
  }
}
