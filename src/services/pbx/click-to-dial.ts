/**
 * Click-to-dial on the PBX: ring the agent's seat first; when the agent
 * answers, dial the customer through a line; bridge them when the customer
 * answers. One call record (outbound), recorded like an inbound call; both
 * legs in call_legs. A request that waits for a line has its record from the
 * start (state waiting-for-line) and gets its line when one is free.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { quietly } from './quietly.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { Pbx, PbxLegInfo, PbxLegRole } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import type { ActiveRecording } from '../recording/recorder.ts';
import type { LegLog } from './legs.ts';

/** The dial string for `digits` on a line: PJSIP/trunk -> PJSIP/digits@trunk, DAHDI/g0 -> DAHDI/g0/digits. */
export function dialString(endpoint: string, digits: string): string {
  const [tech, name] = endpoint.split('/', 2);
  return tech === 'PJSIP' ? `PJSIP/${digits}@${name}` : `${endpoint}/${digits}`;
}

export interface OutboundRequest { seat: { id: string; endpoint: string }; numberKey: string; dialDigits: string; agentId: string | null }

export class OutboundCall {
  readonly id = randomUUID();
  private agentLeg: string | null = null;
  private customerLeg: string | null = null;
  private customerChannelName: string | null = null;
  private bridge: string | null = null;
  private answeredAt: Date | null = null;
  readonly startedAt = new Date();
  private recording: ActiveRecording | null = null;
  private done = false;
  private readonly created: Promise<void>;

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
  ) {
    this.created = deps.repos.calls.create({ id: this.id, lineId: line.id, direction: 'outbound', state: waiting ? 'waiting-for-line' : 'dialing', number: req.numberKey, startedAt: this.startedAt })
      .then(() => deps.repos.calls.update(this.id, { agentId: req.agentId }));
  }

  owns(channelId: string): boolean { return channelId === this.agentLeg || channelId === this.customerLeg; }
  get ended(): boolean { return this.done; }

  /** A waiting request got its line. */
  async assignLine(line: LineConfig): Promise<void> {
    this.line = line;
    await this.created;
    await this.deps.repos.calls.update(this.id, { state: 'dialing', lineId: line.id });
  }

  async start(): Promise<void> {
    await this.created;
    const channelId = randomUUID();
    this.agentLeg = channelId;
    this.legLog.start({ callId: this.id, kind: 'agent', channelId, endpoint: this.req.seat.endpoint, seatId: this.req.seat.id, agentId: this.req.agentId }, this.created);
    await this.pbx.originate({ id: channelId, endpoint: this.req.seat.endpoint, role: 'c2d-agent', args: [this.id], timeoutS: 30, callerId: this.req.numberKey });
  }

  /** A leg of ours entered Stasis (it answered). */
  async answered(channel: PbxLegInfo, role: PbxLegRole): Promise<void> {
    if (role === 'c2d-agent') {
      const channelId = randomUUID();
      const endpoint = dialString(this.line.endpoint!, this.req.dialDigits);
      this.customerLeg = channelId;
      this.legLog.start({ callId: this.id, kind: 'outbound', channelId, endpoint }, this.created);
      const ch = await this.pbx.originate({ id: channelId, endpoint, role: 'c2d-customer', args: [this.id], timeoutS: 45, callerId: 'kefu' });
      this.customerChannelName = ch.name;
      await this.pbx.ring(channel.id, true).catch(quietly(this.log, 'PBX clean-up'));
      return;
    }
    this.answeredAt = new Date();
    this.bridge = await this.pbx.bridge([this.agentLeg!, channel.id]);
    void this.deps.repos.calls.update(this.id, { state: 'connected', answeredAt: this.answeredAt });
    this.deps.bus.emit('call.answered', { callId: this.id, lineId: this.line.id, number: this.req.numberKey });
    if (this.pbx.canRecordCalls && this.customerChannelName) {
      const name = this.customerChannelName;
      this.recording = this.deps.recordings.startExternal(this.id, this.line, this.req.numberKey, Promise.resolve(), (path) => this.pbx.recordCall({ name }, path));
    }
  }

  /**
   * One leg went away (or the request ended before dialling: `why`): the
   * other is hung up and the record closed.
   */
  async legGone(why?: 'no-line' | 'cancelled'): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const leg of [this.agentLeg, this.customerLeg]) if (leg) await this.pbx.hangup(leg).catch(quietly(this.log, 'PBX clean-up'));
    if (this.bridge) await this.pbx.destroyBridge(this.bridge).catch(quietly(this.log, 'PBX clean-up'));
    await this.created.catch(quietly(this.log, 'PBX clean-up'));
    const endedAt = new Date();
    const disposition = why ?? (this.answeredAt ? 'completed' : this.customerLeg ? 'no-answer' : 'agent-no-answer');
    const durationMs = endedAt.getTime() - this.startedAt.getTime();
    await this.deps.repos.calls.update(this.id, { state: 'ended', disposition, endedAt, durationMs });
    await this.recording?.finish().catch((err: unknown) => this.log.warn({ err }, 'recording failed'));
    this.deps.bus.emit('call.ended', { callId: this.id, lineId: this.line.id, number: this.req.numberKey, disposition, durationMs });
    this.onEnded(this);
  }
}
