/**
 * Taking an Asterisk node over from another daemon (cluster lease,
 * docs/scale-out.md), as the PBX service runs it: at the link-up, what this
 * daemon remembers of the node goes (forget); at the first resync after it,
 * the calls the earlier owner left open go on here as takeover.ts plans them
 * (run), callers whose call has no row yet start a new call here, and every
 * other call it left open on these lines is closed as `interrupted`.
 */
import type { Logger } from 'pino';
import type { LineConfig } from '../../config/schema.ts';
import type { LineState } from '../../core/call/line-machine.ts';
import type { CallRecord } from '../../core/call/records.ts';
import type { Pbx, PbxInventory, PbxLegInfo } from '../../core/ports.ts';
import type { TelephonyDeps } from '../telephony/deps.ts';
import type { CallSession } from '../telephony/session.ts';
import type { AcdService } from '../acd/acd-service.ts';
import type { AsteriskChannelControl } from './channel-control.ts';
import type { LegLog } from './legs.ts';
import { planTakeover, type Campaigned, type Conversation, type Dialled, type Handset, type IdleSeat, type InIvr, type OpenLeg, type Queued } from './takeover.ts';
import type { ResumedAttempt } from '../dialer/port.ts';

/** A caller's call this daemon drives: its session, the channel's control, its line. */
export interface Live { session: CallSession; control: AsteriskChannelControl; line: LineConfig }

/** What the takeover needs of the PBX service. */
export interface NodeParts {
  deps: TelephonyDeps;
  lines: LineConfig[];
  pbx: Pbx;
  log: Logger;
  acd: AcdService;
  legLog: LegLog;
  /** The callers' calls this daemon drives, by the caller's channel id. */
  live: Map<string, Live>;
  /** A caller's channel gets its call session (here: one resumed from its row). */
  open(line: LineConfig, channel: PbxLegInfo, resumed: { row: CallRecord; as: 'connected' | 'queued' | 'ivr' }): Live;
  /** A caller's channel starts a new call, as one that just came in does (answered, its line's flow from the start), begun at `startedAt`. */
  inbound(channel: PbxLegInfo, startedAt?: Date): void;
  /** The agent's channel of a conversation that goes on is the ACD's again. */
  claimAgentLeg(channelId: string): void;
  /** A click-to-dial conversation goes on: its two channels are the click-to-dialer's, and it has its call there. */
  resumeDialled(line: LineConfig, k: Dialled): void;
  /** The campaigns running now run here (the earlier owner may have started some since this daemon's start). */
  campaignsRunning(): Promise<void>;
  /** The open attempt of a campaign call (null: none; the call is closed as before). */
  campaignAttempt(callId: string): Promise<ResumedAttempt | null>;
  /** A campaign conversation goes on: its two channels are the dialer's, and it has its call there. */
  resumeCampaign(line: LineConfig, k: Campaigned, found: ResumedAttempt): void;
  /** An agent's nailed-up seat waiting for the next campaign call is the dialer's again (false: not wanted). */
  adoptSeat(seat: IdleSeat): boolean;
  /** The run is done (the dialer calls seats and places calls again). */
  done(): void;
  /** A caller talking to an office phone goes on: the phone's channel is the seat ringer's, with the conversation. */
  resumeHandset(session: CallSession, k: Handset): void;
  lineState(line: LineConfig): LineState;
  /** Everything else this daemon remembers of the node is dropped (leg claims, seats ringing, click-to-dial, campaign calls, monitors). */
  forgetRest(): void;
}

export class NodeTakeover {
  /** A takeover whose link-up came and whose run has not completed yet (the first resync failed): the next resync runs it. */
  private pending = false;
  /** Calls the link-up dropped from memory (logged when the run completes). */
  private forgotten = 0;

  constructor(private readonly p: NodeParts) {}

  /** True from a takeover's link-up until its run completes. */
  get due(): boolean { return this.pending; }

  /**
   * The link-up of a takeover: what this daemon remembers of the node is
   * stale and goes now, before the new connection's first event, so a call
   * that comes in while the takeover runs is this daemon's own and stays.
   */
  linkUp(): void {
    this.pending = true;
    this.forgotten = this.forget('node won back under a new epoch');
  }

