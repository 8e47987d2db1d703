/**
 * The dialer on the PBX (DialerBackend). Campaign calls go out through the
 * campaign's lines as role `dialer` legs; each is one outbound call record
 * (the ledger's) with its legs in call_legs.
 *
 * Agents working a campaign are "nailed up" (campaign-seats.ts), so a person
 * who answers is bridged to a free agent in milliseconds, not after a phone
 * rang. A live answer with no free agent
 * within the campaign's connect limit (2 s) hears the identification message
 * and is hung up: an abandoned call. Broadcast plays the message and reads
 * one key (to an agent, opt out, repeat).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LineConfig } from '../../config/schema.ts';
import type { Pbx, PbxGoneReason, PbxLegInfo, PbxMachineVerdict } from '../../core/ports.ts';
import type { DialMode } from '../../core/dialer/pacing.ts';
import type { CampaignOutcome } from '../../core/dialer/campaign.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import { outboundSnapshot, type CallSnapshot } from '../telephony/snapshot.ts';
import type { LegLog } from './legs.ts';
import type { LedgerCall } from '../calls/ledger.ts';
import type { ActiveRecording } from '../recording/recorder.ts';
import type { AgentPicture, AttemptReports, DialerBackend, DialerCall, DialerTakeover, ResumedAttempt } from '../dialer/port.ts';
import type { Campaigned, IdleSeat } from './takeover.ts';
import { AsteriskChannelControl } from './channel-control.ts';
import { NailedSeats, type SeatLeg as Seat } from './campaign-seats.ts';
import { dialFailure, dialString } from './click-to-dial.ts';
import { quietly } from './quietly.ts';
import { KefuError } from '../../core/errors.ts';
import { dispositionOf } from '../dialer/port.ts';
import { customerSummary } from '../../core/crm/summary.ts';
import { broadcast, say, type AnsweredDeps, type CampaignMedia } from '../dialer/answered.ts';

type SeatLeg = Seat<CampaignCall>;

class CampaignCall {
  legId: string = randomUUID();
  control: AsteriskChannelControl | null = null;
  answered = false;
  agent: SeatLeg | null = null;
  bridge: string | null = null;
  outcome: CampaignOutcome | null = null;
  result: Record<string, unknown> = {};
  connectTimer: NodeJS.Timeout | null = null;
  channelName: string | null = null;
  recording: ActiveRecording | null = null;
  /** Aborted when the callee's leg is gone. */
  readonly gone = new AbortController();
  constructor(readonly spec: DialerCall, readonly line: LineConfig, readonly record: LedgerCall, readonly reports: AttemptReports) {}
}

