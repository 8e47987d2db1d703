/**
 * Click-to-dial on the PBX: ring the agent's seat first; when the agent
 * answers, dial the customer through a line; bridge them when the customer
 * answers. Driven by the outbound call machine (src/core/call/outbound.ts);
 * one call record (outbound, the ledger's), recorded like an inbound call;
 * both legs in call_legs. A request that waits for a line has its record
 * from the start (state waiting-for-line) and gets its line when one is free.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { quietly } from './quietly.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { Pbx, PbxGoneReason, PbxLegInfo, PbxLegRole } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import { outboundSnapshot, type CallSnapshot } from '../telephony/snapshot.ts';
import type { ActiveRecording } from '../recording/recorder.ts';
import type { LegLog } from './legs.ts';
import type { LedgerCall } from '../calls/ledger.ts';
import type { Disposition } from '../../core/call/disposition.ts';
import type { CallRecord } from '../../core/call/records.ts';
import { outboundTransition, startOutbound, type DialFailure, type OutboundEffect, type OutboundEvent, type OutboundPlan, type OutboundState } from '../../core/call/outbound.ts';

/** The dial string for `digits` on a line: PJSIP/trunk -> PJSIP/digits@trunk, DAHDI/g0 -> DAHDI/g0/digits. */
export function dialString(endpoint: string, digits: string): string {
  const [tech, name] = endpoint.split('/', 2);
  return tech === 'PJSIP' ? `PJSIP/${digits}@${name}` : `${endpoint}/${digits}`;
}

export interface OutboundRequest { seat: { id: string; endpoint: string }; numberKey: string; dialDigits: string; agentId: string | null }

/** A conversation an earlier owner of the node connected (takeover): it goes on here from its row, legs and bridge. */
export interface ResumedDial { row: CallRecord; agentLeg: string; customerLeg: string; customerChannelName: string; bridgeId: string }

/** What the customer's leg ending before an answer says about the dial. */
export function dialFailure(reason: PbxGoneReason): DialFailure {
  return reason === 'busy' || reason === 'failed' ? reason : 'no-answer';
}