  /**
   * What this daemon remembers of the node's calls goes, without a write, a
   * hang-up or an event: when it learns that another daemon owns the node,
   * and at a takeover's link-up, in case it wins the node back under a new
   * epoch before it learnt that (another daemon drove the calls meanwhile:
   * they may have ended, moved to other agents or left the IVR). The open
   * rows then say what goes on (run), as for any other takeover. Returns
   * how many calls were forgotten.
   */
  forget(why: string): number {
    const { p } = this;
    const calls = p.deps.calls.forget();
    for (const { session, control } of p.live.values()) { session.forget(); control.ended(); }
    const sessions = p.live.size;
    p.live.clear();
    p.forgetRest();
    if (calls + sessions > 0) p.log.warn({ calls, sessions }, `${why}: the calls this daemon remembered are dropped; the rows say what goes on`);
    return calls;
  }

  /**
   * The calls the earlier owner left go on here as takeover.ts plans them
   * (conversations, callers waiting in queues, callers in the IVR); every
   * other call it left open on these lines is closed as `interrupted` (its
   * channels are hung up by the resync) and their recordings repaired.
   * Agents get the states that daemon saved. A run that fails stays due.
   */
  async run(): Promise<void> {
    const { p } = this;
    const lineIds = p.lines.map((l) => l.id);
    // queues and agents as they are now: the earlier owner's API may have changed them since this daemon loaded them
    await p.acd.load();
    // the calls this daemon drives came in since the link-up (it forgot the rest then): its own, not the earlier owner's;
    // asked after each read of the rows (a call's session starts before its row is written)
    const mine = (id: string): boolean => [...p.live.values()].some((l) => l.session.id === id);
    const openAnywhere = await p.deps.repos.calls.open();
    const open = openAnywhere.filter((c) => lineIds.includes(c.lineId) && !mine(c.id));
    // calls open on other nodes' lines (a cluster of several nodes): their agents are those nodes' daemons' to drive
    const elsewhere = new Set(openAnywhere.filter((c) => !lineIds.includes(c.lineId)).map((c) => c.id));
    const legs = await p.deps.repos.legs.openOf(open.map((c) => c.id));
    const inventory = await p.pbx.inventory();
    const plan = planTakeover(open, legs, inventory, (q) => p.acd.knows(q));
    const rowless = await this.rowless(inventory, legs);
    // campaign conversations whose attempt is still open, and callees waiting for an agent (the rest are closed below); their attempts go to the campaigns' runners here
    await p.campaignsRunning();
    const campaign: Array<{ k: Campaigned; found: ResumedAttempt }> = [];
    for (const k of plan.campaign) {
      const found = await p.campaignAttempt(k.call.id);
      if (found && (k.seat || found.waitingSince !== null)) campaign.push({ k, found });
      else found?.drop();
    }
    const onCall = [...plan.conversations.map((k) => [k.agent.agentId, k.call.id] as const), ...campaign.flatMap(({ k }) => (k.seat ? [[k.seat.agentId, k.call.id] as const] : []))];
    await p.deps.agents.reload(new Map(onCall), elsewhere);
    for (const k of plan.conversations) this.resume(k, 'connected');
    for (const k of plan.queued) this.resume(k, 'queued');
    for (const k of plan.ivr) this.resume(k, 'ivr');
    for (const k of plan.handset) this.resume(k, 'connected');
    for (const k of plan.dialled) this.resumeDialled(k);
    for (const c of campaign) this.resumeCampaign(c.k, c.found);
    const seats = plan.seats.filter((x) => p.adoptSeat(x)).length;
    let madeNew = 0;
    for (const channel of rowless) {
      // its StasisStart may have come in meanwhile (a caller who had just entered): then it is this daemon's call already
      if (p.live.has(channel.id)) continue;
      madeNew++;
      p.log.warn({ channelId: channel.id, channel: channel.name }, 'caller whose call has no row (the earlier owner could not write it): a new call here');
      // the record starts when the caller called (the channel's creation), not at the takeover
      p.inbound(channel, channel.createdAt ? new Date(channel.createdAt) : undefined);
    }
    const all = [...plan.conversations, ...plan.queued, ...plan.ivr, ...plan.handset];
    const keep = new Set([...all, ...plan.dialled, ...campaign.map((c) => c.k)].map((k) => k.call.id));
    // other legs of the calls that go on (phones still ringing for them, a supervisor): the earlier owner's; closed, their channels hung up
    const adopted = new Set([...all.map((k) => k.caller.leg.id), ...plan.conversations.map((k) => k.agent.leg.id), ...plan.handset.map((k) => k.seat.leg.id), ...plan.dialled.flatMap((k) => [k.agent.leg.id, k.customer.leg.id]), ...campaign.map((c) => c.k.customer.leg.id)]);
    const now = new Date();
    for (const l of legs) if (keep.has(l.callId) && !adopted.has(l.id)) await p.deps.repos.legs.ended(l.id, now, 'interrupted');
    const closed = await p.deps.calls.closeInterrupted(lineIds, (id) => keep.has(id) || mine(id));
    p.acd.prune();
    const stillOpen = async (): Promise<Set<string>> => new Set((await p.deps.repos.calls.open()).map((c) => c.id));
    const repaired = await p.deps.recordings.repairUnfinished({ keepCalls: stillOpen });
    p.log.info({ conversations: plan.conversations.length, queued: plan.queued.length, ivr: plan.ivr.length, handset: plan.handset.length, dialled: plan.dialled.length, campaign: campaign.length, seats, rowless: madeNew, closed, repairedRecordings: repaired, forgotten: this.forgotten, arrivedMeanwhile: p.live.size - all.length - madeNew }, 'node taken over');
    this.pending = false;
    p.done();
  }

