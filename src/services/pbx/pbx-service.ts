/**
 * The multi-seat backend: Asterisk lines (trunks, FXO channels) driven over
 * ARI, one call session per channel that enters Stasis. The same call
 * sessions, IVR, blacklist, recording policy and call records as a modem
 * line; never more calls up on a line than its `channels`.
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
import { OutboundCall } from './click-to-dial.ts';
import { Monitor, type MonitorMode } from './monitor.ts';
import { requireSeat } from '../seats.ts';
import { KefuError } from '../../core/errors.ts';
import { normalizeNumber } from '../../core/numbers/normalize.ts';

interface Live { session: CallSession; control: AsteriskChannelControl; line: LineConfig }

export class PbxService implements LineGroup {
  private readonly ari: AriClient;
  private ami: AmiClient | null = null;
  private readonly live = new Map<string, Live>();
  private readonly outbound = new Set<OutboundCall>();
  private readonly monitors = new Set<Monitor>();
  private connected = false;
  private since = new Date();
  private readonly log: Logger;
  private readonly mediaDir: string;
  private readonly appName: string;
  /** Queues and agents on this PBX. */
  readonly acd: AcdService;

  constructor(private readonly deps: TelephonyDeps, private readonly lines: LineConfig[], asterisk: NonNullable<Config['asterisk']>) {
    this.log = deps.logger.child({ component: 'pbx' });
    this.ari = new AriClient({ url: asterisk.ari.url, username: asterisk.ari.username, password: asterisk.ari.password, app: asterisk.ari.app });
    if (asterisk.ami.username) this.ami = new AmiClient({ host: asterisk.ami.host, port: asterisk.ami.port, username: asterisk.ami.username, secret: asterisk.ami.secret });
    this.mediaDir = join(deps.config.dataDir, 'pbx-media');
    this.appName = asterisk.ari.app;
    this.acd = new AcdService(deps.repos.acd, deps.agents, this.ari, deps.config.seats, deps.bus, this.log.child({ component: 'acd' }), asterisk.ari.app);
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
    const sessions = [...this.live.values()].map((l) => l.session);
    await Promise.all(sessions.map((s) => s.hangup()));
    await Promise.all(sessions.map((s) => s.finished));
    this.acd.stop();
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
        activeCalls: calls.length, channels: line.channels,
      };
    });
  }

  calls(): CallSession[] { return [...this.live.values()].map((l) => l.session); }

  private lineFor(channel: AriChannel): LineConfig | undefined {
    return this.lines.find((l) => l.endpoint && channel.name.startsWith(`${l.endpoint}-`));
  }

  private onEvent(e: AriEvent): void {
    switch (e.type) {
      case 'StasisStart': {
        const ev = e as Extract<AriEvent, { type: 'StasisStart' }>;
        if (ev.args[0] === 'inbound') this.inbound(ev.channel);
        else if (ev.args[0] === 'agent') void this.acd.agentAnswered(ev.channel).catch((err: unknown) => this.log.error({ err }, 'connecting the agent failed'));
        else if (ev.args[0] === 'monitor') {
          const m = [...this.monitors].find((x) => x.id === ev.args[1]);
          if (m) void m.answered().catch((err: unknown) => { this.log.error({ err }, 'monitor failed'); void m.end(); });
          else void this.ari.hangup(ev.channel.id).catch(() => undefined);
        } else if (ev.args[0]?.startsWith('c2d-')) {
          const call = [...this.outbound].find((c) => c.id === ev.args[1]);
          if (call) void call.answered(ev.channel, ev.args[0]).catch((err: unknown) => { this.log.error({ err }, 'click-to-dial failed'); void call.legGone(); });
          else void this.ari.hangup(ev.channel.id).catch(() => undefined);
        }
        return;
      }
      case 'ChannelDtmfReceived': {
        const ev = e as Extract<AriEvent, { type: 'ChannelDtmfReceived' }>;
        const l = this.live.get(ev.channel.id);
        l?.control.dtmf(ev.digit);
        l?.session.onDtmf(ev.digit);
        return;
      }
      case 'PlaybackFinished': {
        const ev = e as Extract<AriEvent, { playback: unknown }>;
        const chan = ev.playback.target_uri.replace(/^channel:/, '');
        this.live.get(chan)?.control.playbackFinished(ev.playback.id);
        return;
      }
      case 'StasisEnd':
      case 'ChannelDestroyed': {
        const ev = e as Extract<AriEvent, { type: 'StasisEnd' }>;
        if (this.acd.legGone(ev.channel.id)) return;
        const out = [...this.outbound].find((c) => c.owns(ev.channel.id));
        if (out) { void out.legGone(); return; }
        const mon = [...this.monitors].find((m) => m.owns(ev.channel.id));
        if (mon) { void mon.end(); return; }
        const l = this.live.get(ev.channel.id);
        if (!l) return;
        this.acd.callerGone(ev.channel.id);
        for (const m of this.monitors) if (m.callId === l.session.id) void m.end();
        l.control.ended();
        l.session.onHangup();
        return;
      }
      default:
    }
  }

  private inbound(channel: AriChannel): void {
    const line = this.lineFor(channel);
    if (!line) {
      this.log.warn({ channel: channel.name }, 'call from an endpoint no line is configured for: hung up');
      void this.ari.hangup(channel.id, 'congestion').catch(() => undefined);
      return;
    }
    const busy = [...this.live.values()].filter((l) => l.line.id === line.id).length;
    if (busy >= line.channels) {
      void this.overCapacity(line, channel);
      return;
    }
    const control = new AsteriskChannelControl(channel, this.ari, this.ami, this.mediaDir);
    const session = new CallSession(this.deps, line, control, (ended) => {
      this.live.delete(channel.id);
      if (!this.lines.some((l) => l.id === line.id && this.stateOf(l) === 'in-call')) {
        this.deps.bus.emit('line.state', { lineId: line.id, state: this.stateOf(line), previous: 'in-call' });
      }
      void ended;
    }, (queueId, call) => this.acd.enqueue(call, channel.id, queueId));
    const wasIdle = this.stateOf(line) === 'idle';
    this.live.set(channel.id, { session, control, line });
    if (wasIdle) this.deps.bus.emit('line.state', { lineId: line.id, state: 'in-call', previous: 'idle' });
    const number = channel.caller.number || null;
    session.onCallerId({ number, name: channel.caller.name || null, withheld: number ? null : 'unavailable', date: null, time: null });
    session.answerWhenIdentified();
  }

  /**
   * Click-to-dial: ring the seat, then the customer through `lineId` (or the
   * first Asterisk line with a free channel). Do-not-call entries and the
   * line's capacity are honoured before anything rings.
   */
  async clickToDial(o: { seatId: string; number: string; lineId?: string | undefined; agentId?: string | null }): Promise<string> {
    const seat = requireSeat(this.deps.config.seats, o.seatId);
    const key = this.deps.numbers.require(o.number, 'body.number');
    const dnc = this.deps.blacklist.check(key, 'outbound');
    if (dnc.blocked) throw new KefuError('CONFLICT', `${key} is on the do-not-call list (${dnc.match?.kind} ${dnc.match?.value})`, { field: 'body.number' });
    const busy = (line: LineConfig) => [...this.live.values()].filter((l) => l.line.id === line.id).length + [...this.outbound].filter((c) => c.line.id === line.id).length;
    const candidates = o.lineId ? this.lines.filter((l) => l.id === o.lineId) : this.lines;
    if (o.lineId && candidates.length === 0) throw new KefuError('BAD_REQUEST', `body.lineId: no Asterisk line ${o.lineId}`, { field: 'body.lineId' });
    const line = candidates.find((l) => busy(l) < l.channels);
    if (!line) throw new KefuError('LINE_BUSY', 'every line is in use: try again when a line is free');
    if (!this.connected) throw new KefuError('PBX_UNREACHABLE', 'Asterisk (ARI) is not connected');
    const digits = normalizeNumber(key, { defaultRegion: this.deps.numbers.defaultRegion }).national || key.replace(/^\+/, '');
    const call = new OutboundCall(this.deps, this.ari, this.ami, this.appName, line, seat.endpoint, key, digits, o.agentId ?? null, this.log, (c) => this.outbound.delete(c));
    this.outbound.add(call);
    try {
      await call.start();
    } catch (err) {
      await call.legGone();
      throw err;
    }
    return call.id;
  }

  /** Supervisor listen / whisper / barge on an agent's call, from the supervisor's seat. */
  async monitor(callId: string, mode: MonitorMode, seatId: string): Promise<string> {
    const seat = requireSeat(this.deps.config.seats, seatId);
    if (![...this.live.values()].some((l) => l.session.id === callId)) throw new KefuError('NOT_FOUND', `call ${callId} is not active`);
    const target = this.acd.connectedLegOf(callId);
    if (!target) throw new KefuError('CONFLICT', `call ${callId} has no agent on it yet: monitoring starts once an agent answered`);
    const m = new Monitor(this.ari, this.appName, callId, mode, target, seat.endpoint, (x) => this.monitors.delete(x));
    this.monitors.add(m);
    try {
      await m.start();
    } catch (err) {
      await m.end();
      throw err;
    }
    return m.id;
  }

  /** More callers than the line carries: busy, and a call record that says so. */
  private async overCapacity(line: LineConfig, channel: AriChannel): Promise<void> {
    await this.ari.hangup(channel.id, 'busy').catch(() => undefined);
    const id = randomUUID();
    const at = new Date();
    const number = channel.caller.number ? this.deps.numbers.key(channel.caller.number) || null : null;
    await this.deps.repos.calls.create({ id, lineId: line.id, direction: 'inbound', state: 'ended', number, startedAt: at });
    await this.deps.repos.calls.update(id, { disposition: 'busy', endedAt: at, durationMs: 0, callerName: channel.caller.name || null });
    this.deps.bus.emit('call.ended', { callId: id, lineId: line.id, number, disposition: 'busy', durationMs: 0 });
    this.log.info({ lineId: line.id, channels: line.channels }, 'line full: caller got busy');
  }

  /**
   * After every (re)connect: calls whose channel is gone (Asterisk restarted)
   * are closed as failed; channels still in our application that no session
   * owns (the daemon restarted under them) are hung up.
   */
  private async resync(): Promise<void> {
    const app = await this.ari.request<{ channel_ids: string[] }>('GET', `/applications/${encodeURIComponent(this.appName)}`).catch(() => null);
    if (!app) return;
    const present = new Set(app.channel_ids);
    for (const [id, l] of this.live) {
      if (present.has(id)) continue;
      l.control.ended();
      l.session.onDeviceLost();
    }
    for (const id of present) {
      if (this.live.has(id)) continue;
      this.log.warn({ channelId: id }, 'channel left in Stasis by an earlier run: hung up');
      await this.ari.hangup(id).catch(() => undefined);
    }
  }
}
