/**
 * Supervisor monitoring of an agent's call: the supervisor's seat rings;
 * when it answers it is joined to
 *   listen  - a snoop on the agent's channel that hears both sides, says nothing;
 *   whisper - the same snoop, whispering to the agent only (the caller does not hear);
 *   barge   - the call's own bridge (everyone hears everyone).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Pbx } from '../../core/ports.ts';
import { quietly } from './quietly.ts';
import type { LegLog } from './legs.ts';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export class Monitor {
  readonly id = randomUUID();
  private supervisorLeg: string | null = null;
  private snoop: string | null = null;
  private bridge: string | null = null;
  private done = false;

  constructor(
    private readonly pbx: Pbx,
    readonly callId: string,
    private readonly mode: MonitorMode,
    private readonly target: { legId: string; bridgeId: string },
    private readonly seat: { id: string; endpoint: string },
    /** The supervisor's leg is a row of call_legs (kind supervisor, with the mode). */
    private readonly legLog: LegLog,
    private readonly onEnded: (m: Monitor) => void,
    private readonly log: Logger,
  ) {}

  owns(channelId: string): boolean { return channelId === this.supervisorLeg || channelId === this.snoop; }

  async start(): Promise<void> {
    const channelId = randomUUID();
    this.supervisorLeg = channelId;
    this.legLog.start({ callId: this.callId, kind: 'supervisor', channelId, endpoint: this.seat.endpoint, seatId: this.seat.id, mode: this.mode });
    await this.pbx.originate({ id: channelId, endpoint: this.seat.endpoint, role: 'monitor', args: [this.id], timeoutS: 30, callerId: 'kefu monitor' });
  }

  /** The supervisor answered. */
  async answered(): Promise<void> {
    if (this.mode === 'barge') {
      await this.pbx.addToBridge(this.target.bridgeId, this.supervisorLeg!);
      return;
    }
    // hears both directions of the agent's channel; a whisper reaches the agent's phone only
    this.snoop = randomUUID();
    await this.pbx.snoop(this.target.legId, { id: this.snoop, whisper: this.mode === 'whisper', args: [this.id] });
    this.bridge = await this.pbx.bridge([this.snoop, this.supervisorLeg!]);
  }

  async end(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const ch of [this.supervisorLeg, this.snoop]) if (ch) await this.pbx.hangup(ch).catch(quietly(this.log, 'PBX clean-up'));
    if (this.bridge) await this.pbx.destroyBridge(this.bridge).catch(quietly(this.log, 'PBX clean-up'));
    this.onEnded(this);
  }
}