  /**
   * Callers in our application that no leg row names: the earlier owner took
   * them (answered them, played the flow) while it could not write, and then
   * lost the node; what it still holds to write is fenced off now. Left
   * alone, the resync would hang them up with no record. A channel some row
   * names (an open call planned above, or a call that ended while its caller
   * is being hung up) is not one; nor is one this daemon drives already.
   */
  private async rowless(inventory: PbxInventory, openLegs: readonly OpenLeg[]): Promise<PbxInventory['legs']> {
    const { p } = this;
    const named = new Set(openLegs.map((l) => l.channelId));
    const candidates = inventory.legs.filter((l) => l.role === 'inbound' && !named.has(l.id) && !p.live.has(l.id));
    if (candidates.length === 0) return [];
    const known = await p.deps.repos.legs.namedChannels(candidates.map((l) => l.id));
    return candidates.filter((l) => !known.has(l.id));
  }

  /** A click-to-dial conversation of the earlier owner goes on here: its legs adopted, its call the click-to-dialer's. */
  private resumeDialled(k: Dialled): void {
    const { p } = this;
    const line = p.lines.find((l) => l.id === k.call.lineId)!;
    p.legLog.adopt(k.agent.channel.id, k.agent.leg.id, true);
    p.legLog.adopt(k.customer.channel.id, k.customer.leg.id, true);
    p.resumeDialled(line, k);
    p.log.info({ callId: k.call.id, as: 'dialled', agentId: k.call.agentId }, 'call taken over: it goes on');
  }

  /** A campaign conversation of the earlier owner goes on here: its callee's leg adopted, its call and attempt the dialer's. */
  private resumeCampaign(k: Campaigned, found: ResumedAttempt): void {
    const { p } = this;
    p.legLog.adopt(k.customer.channel.id, k.customer.leg.id, true);
    p.resumeCampaign(p.lines.find((l) => l.id === k.call.lineId)!, k, found);
    p.log.info({ callId: k.call.id, as: k.seat ? 'campaign' : 'campaign callee waiting', agentId: k.seat?.agentId ?? null, campaignId: found.call.campaign.id }, 'call taken over: it goes on');
  }

  /** A call of the earlier owner goes on here: its session from its row, its caller's leg, and (in conversation) the agent's leg in the ACD. */
  private resume(k: Conversation | Queued | InIvr | Handset, as: 'connected' | 'queued' | 'ivr'): void {
    const { p } = this;
    const line = p.lines.find((l) => l.id === k.call.lineId)!;
    const wasIdle = p.lineState(line) === 'idle';
    const channelId = k.caller.channel.id;
    const { session } = p.open(line, k.caller.channel, { row: k.call, as });
    p.legLog.adopt(channelId, k.caller.leg.id, true);
    if ('agent' in k) {
      p.legLog.adopt(k.agent.channel.id, k.agent.leg.id, true);
      p.claimAgentLeg(k.agent.channel.id);
      p.acd.adopt(session, { callerChannelId: channelId, agentChannelId: k.agent.channel.id, agentId: k.agent.agentId, queueId: k.queueId, bridgeId: k.bridgeId, answeredAt: Date.parse(k.agent.leg.answeredAt!) });
    } else if ('seat' in k) {
      p.legLog.adopt(k.seat.channel.id, k.seat.leg.id, true);
      p.resumeHandset(session, k);
    } else if ('queueId' in k) {
      void p.acd.resumeWaiting(session, channelId, k.queueId).catch((err: unknown) => p.log.error({ err, callId: session.id }, 'putting a caller back in the queue failed'));
    }
    if (wasIdle) p.deps.bus.emit('line.state', { lineId: line.id, state: 'in-call', previous: 'idle' });
    p.log.info({ callId: session.id, as: 'seat' in k ? 'handset' : as, ...('agent' in k ? { agentId: k.agent.agentId } : {}) }, 'call taken over: it goes on');
  }
}