export class OutboundCall {
  readonly id: string;
  readonly startedAt: Date;
  private readonly plan: OutboundPlan;
  private state: OutboundState;
  private readonly firstEffects: OutboundEffect[];
  private agentLeg: string | null = null;
  private customerLeg: string | null = null;
  private customerChannelName: string | null = null;
  private bridge: string | null = null;
  private recording: ActiveRecording | null = null;
  private readonly record: LedgerCall;
  /** The agent's phone being rung (start() reports its failure to the request). */
  private ringing: Promise<unknown> = Promise.resolve();
  /** Legs being hung up and the bridge destroyed; the end waits for it. */
  private cleanup: Promise<void> = Promise.resolve();
  private ended$: Promise<void> | null = null;

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly pbx: Pbx,
    /** The line it dials through (for a waiting request: the one it will most likely get, set for real by assignLine). */
    public line: LineConfig,
    readonly req: OutboundRequest,
    private readonly legLog: LegLog,
    private readonly log: Logger,
    private readonly onEnded: (c: OutboundCall) => void,
    waiting: boolean,
    resumed?: ResumedDial,
  ) {
    this.plan = { agentFirst: true, waiting };
    const first = startOutbound(this.plan);
    this.state = resumed ? 'connected' : first.state;
    this.firstEffects = resumed ? [] : first.effects;
    if (resumed) {
      this.agentLeg = resumed.agentLeg;
      this.customerLeg = resumed.customerLeg;
      this.customerChannelName = resumed.customerChannelName;
      this.bridge = resumed.bridgeId;
    }
    this.record = resumed
      ? deps.calls.resume(resumed.row)
      : deps.calls.open({ lineId: line.id, direction: 'outbound', state: waiting ? 'waiting-for-line' : 'dialing', number: req.numberKey, agentId: req.agentId });
    this.id = this.record.id;
    this.startedAt = this.record.startedAt;
  }

  owns(channelId: string): boolean { return channelId === this.agentLeg || channelId === this.customerLeg; }
  get ended(): boolean { return this.state === 'ended'; }

  /** A waiting request got its line. */
  async assignLine(line: LineConfig): Promise<void> {
    this.line = line;
    await this.record.update({ state: 'dialing', lineId: line.id });
  }

  /** A resumed conversation: the PBX's recording the earlier owner started is sealed here when the call ends. */
  resumeRecording(): void {
    void this.deps.recordings.resumeExternal(this.id, () => this.state === 'ended').then((rec) => { this.recording = rec; }).catch((err: unknown) => this.log.warn({ err, callId: this.id }, 'the call\'s recording could not be resumed'));
  }

  /** As `GET /calls/active` lists it: `dialing` until the customer answers (also while it waits for a line or rings the agent). */
  snapshot(): CallSnapshot {
    return outboundSnapshot({
      id: this.id, lineId: this.line.id, state: this.state === 'connected' || this.state === 'ended' ? this.state : 'dialing',
      number: this.req.numberKey, name: null, customerId: null, startedAt: this.startedAt, answeredAt: this.record.whenAnswered(),
    });
  }

  /** Rings the agent's phone; rejects when it cannot be rung (the request fails). */
  async start(): Promise<void> {
    await this.record.created;
    if (this.state === 'waiting-for-line') this.fire({ type: 'lineAssigned' });
    else for (const effect of this.firstEffects) this.run(effect);
    await this.ringing;
  }

  /** A leg of ours entered Stasis (it answered). */
  answered(channel: PbxLegInfo, role: PbxLegRole): void {
    if (role === 'c2d-agent' && channel.id === this.agentLeg) this.fire({ type: 'agentAnswered' });
    else if (role === 'c2d-customer' && channel.id === this.customerLeg) this.fire({ type: 'answered' });
  }

  /** One of our legs went away, for `reason`. */
  legGone(channelId: string, reason: PbxGoneReason): void {
    if (channelId === this.agentLeg) this.fire({ type: 'agentGone' });
    else if (channelId === this.customerLeg) this.fire(this.state === 'dialing' ? { type: 'dialFailed', outcome: dialFailure(reason) } : { type: 'hangup' });
  }

  /** Hang-up from the API (or the request is withdrawn while it waits). */
  hangup(): Promise<void> { this.fire({ type: 'hangup' }); return this.ended$ ?? Promise.resolve(); }

  /** No line became free in time. */
  noLine(): Promise<void> { this.fire({ type: 'noLine' }); return this.ended$ ?? Promise.resolve(); }

  /** A PBX operation of this call failed: it ends failed. */
  fail(): Promise<void> { this.fire({ type: 'deviceLost' }); return this.ended$ ?? Promise.resolve(); }

  private fire(event: OutboundEvent): void {
    const from = this.state;
    const t = outboundTransition(from, event, this.plan);
    if (t.state !== from) this.log.info({ callId: this.id, from, event: event.type, to: t.state }, 'call transition');
    this.state = t.state;
    for (const effect of t.effects) this.run(effect);
  }

  private run(effect: OutboundEffect): void {
    switch (effect.type) {
      case 'ringAgent': {
        const channelId = randomUUID();
        this.agentLeg = channelId;
        this.legLog.start({ callId: this.id, kind: 'agent', channelId, endpoint: this.req.seat.endpoint, seatId: this.req.seat.id, agentId: this.req.agentId }, this.record.created);
        this.ringing = this.pbx.originate({ id: channelId, endpoint: this.req.seat.endpoint, role: 'c2d-agent', args: [this.id], timeoutS: 30, callerId: this.req.numberKey });
        this.ringing.catch(() => undefined); // start() reports it
        return;
      }
      case 'dial':
        this.step(this.dialCustomer());
        return;
      case 'connect':
        this.step(this.connect());
        return;
      case 'answered':
        this.record.answered(this.req.numberKey, 'connected');
        return;
      case 'hangupAll':
        this.cleanup = this.hangupAll();
        return;
      case 'end':
        this.ended$ = this.end(effect.disposition);
        return;
    }
  }

  /** An effect that talks to the PBX: its failure ends the call as failed. */
  private step(p: Promise<void>): void {
    p.catch((err: unknown) => { this.log.error({ err, callId: this.id }, 'click-to-dial failed'); void this.fail(); });
  }

  private async dialCustomer(): Promise<void> {
    const channelId = randomUUID();
    const endpoint = dialString(this.line.endpoint!, this.req.dialDigits);
    this.customerLeg = channelId;
    this.legLog.start({ callId: this.id, kind: 'outbound', channelId, endpoint }, this.record.created);
    const ch = await this.pbx.originate({ id: channelId, endpoint, role: 'c2d-customer', args: [this.id], timeoutS: 45, callerId: 'kefu' });
    this.customerChannelName = ch.name;
    if (this.agentLeg) await this.pbx.ring(this.agentLeg, true).catch(quietly(this.log, 'PBX clean-up'));
  }

  private async connect(): Promise<void> {
    this.bridge = await this.pbx.bridge([this.agentLeg!, this.customerLeg!]);
    if (this.pbx.canRecordCalls && this.customerChannelName) {
      const name = this.customerChannelName;
      this.recording = this.deps.recordings.startExternal(this.id, this.line, this.req.numberKey, Promise.resolve(), (path) => this.pbx.recordCall({ name }, path));
    }
  }

  private async hangupAll(): Promise<void> {
    for (const leg of [this.agentLeg, this.customerLeg]) if (leg) await this.pbx.hangup(leg).catch(quietly(this.log, 'PBX clean-up'));
    if (this.bridge) await this.pbx.destroyBridge(this.bridge).catch(quietly(this.log, 'PBX clean-up'));
  }

  private async end(disposition: Disposition): Promise<void> {
    await this.cleanup;
    const rec = this.recording;
    this.recording = null;
    await this.record.end(this.req.numberKey, {
      disposition,
      ...(rec ? { after: () => rec.finish().catch((err: unknown) => this.log.warn({ err }, 'recording failed')) } : {}),
    }).catch((err: unknown) => this.log.error({ err, callId: this.id }, 'closing the call failed'));
    this.onEnded(this);
  }
}
