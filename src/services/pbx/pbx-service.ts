/**
 * The multi-seat backend: Asterisk lines (trunks, FXO channels) driven through
 * the Pbx port, one call session per leg that enters our application. The same call
 * sessions, IVR, blacklist, recording policy and call records as a modem
 * line; never more calls up on a line than its `channels`. Every channel of a
 * call (caller, agent phones, supervisors, click-to-dial legs) is a row of
 * call_legs, closed exactly once, also across an Asterisk restart.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { quietly } from './quietly.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { LineState } from '../../core/call/line-machine.ts';
import type { Pbx, PbxEvent, PbxGoneReason, PbxLegInfo } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import { nodeName } from '../cluster/node.ts';
import type { LineGroup } from '../telephony/telephony.ts';
import type { LineStatus } from '../telephony/line.ts';
import { CallSession } from '../telephony/session.ts';
import type { CallSnapshot } from '../telephony/snapshot.ts';
import { AsteriskChannelControl } from './channel-control.ts';
import { AcdService } from '../acd/acd-service.ts';
import { ClickToDialer, type DialRequest, type DialResult, type SeatWait } from './dialer.ts';
import { Monitor, type MonitorMode } from './monitor.ts';
import { SeatRinger } from './handset.ts';
import { dialString } from './click-to-dial.ts';
import { LegLog } from './legs.ts';
import { LegRegistry, type LegOwner } from './leg-registry.ts';
import { requireSeat } from '../seats.ts';
import { KefuError } from '../../core/errors.ts';
import type { HandsetOptions } from '../../core/ivr/media.ts';
import { PbxCampaignCalls } from './campaign-calls.ts';
import { NodeTakeover, type Live } from './node-takeover.ts';

export class PbxService implements LineGroup {
  private readonly live = new Map<string, Live>();
  /**
   * Receives a fax on an inbound leg (an IVR fax node): set by main.ts once
   * the fax service exists; null leaves the node's fallback to run.
   */
  faxReceiver: ((lineId: string, legId: string, callerNumber: string) => Promise<boolean>) | null = null;
  private readonly monitors = new Set<Monitor>();
  private connected = false;
  private since = new Date();
  private readonly log: Logger;
  private readonly mediaDir: string;
  private readonly legLog: LegLog;
  private readonly ringer: SeatRinger;
  private readonly dialer: ClickToDialer;
  /** Every leg of ours and who owns it: events go to the owner alone. */
  private readonly registry = new LegRegistry();
  /** Queues and agents on this PBX. */
  readonly acd: AcdService;
  /** The dialer's calls (campaigns). */
  readonly campaignCalls: PbxCampaignCalls;
  /**
   * cluster.enabled (node.ts): true once after this daemon took the node
   * over from another; the next resync then takes over that daemon's calls
   * (node-takeover.ts) before it hangs up what nobody owns.
   */
  takenOver: (() => boolean) | null = null;
  private readonly takeover: NodeTakeover;

  constructor(private readonly deps: TelephonyDeps, private readonly lines: LineConfig[], private readonly pbx: Pbx) {
    this.log = deps.logger.child({ component: 'pbx' });
    this.mediaDir = join(deps.config.dataDir, 'pbx-media');
    this.legLog = new LegLog(deps.repos.legs, this.log, deps.config.cluster.enabled);
    const acdLegs: LegOwner = {
      entered: (leg) => { void this.acd.agentAnswered(leg).catch((err: unknown) => this.log.error({ err }, 'connecting the agent failed')); },
      gone: (legId) => { this.acd.legGone(legId); },
    };
    const ringerLegs: LegOwner = {
      entered: (leg) => { void this.ringer.answered(leg.id).catch((err: unknown) => this.log.error({ err }, 'connecting the seat failed')); },
      gone: (legId) => { this.ringer.legGone(legId); },
    };
    const dialerLegs: LegOwner = {
      entered: (leg, role, args) => { if (role) this.dialer.answered(leg, role, args[0]); },
      gone: (legId, reason) => { this.dialer.owner(legId)?.legGone(legId, reason); },
    };
    this.acd = new AcdService(deps.repos.acd, deps.agents, this.registry.pbxFor(pbx, acdLegs), deps.config.seats, deps.bus, this.log.child({ component: 'acd' }), this.legLog, deps.repos.legs, deps.repos.calls,
      deps.config.cluster.enabled ? { node: nodeName(deps.config), waiting: deps.repos.queueWaiting } : null);
    this.ringer = new SeatRinger(this.registry.pbxFor(pbx, ringerLegs), this.legLog, this.log);
    const inboundOn = (line: LineConfig) => [...this.live.values()].filter((l) => l.line.id === line.id).length;
    // while a takeover runs the dialer neither places calls nor rings seats: the earlier owner's calls and seats may be kept
    this.campaignCalls = new PbxCampaignCalls(deps, lines, this.legLog, this.log.child({ component: 'dialer' }), (line) => inboundOn(line) + this.dialer.mine(line),
      () => this.connected && !this.takeover.due);
    const campaignLegs: LegOwner = {
      entered: (leg, _role, args, amd) => this.campaignCalls.entered(leg, args, amd),
      gone: (legId, reason) => this.campaignCalls.gone(legId, reason),
      dtmf: (legId, digit) => this.campaignCalls.dtmf(legId, digit),
      playbackDone: (legId, playbackId) => this.campaignCalls.playbackDone(legId, playbackId),
    };
    this.campaignCalls.pbx = this.registry.pbxFor(pbx, campaignLegs);
    this.dialer = new ClickToDialer(deps, this.registry.pbxFor(pbx, dialerLegs), lines, this.legLog, this.log,
      (line) => inboundOn(line) + this.campaignCalls.busy(line), () => this.connected);
    this.takeover = new NodeTakeover({
      deps, lines, pbx, log: this.log, acd: this.acd, legLog: this.legLog, live: this.live,
      open: (line, channel, resumed) => this.open(line, channel, resumed),
      inbound: (channel, startedAt) => this.inbound(channel, startedAt),
      claimAgentLeg: (channelId) => this.registry.claim(channelId, acdLegs),
      resumeHandset: (session, k) => {
        this.registry.claim(k.seat.channel.id, ringerLegs);
        const l = k.seat.leg;
        this.ringer.adopt(session, k.caller.channel.id, k.seat.channel.id, { id: l.seatId ?? l.endpoint ?? 'unknown', endpoint: l.endpoint ?? '', agentId: l.agentId, kind: l.kind === 'outbound' ? 'outbound' : 'agent' }, k.bridgeId);
      },
      resumeDialled: (line, k) => {
        for (const id of [k.agent.channel.id, k.customer.channel.id]) this.registry.claim(id, dialerLegs);
        this.dialer.resume(line, { row: k.call, agentLeg: k.agent.channel.id, customerLeg: k.customer.channel.id, customerChannelName: k.customer.channel.name, bridgeId: k.bridgeId }, k.agent.leg);
      },
      campaignsRunning: () => this.campaignCalls.runRunning(),
      campaignAttempt: (callId) => this.campaignCalls.attemptOf(callId),
      resumeCampaign: (line, k, found) => {
        for (const id of [k.customer.channel.id, ...(k.seat ? [k.seat.channel.id] : [])]) this.registry.claim(id, campaignLegs);
        this.campaignCalls.resume(line, k, found);
      },
      adoptSeat: (seat) => {
        if (!this.campaignCalls.adoptSeat(seat)) return false;
        this.registry.claim(seat.channel.id, campaignLegs);
        return true;
      },
      done: () => this.campaignCalls.takenOver(),
      lineState: (line) => this.stateOf(line),
      forgetRest: () => {
        this.monitors.clear();
        this.registry.clear();
        this.legLog.forget();
        this.acd.forget();
        this.ringer.forget();
        this.dialer.forget();
        this.campaignCalls.forget();
      },
    });
  }

  async start(): Promise<void> {
    await this.acd.load();
    this.pbx.on((e) => this.onEvent(e));
    await this.pbx.start();
  }

  private link(up: boolean, reason: string | undefined, released: boolean): void {
    const was = this.connected;
    this.connected = up;
    if (was === this.connected) return;
    this.since = new Date();
    // a takeover (cluster lease, node.ts): what this daemon remembers of the node goes before the new connection's first event
    if (up && this.takenOver?.()) this.takeover.linkUp();
    // the node let go (cluster lease): its lines are not offline, another daemon drives them; that daemon announces them
    if (released) return;
    for (const line of this.lines) {
      this.deps.bus.emit('line.state', { lineId: line.id, state: this.stateOf(line), previous: was ? 'idle' : 'offline', ...(reason ? { reason } : {}) });
    }
    if (this.connected) void this.resync();
  }

  async stop(): Promise<void> {
    this.dialer.stop();
    await this.campaignCalls.stop();
    const sessions = [...this.live.values()].map((l) => l.session);
    await Promise.all(sessions.map((s) => s.hangup()));
    await Promise.all(sessions.map((s) => s.finished));
    this.acd.stop();
    // Legs still up (agent phones ringing, supervisors): hung up and closed now, not left for the next start.
    for (const id of this.legLog.channels()) {
      await this.pbx.hangup(id).catch(quietly(this.log, 'PBX clean-up'));
      this.legLog.ended(id, 'daemon-stopped');
    }
    await this.legLog.idle();
    await this.pbx.stop();
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

  /** Click-to-dial and campaign calls up (`GET /calls/active`). */
  otherCalls(): CallSnapshot[] { return [...this.dialer.snapshots(), ...this.campaignCalls.snapshots()]; }

  /** Seats whose click-to-dial request waits for a line, first come first. */
  seatWaits(): SeatWait[] { return this.dialer.seatWaits(); }

  private lineFor(channel: PbxLegInfo): LineConfig | undefined {
    return this.lines.find((l) => l.endpoint && channel.name.startsWith(`${l.endpoint}-`));
  }

  private onEvent(e: PbxEvent): void {
    switch (e.type) {
      case 'legEntered': {
        const owner = this.registry.owner(e.leg.id);
        if (!owner && e.role === 'inbound') { this.inbound(e.leg); return; }
        if (!owner) {
          // ours by its role, but no request is waiting for it (it ended first, or an earlier run made it)
          this.log.info({ channelId: e.leg.id, role: e.role }, 'a leg nobody owns entered: hung up');
          void this.pbx.hangup(e.leg.id).catch(quietly(this.log, 'PBX clean-up'));
          return;
        }
        if (e.role !== 'inbound') this.legLog.answered(e.leg.id);
        owner.entered(e.leg, e.role, e.args, e.amd);
        return;
      }
      case 'legAnswered':
        this.legLog.answered(e.legId);
        this.registry.owner(e.legId)?.answered?.(e.legId);
        return;
      case 'dtmf':
        this.registry.owner(e.legId)?.dtmf?.(e.legId, e.digit);
        return;
      case 'playbackDone':
        this.registry.owner(e.legId)?.playbackDone?.(e.legId, e.playbackId);
        return;
      case 'recordingDone':
        this.registry.owner(e.legId)?.recordingDone?.(e.legId, e.name, e.ok);
        return;
      case 'legGone':
        this.legLog.ended(e.legId, e.reason);
        this.legGone(e.legId, e.reason, false);
        return;
      case 'link':
        this.link(e.up, e.reason, e.released === true);
        return;
    }
  }

  /** A leg left (hung up, or gone with an Asterisk restart: `lost`): its owner reacts, and the claim ends. */
  private legGone(legId: string, reason: PbxGoneReason, lost: boolean): void {
    const owner = this.registry.owner(legId);
    this.registry.release(legId);
    owner?.gone(legId, reason, lost);
  }

  /** The owner of a caller's leg: the call session and what serves it (queue, seats ringing, monitors). */
  private callerLegs(live: Live): LegOwner {
    return {
      entered: () => undefined,
      dtmf: (legId, digit) => { live.control.dtmf(digit); live.session.onDtmf(digit); this.acd.dtmf(legId, digit); },
      playbackDone: (_legId, playbackId) => live.control.playbackFinished(playbackId),
      recordingDone: (_legId, name, ok) => live.control.recordingDone(name, ok),
      gone: (legId, _cause, lost) => {
        this.acd.callerGone(legId);
        this.ringer.callerGone(legId);
        for (const m of this.monitors) if (m.callId === live.session.id) void m.end();
        live.control.ended();
        if (lost) live.session.onDeviceLost();
        else live.session.onHangup();
      },
    };
  }

  /** A caller's channel entered our application (or was left there with no row by an earlier owner, since `startedAt`). */
  private inbound(channel: PbxLegInfo, startedAt?: Date): void {
    const line = this.lineFor(channel);
    if (!line) {
      this.log.warn({ channel: channel.name }, 'call from an endpoint no line is configured for: hung up');
      void this.pbx.hangup(channel.id, 'congestion').catch(quietly(this.log, 'PBX clean-up'));
      return;
    }
    if (this.dialer.busy(line) >= line.channels) {
      void this.overCapacity(line, channel);
      return;
    }
    const wasIdle = this.stateOf(line) === 'idle';
    const firstLeg = { id: randomUUID(), kind: 'caller' as const, channelId: channel.id, endpoint: line.endpoint ?? null };
    const { session } = this.open(line, channel, { firstLeg, ...(startedAt ? { startedAt } : {}) });
    this.legLog.withCall({ ...firstLeg, callId: session.id }, firstLeg.id, session.created);
    void this.pbx.sipCallId(channel.id).then((id) => { if (id) this.legLog.sipCallId(channel.id, id); }, quietly(this.log, 'reading the SIP Call-ID'));
    if (wasIdle) this.deps.bus.emit('line.state', { lineId: line.id, state: 'in-call', previous: 'idle' });
    const number = channel.callerNumber || null;
    session.onCallerId({ number, name: channel.callerName || null, withheld: number ? null : 'unavailable', date: null, time: null });
    session.answerWhenIdentified();
  }

  /** A caller's channel gets its call session (a new call, or one resumed from its row after a takeover: CallSession's `from`). */
  private open(line: LineConfig, channel: PbxLegInfo, from: ConstructorParameters<typeof CallSession>[6]): Live {
    const control = new AsteriskChannelControl(channel, this.pbx, this.mediaDir, this.log);
    control.onAnswered = () => this.legLog.answered(channel.id);
    control.faxReceiver = () => (this.faxReceiver ? this.faxReceiver(line.id, channel.id, channel.callerNumber) : Promise.resolve(false));
    if (line.endpoint) {
      const trunk = line.endpoint;
      control.numberTransfer = (digits) => this.ringer.ring(session, channel.id, [{ id: `number ${digits}`, endpoint: dialString(trunk, digits), agentId: null, kind: 'outbound' }], 30);
    }
    const session: CallSession = new CallSession(this.deps, line, control, () => {
      this.live.delete(channel.id);
      if (!this.lines.some((l) => l.id === line.id && this.stateOf(l) === 'in-call')) {
        this.deps.bus.emit('line.state', { lineId: line.id, state: this.stateOf(line), previous: 'in-call' });
      }
      this.dialer.pump();
    }, (queueId, call) => this.acd.enqueue(call, channel.id, queueId), (opts, call) => this.handset(call, channel.id, opts), from);
    session.afterAgent.endAgentLeg = () => this.acd.endAgentLeg(session.id);
    const live: Live = { session, control, line };
    this.live.set(channel.id, live);
    this.registry.claim(channel.id, this.callerLegs(live));
    return live;
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
    // agent.state on-call comes as the agent answers; the bridge follows within moments (seconds on a loaded machine: up to 10 s)
    for (let i = 0; !target && i < 200 && this.acd.bridging(callId); i++) {
      await new Promise((r) => setTimeout(r, 50));
      target = this.acd.connectedLegOf(callId);
    }
    if (!target) throw new KefuError('CONFLICT', `call ${callId} has no agent on it yet: monitoring starts once an agent answered`);
    const legs: LegOwner = {
      entered: (_leg, role) => { if (role === 'monitor') void m.answered().catch((err: unknown) => { this.log.error({ err }, 'monitor failed'); void m.end(); }); },
      gone: () => { void m.end(); },
    };
    const m: Monitor = new Monitor(this.registry.pbxFor(this.pbx, legs), callId, mode, target, seat, this.legLog, (x) => this.monitors.delete(x), this.log);
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
  private async overCapacity(line: LineConfig, channel: PbxLegInfo): Promise<void> {
    await this.pbx.hangup(channel.id, 'busy').catch(quietly(this.log, 'PBX clean-up'));
    const number = channel.callerNumber ? this.deps.numbers.key(channel.callerNumber) || null : null;
    await this.deps.calls.refused({ lineId: line.id, number, callerName: channel.callerName || null, leg: { channelId: channel.id, endpoint: line.endpoint ?? null } });
    this.log.info({ lineId: line.id, channels: line.channels }, 'line full: caller got busy');
  }

  /**
   * After every (re)connect: channels of ours that are gone (Asterisk
   * restarted) end their legs as asterisk-restart and their calls as failed;
   * channels still in our application that nothing owns (the daemon
   * restarted under them) are hung up.
   */
  private async resync(): Promise<void> {
    const again = (): void => { setTimeout(() => { if (this.connected) void this.resync(); }, 2000).unref(); };
    // the legs this daemon knew as it asked: one that comes in meanwhile (or while a takeover runs) is not in the answer, and not gone
    const known = { legs: this.legLog.channels(), claims: this.registry.ids() };
    const ids = await this.pbx.legs().catch(() => null);
    // Asterisk did not answer: a takeover due is tried again (a plain resync waits for the next link-up)
    if (!ids) { if (this.takeover.due) again(); return; }
    const present = new Set(ids);
    if (this.takeover.due) {
      const done = await this.takeover.run().then(() => true, (err: unknown) => { this.log.error({ err }, 'taking over the calls of the node failed; trying again in 2 s'); return false; });
      // not done (the database away): hang up nothing that may still be the earlier owner's call, and try again
      if (!done) { again(); return; }
    }
    for (const id of known.legs) if (!present.has(id)) this.legLog.ended(id, 'asterisk-restart');
    for (const id of known.claims) if (!present.has(id) && this.registry.owner(id)) this.legGone(id, 'failed', true);
    for (const id of present) {
      if (this.registry.owner(id)) continue;
      this.log.warn({ channelId: id }, 'channel left in Stasis by an earlier run: hung up');
      await this.pbx.hangup(id).catch(quietly(this.log, 'PBX clean-up'));
    }
  }

  /** cluster.enabled: another daemon owns the node now (node.ts): what this daemon remembers of its calls is stale. */
  nodeOwnedElsewhere(): void { this.takeover.forget('the node is another daemon\'s now'); }

  /** Call reports (calls/reports.ts): the legs of a call whose end is not written, as this daemon saw them (taken once). */
  takeLegs(callId: string): ReturnType<LegLog['take']> { return this.legLog.take(callId); }
  /** Call reports: whether this daemon drives a call on that channel. */
  drivesChannel(channelId: string): boolean { return this.live.has(channelId) || this.legLog.has(channelId); }
  /** Call reports: ARI up and no takeover pending (the rows a takeover closes are closed). */
  settled(): boolean { return this.connected && !this.takeover.due; }
}
