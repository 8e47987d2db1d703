/**
 * The multi-seat backend: Asterisk lines (trunks, FXO channels) driven over
 * ARI, one call session per channel that enters Stasis. The same call
 * sessions, IVR, blacklist, recording policy and call records as a modem
 * line; never more calls up on a line than its `channels`. Every channel of a
 * call (caller, agent phones, supervisors, click-to-dial legs) is a row of
 * call_legs, closed exactly once, also across an Asterisk restart.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LineConfig, Config } from '../../config/schema.ts';
import type { LineState } from '../../core/call/line-machine.ts';
import { AriClient, type AriChannel } from '../../../drivers/asterisk/ari-client.ts';
import { AmiClient } from '../../../drivers/asterisk/ami-client.ts';
import type { AriEvent } from '../../../drivers/asterisk/ari-events.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import type { LineGroup } from '../telephony/telephony.ts';
import type { LineStatus } from '../telephony/line.ts';
import { CallSession } from '../telephony/session.ts';
import { AsteriskChannelControl } from './channel-control.ts';
import { AcdService } from '../acd/acd-service.ts';
import { ClickToDialer, type DialRequest, type DialResult, type SeatWait } from './dialer.ts';
import { Monitor, type MonitorMode } from './monitor.ts';
import { SeatRinger } from './handset.ts';
import { LegLog } from './legs.ts';
import { requireSeat } from '../seats.ts';
import { KefuError } from '../../core/errors.ts';
import type { HandsetOptions } from '../../core/ivr/media.ts';

interface Live { session: CallSession; control: AsteriskChannelControl; line: LineConfig }

export class PbxService implements LineGroup {
  private readonly ari: AriClient;
  private ami: AmiClient | null = null;
  private readonly live = new Map<string, Live>();
  private readonly monitors = new Set<Monitor>();
  /** Hang-up causes Asterisk announced before a channel left Stasis. */
  private readonly hangupCauses = new Map<string, number>();
  private connected = false;
  private since = new Date();
  private readonly log: Logger;
  private readonly mediaDir: string;
  private readonly appName: string;
  private readonly legLog: LegLog;
  private readonly ringer: SeatRinger;
  private readonly dialer: ClickToDialer;
  /** Queues and agents on this PBX. */
  readonly acd: AcdService;

  constructor(private readonly deps: TelephonyDeps, private readonly lines: LineConfig[], asterisk: NonNullable<Config['asterisk']>) {
    this.log = deps.logger.child({ component: 'pbx' });
    this.ari = new AriClient({ url: asterisk.ari.url, username: asterisk.ari.username, password: asterisk.ari.password, app: asterisk.ari.app });
    if (asterisk.ami.username) this.ami = new AmiClient({ host: asterisk.ami.host, port: asterisk.ami.port, username: asterisk.ami.username, secret: asterisk.ami.secret });
    this.mediaDir = join(deps.config.dataDir, 'pbx-media');
    this.appName = asterisk.ari.app;
    this.legLog = new LegLog(deps.repos.legs, this.log);
    this.acd = new AcdService(deps.repos.acd, deps.agents, this.ari, deps.config.seats, deps.bus, this.log.child({ component: 'acd' }), asterisk.ari.app, this.legLog, deps.repos.legs, deps.repos.calls);
    this.ringer = new SeatRinger(this.ari, this.appName, this.legLog, this.log);
    this.dialer = new ClickToDialer(deps, this.ari, () => this.ami, this.appName, lines, this.legLog, this.log,
      (line) => [...this.live.values()].filter((l) => l.line.id === line.id).length, () => this.connected);
  }

  async start(): Promise<void> {
    await this.acd.load();
    this.ari.on((e) => this.onEvent(e));
    this.ari.onStatus((s, reason) => {
      const was = this.connected;
      this.connected = s === 'connected';
      if (was === this.connected) return;
      this.since = new Date();
      for (const line of this.lines) {
        this.deps.bus.emit('line.state', { lineId: line.id, state: this.stateOf(line), previous: was ? 'idle' : 'offline', ...(reason ? { reason } : {}) });
      }
      if (this.connected) void this.resync();
    });
    await this.ami?.connect().catch((err: unknown) => { this.log.warn({ err }, 'AMI not available: calls are not recorded'); this.ami = null; });
    await this.ari.connect().catch((err: unknown) => this.log.warn({ err }, 'ARI not reachable yet; retrying'));
  }

  async stop(): Promise<void> {
    this.dialer.stop();
    const sessions = [...this.live.values()].map((l) => l.session);
    await Promise.all(sessions.map((s) => s.hangup()));
    await Promise.all(sessions.map((s) => s.finished));
    this.acd.stop();
    // Legs still up (agent phones ringing, supervisors): hung up and closed now, not left for the next start.
    for (const id of this.legLog.channels()) {
      await this.ari.hangup(id).catch(() => undefined);
      this.legLog.ended(id, 'daemon-stopped');
    }
    await this.legLog.idle();
    await this.ari.close();
    await this.ami?.close();
  }

  private stateOf(line: LineConfig): LineState {
    if (!this.connected) return 'offline';
    return [...this.live.values()].some((l) => l.line.id === line.id) ? 'in-call' : 'idle';
  }

  statuses(): LineStatus[] {
    return this.lines.map((line) => {
      const calls = [...this.live.values()].filter((l) => l.line.id === line.id);
      return {
        id: line.id, name: line.name ?? null, driver: 'asterisk', state: this.stateOf(line), reason: this.connected ? null : 'Asterisk (ARI) not connected',
        device: { endpoint: line.endpoint, channels: line.channels }, callId: calls[0]?.session.id ?? null, since: this.since.toISOString(),
        activeCalls: this.dialer.busy(line), channels: line.channels,
      };
    });
  }

  calls(): CallSession[] { return [...this.live.values()].map((l) => l.session); }

  /** Seats whose click-to-dial request waits for a line, first come first. */
  seatWaits(): SeatWait[] { return this.dialer.seatWaits(); }

  private lineFor(channel: AriChannel): LineConfig | undefined {
    return this.lines.find((l) => l.endpoint && channel.name.startsWith(`${l.endpoint}-`));
  }

  private onEvent(e: AriEvent): void {
    switch (e.type) {
      case 'StasisStart': {
        const ev = e as Extract<AriEvent, { type: 'StasisStart' }>;
        const [role, ref] = ev.args;
        if (role === 'inbound') { this.inbound(ev.channel); return; }
        this.legLog.answered(ev.channel.id);
        if (role === 'agent') void this.acd.agentAnswered(ev.channel).catch((err: unknown) => this.log.error({ err }, 'connecting the agent failed'));
        else if (role === 'handset') void this.ringer.answered(ev.channel.id).catch((err: unknown) => this.log.error({ err }, 'connecting the seat failed'));
        else if (role === 'monitor') {
          const m = [...this.monitors].find((x) => x.id === ref);
          if (m) void m.answered().catch((err: unknown) => { this.log.error({ err }, 'monitor failed'); void m.end(); });
          else void this.ari.hangup(ev.channel.id).catch(() => undefined);
        } else if (role?.startsWith('c2d-')) this.dialer.answered(ev.channel, role, ref);
        return;
      }
      case 'ChannelStateChange': {
        const ev = e as Extract<AriEvent, { type: 'ChannelStateChange' }>;
        if (ev.channel.state === 'Up') this.legLog.answered(ev.channel.id);
        return;
      }
      case 'ChannelDtmfReceived': {
        const ev = e as Extract<AriEvent, { type: 'ChannelDtmfReceived' }>;
        const l = this.live.get(ev.channel.id);
        l?.control.dtmf(ev.digit);
        l?.session.onDtmf(ev.digit);
        if (l) this.acd.dtmf(ev.channel.id, ev.digit);
        return;
      }
      case 'PlaybackFinished': {
        const ev = e as Extract<AriEvent, { playback: unknown }>;
        const chan = ev.playback.target_uri.replace(/^channel:/, '');
        this.live.get(chan)?.control.playbackFinished(ev.playback.id);
        return;
      }
      case 'RecordingFinished':
      case 'RecordingFailed': {
        const ev = e as Extract<AriEvent, { recording: unknown }>;
        const chan = ev.recording.target_uri.replace(/^channel:/, '');
        this.live.get(chan)?.control.recordingDone(ev.recording.name, e.type === 'RecordingFinished');
        return;
      }
      case 'ChannelHangupRequest': {
        const cause = (e as Extract<AriEvent, { type: 'ChannelHangupRequest' }>).cause;
        if (cause !== undefined && this.legLog.has(e.channel.id)) this.hangupCauses.set(e.channel.id, cause);
        return;
      }
      // A channel that entered Stasis by itself (a caller) is no longer ours after StasisEnd: no ChannelDestroyed follows.
      case 'ChannelDestroyed':
      case 'StasisEnd': {
        const cause = e.type === 'ChannelDestroyed' ? (e as Extract<AriEvent, { type: 'ChannelDestroyed' }>).cause : this.hangupCauses.get(e.channel.id);
        this.hangupCauses.delete(e.channel.id);
        this.legLog.ended(e.channel.id, cause);
        this.channelGone(e.channel.id, false);
        return;
      }
      default:
    }
  }

  /** A channel left (hung up, or gone with an Asterisk restart: `lost`); whoever owns it reacts. */
  private channelGone(channelId: string, lost: boolean): void {
    if (this.acd.legGone(channelId)) return;
    if (this.ringer.legGone(channelId)) return;
    const out = this.dialer.owner(channelId);
    if (out) { void out.legGone(); return; }
    const mon = [...this.monitors].find((m) => m.owns(channelId));
    if (mon) { void mon.end(); return; }
    const l = this.live.get(channelId);
    if (!l) return;
    this.acd.callerGone(channelId);
    this.ringer.callerGone(channelId);
    for (const m of this.monitors) if (m.callId === l.session.id) void m.end();
    l.control.ended();
    if (lost) l.session.onDeviceLost();
    else l.session.onHangup();
  }

  private inbound(channel: AriChannel): void {
    const line = this.lineFor(channel);
    if (!line) {
      this.log.warn({ channel: channel.name }, 'call from an endpoint no line is configured for: hung up');
      void this.ari.hangup(channel.id, 'congestion').catch(() => undefined);
      return;
    }
    if (this.dialer.busy(line) >= line.channels) {
      void this.overCapacity(line, channel);
      return;
    }
    const control = new AsteriskChannelControl(channel, this.ari, this.ami, this.mediaDir);
    control.onAnswered = () => this.legLog.answered(channel.id);
    const session: CallSession = new CallSession(this.deps, line, control, () => {
      this.live.delete(channel.id);
      if (!this.lines.some((l) => l.id === line.id && this.stateOf(l) === 'in-call')) {
        this.deps.bus.emit('line.state', { lineId: line.id, state: this.stateOf(line), previous: 'in-call' });
      }
      this.dialer.pump();
    }, (queueId, call) => this.acd.enqueue(call, channel.id, queueId), (opts, call) => this.handset(call, channel.id, opts));
    const wasIdle = this.stateOf(line) === 'idle';
    this.live.set(channel.id, { session, control, line });
    this.legLog.start({ callId: session.id, kind: 'caller', channelId: channel.id, endpoint: line.endpoint ?? null }, session.created);
    if (wasIdle) this.deps.bus.emit('line.state', { lineId: line.id, state: 'in-call', previous: 'idle' });
    const number = channel.caller.number || null;
    session.onCallerId({ number, name: channel.caller.name || null, withheld: number ? null : 'unavailable', date: null, time: null });
    session.answerWhenIdentified();
  }

  /** The IVR's handset node: ring the node's seats (default: every seat whose agent is not on a call). */
  private handset(call: CallSession, channelId: string, opts: HandsetOptions): Promise<boolean> {
    const agents = this.acd.agentList();
    const seats = this.deps.config.seats
      .filter((s) => (opts.seats ? opts.seats.includes(s.id) : !agents.some((a) => a.seatId === s.id && (a.state === 'ringing' || a.state === 'on-call'))))
      .map((s) => ({ ...s, agentId: agents.find((a) => a.seatId === s.id)?.id ?? null }));
    if (opts.seats && seats.length < opts.seats.length) this.log.warn({ asked: opts.seats, found: seats.map((s) => s.id) }, 'handset node names seats that are not configured');
    return this.ringer.ring(call, channelId, seats, opts.ringS ?? 20);
  }

  /**
   * Click-to-dial: ring the seat, then the customer through `lineId` (or the
   * first Asterisk line with a free channel); every line busy: refused or
   * waiting, as configured (see dialer.ts).
   */
  clickToDial(o: DialRequest): Promise<DialResult> { return this.dialer.request(o); }

  /** API hang-up of a click-to-dial call; false when the id is not one. */
  hangupOutbound(callId: string): Promise<boolean> { return this.dialer.hangup(callId); }

  /** Supervisor listen / whisper / barge on an agent's call, from the supervisor's seat. */
  async monitor(callId: string, mode: MonitorMode, seatId: string): Promise<string> {
    const seat = requireSeat(this.deps.config.seats, seatId);
    if (![...this.live.values()].some((l) => l.session.id === callId)) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    let target = this.acd.connectedLegOf(callId);
    // agent.state on-call comes as the agent answers; the bridge follows within moments
    for (let i = 0; !target && i < 40 && this.acd.bridging(callId); i++) {
      await new Promise((r) => setTimeout(r, 50));
      target = this.acd.connectedLegOf(callId);
    }
    if (!target) throw new KefuError('CONFLICT', `call ${callId} has no agent on it yet: monitoring starts once an agent answered`);
    const m = new Monitor(this.ari, this.appName, callId, mode, target, seat, this.legLog, (x) => this.monitors.delete(x));
    this.monitors.add(m);
    try {
      await m.start();
    } catch (err) {
      await m.end();
      throw err;
    }
    return m.id;
  }

  /** More callers than the line carries: busy, and a call record (with its one leg) that says so. */
  private async overCapacity(line: LineConfig, channel: AriChannel): Promise<void> {
    await this.ari.hangup(channel.id, 'busy').catch(() => undefined);
    const id = randomUUID();
    const at = new Date();
    const number = channel.caller.number ? this.deps.numbers.key(channel.caller.number) || null : null;
    await this.deps.repos.calls.create({ id, lineId: line.id, direction: 'inbound', state: 'ended', number, startedAt: at });
    await this.deps.repos.calls.update(id, { disposition: 'busy', endedAt: at, durationMs: 0, callerName: channel.caller.name || null });
    const legId = randomUUID();
    await this.deps.repos.legs.open({ id: legId, callId: id, kind: 'caller', channelId: channel.id, endpoint: line.endpoint ?? null, startedAt: at });
    await this.deps.repos.legs.ended(legId, at, 'busy');
    this.deps.bus.emit('call.ended', { callId: id, lineId: line.id, number, disposition: 'busy', durationMs: 0 });
    this.log.info({ lineId: line.id, channels: line.channels }, 'line full: caller got busy');
  }

  /**
   * After every (re)connect: channels of ours that are gone (Asterisk
   * restarted) end their legs as asterisk-restart and their calls as failed;
   * channels still in our application that nothing owns (the daemon
   * restarted under them) are hung up.
   */
  private async resync(): Promise<void> {
    const app = await this.ari.request<{ channel_ids: string[] }>('GET', `/applications/${encodeURIComponent(this.appName)}`).catch(() => null);
    if (!app) return;
    const present = new Set(app.channel_ids);
    for (const id of this.legLog.channels()) {
      if (present.has(id)) continue;
      this.legLog.ended(id, 'asterisk-restart');
      this.channelGone(id, true);
    }
    for (const id of [...this.live.keys()]) if (!present.has(id)) this.channelGone(id, true);
    for (const id of present) {
      if (this.live.has(id) || this.legLog.has(id)) continue;
      this.log.warn({ channelId: id }, 'channel left in Stasis by an earlier run: hung up');
      await this.ari.hangup(id).catch(() => undefined);
    }
  }
}
