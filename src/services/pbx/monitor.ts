/**
 * Supervisor monitoring of an agent's call: the supervisor's seat rings;
 * when it answers it is joined to
 *   listen  - a snoop on the agent's channel that hears both sides, says nothing;
 *   whisper - the same snoop, whispering to the agent only (the caller does not hear);
 *   barge   - the call's own bridge (everyone hears everyone).
 */
import { randomUUID } from 'node:crypto';
import type { AriClient, AriChannel } from '../../../drivers/asterisk/ari-client.ts';
import type { LegLog } from './legs.ts';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export class Monitor {
  readonly id = randomUUID();
  private supervisorLeg: string | null = null;
  private snoop: string | null = null;
  private bridge: string | null = null;
  private done = false;

  constructor(
    private readonly ari: AriClient,
    private readonly app: string,
    readonly callId: string,
    private readonly mode: MonitorMode,
    private readonly target: { legId: string; bridgeId: string },
    private readonly seat: { id: string; endpoint: string },
    /** The supervisor's leg is a row of call_legs (kind supervisor, with the mode). */
    private readonly legLog: LegLog,
    private readonly onEnded: (m: Monitor) => void,
  ) {}

  owns(channelId: string): boolean { return channelId === this.supervisorLeg || channelId === this.snoop; }

  async start(): Promise<void> {
    const channelId = randomUUID();
    this.supervisorLeg = channelId;
    this.legLog.start({ callId: this.callId, kind: 'supervisor', channelId, endpoint: this.seat.endpoint, seatId: this.seat.id, mode: this.mode });
    await this.ari.request<AriChannel>('POST', '/channels', { endpoint: this.seat.endpoint, app: this.app, appArgs: `monitor,${this.id}`, channelId, timeout: 30, callerId: 'kefu monitor' });
  }

  /** The supervisor answered. */
  async answered(): Promise<void> {
    if (this.mode === 'barge') {
      await this.ari.request('POST', `/bridges/${this.target.bridgeId}/addChannel`, { channel: this.supervisorLeg! });
      return;
    }
    // spy on both directions of the agent's channel; whisper "out" = towards the agent's phone only
    const snoop = await this.ari.request<AriChannel>('POST', `/channels/${encodeURIComponent(this.target.legId)}/snoop`, {
      spy: 'both', whisper: this.mode === 'whisper' ? 'out' : 'none', app: this.app, appArgs: `snoop,${this.id}`,
    });
    this.snoop = snoop.id;
    const bridge = await this.ari.request<{ id: string }>('POST', '/bridges', { type: 'mixing' });
    this.bridge = bridge.id;
    await this.ari.request('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${snoop.id},${this.supervisorLeg!}` });
  }

  async end(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const ch of [this.supervisorLeg, this.snoop]) if (ch) await this.ari.hangup(ch).catch(() => undefined);
    if (this.bridge) await this.ari.request('DELETE', `/bridges/${this.bridge}`).catch(() => undefined);
    this.onEnded(this);
  }
}