export class PbxCampaignCalls implements DialerBackend {
  readonly lineIds: string[];
  private readonly calls = new Map<string, CampaignCall>();
  private readonly seats: NailedSeats<CampaignCall>;
  private readonly listeners = new Set<() => void>();
  private readonly mediaDir: string;
  /** The pbx as this owner's view (legs claimed for it); set by the PBX service. */
  pbx!: Pbx;

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly lines: LineConfig[],
    private readonly legLog: LegLog,
    private readonly log: Logger,
    /** Calls up on a line now that are not the dialer's (inbound, click-to-dial). */
    private readonly othersOn: (line: LineConfig) => number,
    private readonly connected: () => boolean,
  ) {
    this.lineIds = lines.map((l) => l.id);
    this.mediaDir = join(deps.config.dataDir, 'pbx-media');
    this.seats = new NailedSeats(deps, log, () => this.pbx, connected);
    // every agent state change (API, ACD, wrap-up end) is an agent.state event: one subscription sees them all
    // (an agent ready again whose seat is up, after wrap-up or a call of the queue, takes a callee waiting for one)
    deps.bus.subscribe((e) => { if (e.type === 'agent.state') { this.seats.sync(); this.offerWaiting(); this.changed(); } });
  }

  onChange(fn: () => void): () => void { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  private changed(): void { for (const fn of this.listeners) fn(); }

  refuses(_mode: DialMode, lineIds: readonly string[]): string | null {
    return lineIds.some((id) => !this.lineIds.includes(id)) ? 'some lines are not Asterisk lines' : null;
  }

  /** The dialer's calls up (`GET /calls/active`): `dialing`, `answered` (no agent yet, or a broadcast), `connected` (an agent took it). */
  snapshots(): CallSnapshot[] {
    return [...this.calls.values()].map((c) => outboundSnapshot({
      id: c.record.id, lineId: c.line.id, state: c.agent ? 'connected' : c.answered ? 'answered' : 'dialing', number: c.spec.numberKey, name: c.spec.name,
      customerId: c.spec.customerId, startedAt: c.record.startedAt, answeredAt: c.record.whenAnswered(),
    }));
  }

  /** Dialer calls on a line. */
  busy(line: LineConfig): number { return [...this.calls.values()].filter((c) => c.line.id === line.id).length; }

  freeLines(lineIds: readonly string[]): number {
    if (!this.connected()) return 0;
    return this.lines.filter((l) => lineIds.includes(l.id)).reduce((n, l) => n + Math.max(0, l.channels - this.othersOn(l) - this.busy(l)), 0);
  }

  agents(ids: readonly string[]): AgentPicture {
    const now = Date.now();
    const picture: AgentPicture = { ready: [], onCallS: [], wrapUpS: [], waiting: 0 };
    for (const id of ids) {
      const a = this.deps.agents.get(id);
      if (!a) continue;
      const seat = this.seats.get(id);
      if (a.state === 'ready' && seat?.up && !seat.call) picture.ready.push(id);
      else if (a.state === 'on-call' && seat?.call) picture.onCallS.push((now - a.since) / 1000);
      else if (a.state === 'wrap-up') picture.wrapUpS.push((now - a.since) / 1000);
    }
    picture.waiting = [...this.calls.values()].filter((c) => c.answered && !c.agent && c.connectTimer).length;
    return picture;
  }

  /** Agents of running campaigns: those ready get their seat called (once); the others are let go. */
  staff(ids: Iterable<string>): void { this.seats.staff(ids); }

  async place(spec: DialerCall, lineIds: readonly string[], reports: AttemptReports): Promise<void> {
    const line = this.lines.find((l) => lineIds.includes(l.id) && l.channels - this.othersOn(l) - this.busy(l) > 0);
    if (!line) throw new KefuError('LINE_BUSY', 'no free line for the campaign');
    const record = this.deps.calls.open({ lineId: line.id, direction: 'outbound', state: 'dialing', number: spec.numberKey, customerId: spec.customerId, agentId: spec.agentId });
    const call = new CampaignCall(spec, line, record, reports);
    this.calls.set(call.legId, call);
    const endpoint = dialString(line.endpoint!, spec.digits);
    this.legLog.start({ callId: record.id, kind: 'outbound', channelId: call.legId, endpoint }, record.created);
    reports.placed(record.id, line.id);
    try {
      const s = spec.campaign.settings;
      const ch = await this.pbx.originate({
        id: call.legId, endpoint, role: 'dialer', args: ['call', record.id], timeoutS: s.ringTimeoutS, callerId: s.callerId ?? 'kefu',
        ...(s.amd.enabled ? { detectMachine: true } : {}),
      });
      call.channelName = ch.name;
      reports.ringing();
    } catch (err) {
      await this.end(call, 'failed');
      throw err;
    }
  }

  async cancelRinging(campaignId: string): Promise<void> {
    for (const c of this.calls.values()) {
      if (c.spec.campaign.id === campaignId && !c.answered) { c.outcome = 'cancelled'; await this.pbx.hangup(c.legId).catch(quietly(this.log, 'PBX clean-up')); }
    }
  }

  // ---- leg events (the PBX service routes this owner's legs here) ----

  /**
   * A leg of ours entered: an agent's seat, or a callee who answered. With
   * machine detection the callee enters once the detector decided, at the
   * end of the greeting: the 2 s connect limit runs from there (the rules
   * count from the end of the callee's greeting).
   */
  entered(leg: PbxLegInfo, args: string[], amd?: PbxMachineVerdict): void {
    if (args[0] === 'seat') { this.seatUp(leg); return; }
    const call = this.calls.get(leg.id);
    if (!call) { void this.pbx.hangup(leg.id).catch(quietly(this.log, 'PBX clean-up')); return; }
    call.answered = true;
    call.control = new AsteriskChannelControl(leg, this.pbx, this.mediaDir, this.log);
    call.record.answered(call.spec.numberKey, 'answered');
    const machine = amd?.status === 'machine';
    call.reports.answered(machine ? 'machine' : 'live', amd ? amd.status : null);
    const s = call.spec.campaign.settings;
    if (machine && s.amd.onMachine !== 'agent') {
      call.outcome = 'machine';
      if (s.amd.onMachine === 'message') void this.leaveMessage(call).catch((err: unknown) => this.failed(call, err));
      else void this.pbx.hangup(leg.id).catch(quietly(this.log, 'PBX clean-up'));
      return;
    }
    if (call.spec.campaign.mode === 'broadcast') void this.broadcast(call).catch((err: unknown) => this.failed(call, err));
    else this.findAgent(call);
  }

  /** A machine answered and the campaign leaves a message: the message (or the identification) after the beep, then hang up. */
  private async leaveMessage(call: CampaignCall): Promise<void> {
    const s = call.spec.campaign.settings;
    call.result = { message: await say(this.media(call), call.spec, this.answeredDeps(), s.message ?? s.identification) };
    await this.pbx.hangup(call.legId).catch(quietly(this.log, 'PBX clean-up'));
  }

  private answeredDeps(): AnsweredDeps { return { prompts: this.deps.prompts, blacklist: this.deps.blacklist, flows: this.deps.flows, log: this.log }; }

  /** The answered callee's media. */
  private media(call: CampaignCall): CampaignMedia {
    const control = call.control!;
    return {
      play: (pcm, opts) => control.play(pcm, opts), readKey: (ms) => control.readKey(ms), control,
      keys: (fn) => control.onDigit(fn), signal: call.gone.signal,
      storeSurvey: (score) => this.storeSurvey(call, score),
    };
  }

  /** A campaign flow's survey answer, against the call's customer (the list's, or the one the number matches). */
  private async storeSurvey(call: CampaignCall, score: number): Promise<void> {
    if (!call.spec.customerId) {
      const c = await this.deps.repos.customers.findByPhone(call.spec.numberKey).catch(() => null);
      if (c) await call.record.update({ customerId: c.id });
    }
    await call.record.run(() => this.deps.repos.surveys.record(call.record.id, score));
  }

  private seatUp(leg: PbxLegInfo): void {
    const seat = this.seats.byLeg(leg.id);
    if (!seat) { void this.pbx.hangup(leg.id).catch(quietly(this.log, 'PBX clean-up')); return; }
    seat.up = true;
    void this.pbx.moh(leg.id, true).catch(quietly(this.log, 'music on hold'));
    this.changed();
    // a person may be waiting already
    this.offerWaiting();
  }

  /** Callees waiting for an agent (within the connect limit) take the free seats, in the order they were placed. */
  private offerWaiting(): void {
    for (const c of this.calls.values()) if (c.answered && !c.agent && c.connectTimer) this.findAgent(c);
  }

  dtmf(legId: string, digit: string): void { this.calls.get(legId)?.control?.dtmf(digit); }
  playbackDone(legId: string, playbackId: string): void { this.calls.get(legId)?.control?.playbackFinished(playbackId); }

  gone(legId: string, reason: PbxGoneReason): void {
    const seat = this.seats.gone(legId);
    if (seat) {
      if (seat.call) void this.pbx.hangup(seat.call.legId).catch(quietly(this.log, 'PBX clean-up'));
      this.changed();
      return;
    }
    const call = this.calls.get(legId);
    if (!call) return;
    call.control?.ended();
    call.gone.abort();
    if (!call.answered) { const f = dialFailure(reason); void this.end(call, call.outcome ?? (f === 'no-dialtone' ? 'failed' : f)); return; }
    if (!call.outcome && !call.agent && call.connectTimer) {
      // a person hung up while waiting for an agent: counted as abandoned
      // (the conservative reading of the rules: nobody reached them)
      call.outcome = 'abandoned';
      call.result.hungUpWaiting = true;
      call.reports.abandoned();
    }
    // an agent talked to them, or a broadcast was (partly) heard
    void this.end(call, call.outcome ?? 'connected');
  }

  /** A person answered: bridge them to a free agent now, or within the connect limit (`withinMs`: what is left of it), or abandon. */
  private findAgent(call: CampaignCall, withinMs = call.spec.campaign.settings.connectWithinS * 1000): void {
    if (call.agent || call.outcome) return;
    const seat = this.seats.free(call.spec.agentId ? new Set([call.spec.agentId]) : this.seats.staffed);
    if (seat) { void this.connect(call, seat).catch((err: unknown) => this.failed(call, err)); return; }
    if (call.connectTimer) return;
    call.connectTimer = setTimeout(() => { call.connectTimer = null; if (!call.agent) void this.abandon(call).catch((err: unknown) => this.failed(call, err)); }, withinMs);
  }

  private async connect(call: CampaignCall, seat: SeatLeg): Promise<void> {
    if (call.connectTimer) { clearTimeout(call.connectTimer); call.connectTimer = null; }
    seat.call = call;
    call.agent = seat;
    const agents = this.deps.agents;
    // the offer is written first: in a cluster another node's ACD may have offered the agent a call meanwhile
    const offered = agents.offer(seat.agentId, call.record.id, null);
    if (!offered || await offered !== 'written') {
      seat.call = null;
      call.agent = null;
      this.log.info({ agentId: seat.agentId, callId: call.record.id }, 'agent taken meanwhile: another agent, or the connect limit');
      this.findAgent(call);
      return;
    }
    agents.apply(seat.agentId, { type: 'answer' });
    await this.pbx.moh(seat.legId, false).catch(quietly(this.log, 'music on hold'));
    call.bridge = await this.pbx.bridge([call.legId, seat.legId]);
    const name = call.channelName;
    const rule = call.spec.campaign.settings.recording;
    // 'policy': the line's and the installation's recording rules decide; 'always' records whatever they say
    if (rule !== 'never' && this.pbx.canRecordCalls && name) {
      call.recording = this.deps.recordings.startExternal(call.record.id, call.line, call.spec.numberKey, Promise.resolve(), (path) => this.pbx.recordCall({ name }, path), rule === 'always');
    }
    void call.record.update({ agentId: seat.agentId, state: 'connected' });
    const customer = call.spec.customerId ? await this.deps.repos.customers.get(call.spec.customerId).catch(() => null) : null;
    this.deps.bus.emit('screenpop', { agentId: seat.agentId, callId: call.record.id, lineId: call.line.id, number: call.spec.numberKey, customer: customer ? customerSummary(customer) : null });
    call.reports.connected(seat.agentId);
    this.changed();
  }

  private async abandon(call: CampaignCall): Promise<void> {
    call.outcome = 'abandoned';
    call.reports.abandoned();
    call.result.identification = call.control ? await say(this.media(call), call.spec, this.answeredDeps(), call.spec.campaign.settings.identification) : false;
    await this.pbx.hangup(call.legId).catch(quietly(this.log, 'PBX clean-up'));
  }

  private async broadcast(call: CampaignCall): Promise<void> {
    const b = await broadcast(this.media(call), call.spec, this.answeredDeps(), () => call.reports.connected(null), call.result);
    if (b.toAgent && !call.outcome) { this.findAgent(call); return; }
    call.outcome ??= 'connected';
    await this.pbx.hangup(call.legId).catch(quietly(this.log, 'PBX clean-up'));
  }

  private failed(call: CampaignCall, err: unknown): void {
    this.log.error({ err, callId: call.record.id }, 'campaign call failed');
    call.outcome ??= 'failed';
    void this.pbx.hangup(call.legId).catch(quietly(this.log, 'PBX clean-up'));
  }

  private async end(call: CampaignCall, outcome: CampaignOutcome): Promise<void> {
    if (!this.calls.delete(call.legId)) return;
    if (call.connectTimer) clearTimeout(call.connectTimer);
    const seat = call.agent;
    if (seat) {
      seat.call = null;
      if (call.bridge) await this.pbx.destroyBridge(call.bridge).catch(quietly(this.log, 'PBX clean-up'));
      if (this.seats.holds(seat)) await this.pbx.moh(seat.legId, true).catch(quietly(this.log, 'music on hold'));
      this.deps.agents.callEnded(seat.agentId, this.deps.config.console.wrapUpS);
    }
    const rec = call.recording;
    await call.record.end(call.spec.numberKey, {
      disposition: dispositionOf(outcome),
      ...(rec ? { after: () => rec.finish().catch((err: unknown) => this.log.warn({ err }, 'recording failed')) } : {}),
    }).catch((err: unknown) => this.log.error({ err, callId: call.record.id }, 'closing the call failed'));
    call.reports.ended(outcome, Object.keys(call.result).length ? call.result : undefined);
    this.changed();
  }

  // ---- a takeover of the node (docs/scale-out.md, "Taking a node over") ----

  private campaigns: DialerTakeover | null = null;
  takeoverBy(campaigns: DialerTakeover): void { this.campaigns = campaigns; }

  /** The campaigns running now run here (before the calls are taken over: their attempts go to their runners). */
  async runRunning(): Promise<void> { await this.campaigns?.running(); }

  /** The open attempt of a campaign call another daemon placed (null: none, or no campaign service here). */
  attemptOf(callId: string): Promise<ResumedAttempt | null> { return this.campaigns ? this.campaigns.attempt(callId) : Promise.resolve(null); }

  /**
   * A campaign conversation the earlier owner of the node left goes on here:
   * the callee's and the seat's channels (claimed for this backend by the
   * PBX service) as they are, in their bridge; the attempt's reports are
   * this daemon's runner's; the recording the earlier owner started is
   * sealed here. Its end is as for a call placed here. A callee waiting for
   * an agent (no seat: `found.waitingSince`) waits on here for what is left
   * of the connect limit, and is abandoned (the identification message, then
   * hung up) when it has run out.
   */
  resume(line: LineConfig, k: Campaigned, found: ResumedAttempt): void {
    const call = new CampaignCall(found.call, line, this.deps.calls.resume(k.call), found.reports);
    call.legId = k.customer.channel.id;
    call.answered = true;
    call.channelName = k.customer.channel.name;
    call.control = new AsteriskChannelControl(k.customer.channel, this.pbx, this.mediaDir, this.log);
    call.bridge = k.bridgeId;
    call.agent = k.seat ? this.seats.adopt(k.seat.agentId, k.seat.channel.id, call) : null;
    this.calls.set(call.legId, call);
    if (!k.seat && found.waitingSince !== null) {
      const left = call.spec.campaign.settings.connectWithinS * 1000 - (Date.now() - found.waitingSince);
      if (left > 0) this.findAgent(call, left);
      else void this.abandon(call).catch((err: unknown) => this.failed(call, err));
    }
    void this.deps.recordings.resumeExternal(call.record.id, () => !this.calls.has(call.legId))
      .then((rec) => { call.recording = rec; }, (err: unknown) => this.log.warn({ err, callId: call.record.id }, 'the call\'s recording could not be resumed'));
    this.changed();
  }

  /** An agent's nailed-up seat the earlier owner left waiting (music on hold): kept for the next call, not rung again. */
  adoptSeat(seat: IdleSeat): boolean { return this.seats.adopt(seat.agentId, seat.channel.id, null) !== null; }

  /** The takeover is done: seats of ready agents that have none are called, agents that left are let go, a callee waiting takes a seat kept free, calls may be placed. */
  takenOver(): void {
    this.seats.sync();
    this.offerWaiting();
    this.changed();
  }

  /**
   * Forgotten without a command or a write (the node is another daemon's, or
   * won back under a new epoch: NodeTakeover.forget): the takeover closes
   * the calls' rows, the resync hangs up their channels and the agents' seat
   * legs; the seats are called again as the dialer staffs them.
   */
  forget(): void {
    for (const c of this.calls.values()) if (c.connectTimer) clearTimeout(c.connectTimer);
    this.calls.clear();
    this.seats.forget();
    this.changed();
  }

  /** Daemon stop: seat legs hung up, none called again (their legGone comes while we hang up). */
  async stop(): Promise<void> { await this.seats.stop(); }
}
