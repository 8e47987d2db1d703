/**
 * Automatic call distribution on the PBX: queues of waiting callers (music
 * on hold, periodic position and wait announcements, an exit key), agents at
 * seats, offers to agents' phones by the queue's strategy, bridging on
 * answer, no-answer to the next agent, wrap-up, overflow (another queue,
 * voicemail, a flow or hang-up), and the `queue.update` event. Agent states
 * live in the AgentBoard (shared with the single-line desktop, persisted);
 * agents and queues live in the DB. Every agent leg is logged in call_legs
 * through the PBX's leg log.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { quietly } from '../pbx/quietly.ts';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { Agent, AgentEvent } from '../../core/acd/agent.ts';
import { pickAgents } from '../../core/acd/strategies.ts';
import type { AgentBoard } from '../agents/board.ts';
import { countAbandoned, countAnswered, countExited, countOverflow, emptyCounters, type QueueCounters } from '../../core/acd/stats.ts';
import type { AcdRepo } from '../../db/repos/acd.ts';
import type { QueueRow } from '../../core/acd/records.ts';
import type { CallLegRepo } from '../../db/repos/legs.ts';
import type { QueueWaitingRepo } from '../../db/repos/queue-waiting.ts';
import type { CallRepo } from '../../db/repos/calls.ts';
import type { Pbx } from '../../core/ports.ts';
import type { CallSession } from '../telephony/session.ts';
import type { LegLog } from '../pbx/legs.ts';
import { Announcer, type WaitingCaller } from './announcer.ts';
import { voicemailFlow } from './overflow.ts';
import { figures, QueueDay, queueStat, type QueueStat, type RecordedFigures } from './queue-day.ts';
import { ClusterQueueUpdates, readAllNodes, type AllNodes } from './cluster-figures.ts';

interface Waiting extends WaitingCaller { tried: Set<string>; legs: Map<string, string>; timer: NodeJS.Timeout | undefined; visited: string[] }
/** An agent's phone offered a call. `cancelled`: kefu stopped the ring itself, so its end is not a miss. */
interface Leg { waiting: Waiting; agentId: string; answered: boolean; answeredAt: number; bridgeId: string | null; cancelled: boolean }

/** How many recent handle times per queue feed the estimated wait. */
const HISTORY = 20;

export class AcdService {
  private queues = new Map<string, QueueRow>();
  private members = new Map<string, Record<string, number>>();
  private readonly waiting: Waiting[] = [];
  private readonly legs = new Map<string, Leg>();
  private readonly cursors = new Map<string, number>();
  /** Per queue, today's counters. */
  private readonly today: QueueDay;
  /** Per queue, recent handle times (ms), newest first: loaded from call_legs, then kept current. */
  private readonly handleTimes = new Map<string, number[]>();
  private readonly announcer: Announcer;
  /** Writes of the shared waiting list, in order. */
  private shared: Promise<void> = Promise.resolve();
  /** In a cluster: `queue.update` carries the cluster's figures (`allNodes`, read from the database). */
  private readonly clusterUpdates: ClusterQueueUpdates | null;

  constructor(
    private readonly repo: AcdRepo,
    private readonly board: AgentBoard,
    private readonly pbx: Pbx,
    private readonly seats: Config['seats'],
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly legLog: LegLog,
    private readonly history: Pick<CallLegRepo, 'recentHandleTimes'>,
    records: Pick<CallRepo, 'queueCallsSince'>,
    /** In a cluster: this node's name and the shared list of waiting callers (sql/029), so the longest-waiting caller across nodes is served first. */
    private readonly cluster: { node: string; waiting: QueueWaitingRepo } | null = null,
  ) {
    board.onChange(() => this.routeAll());
    this.clusterUpdates = cluster
      // read once this daemon's own writes of the waiting list are done, so the figures include the change announced
      ? new ClusterQueueUpdates(() => this.shared.then(() => this.allNodes()), (q, all) => this.emitUpdate(q, all), log)
      : null;
    this.today = new QueueDay(records, (q) => (this.queues.get(q)?.settings.serviceLevelS ?? 20) * 1000);
    this.announcer = new Announcer({
      bus, log,
      moh: (w, on) => this.moh(w.channelId, on),
      isWaiting: (w) => this.isWaiting(w as Waiting),
      position: (w) => this.waiting.filter((x) => x.queue.id === w.queue.id && !x.connected).indexOf(w as Waiting) + 1,
      staffed: (q) => q.members.filter((id) => ['ready', 'ringing', 'on-call', 'wrap-up'].includes(this.board.get(id)?.state ?? 'logged-out')).length,
      handleTimesMs: (q) => this.handleTimes.get(q.id) ?? [],
    });
  }

  async load(): Promise<void> {
    this.members = new Map((await this.repo.agents()).map((a) => [a.id, a.skills]));
    this.queues = new Map((await this.repo.queues()).map((q) => [q.id, q]));
    for (const q of this.queues.keys()) {
      if (!this.handleTimes.has(q)) this.handleTimes.set(q, await this.history.recentHandleTimes(q, HISTORY));
    }
    await this.today.load();
  }

  agentList(): Agent[] { return this.board.list(); }

  /**
   * Today's figures of each known queue from the call records of every node
   * (finished calls; with a cluster, `GET /queues` `allNodes`), counted as the
   * live counters count them.
   */
  async recordedToday(): Promise<Map<string, RecordedFigures>> {
    const counted = await this.today.countToday();
    return new Map([...this.queues.keys()].map((q) => [q, figures(counted.get(q) ?? emptyCounters())]));
  }

  /** In a cluster: every queue's figures across the nodes (`allNodes`); null without a cluster. */
  async allNodes(): Promise<Map<string, AllNodes>> {
    return this.cluster ? readAllNodes(this.cluster.waiting, () => this.recordedToday()) : new Map();
  }

  queueStats(): QueueStat[] {
    const now = Date.now();
    return [...this.queues.values()].map((q) => queueStat(q, this.waiting.filter((x) => x.queue.id === q.id && !x.connected).map((x) => x.since),
      (id) => this.board.get(id)?.state ?? 'logged-out', this.today.of(q.id), now));
  }

  private apply(agentId: string, e: AgentEvent): boolean { return this.board.apply(agentId, e); }

  private async moh(channelId: string, on: boolean): Promise<void> {
    await this.pbx.moh(channelId, on).catch((err: unknown) => { if (on) this.log.warn({ err }, 'music on hold failed'); });
  }

  private isWaiting(w: Waiting): boolean { return !w.connected && this.waiting.includes(w); }

  /**
   * The IVR put a call into a queue: music on hold, then offers. `visited`:
   * queues it overflowed from. `since`: when it entered (a caller taken over
   * keeps its place and its wait; default now).
   */
  async enqueue(call: CallSession, channelId: string, queueId: string, visited: string[] = [], since = Date.now()): Promise<boolean> {
    const queue = this.queues.get(queueId);
    if (!queue) { this.log.warn({ queueId }, 'IVR sent a call to an unknown queue'); return false; }
    await this.moh(channelId, true);
    const maxWaitMs = Math.max(0, queue.settings.maxWaitS * 1000 - (Date.now() - since));
    const w: Waiting = { call, channelId, queue, since, tried: new Set(), legs: new Map(), connected: false, visited: [...visited, queueId],
      announcing: null, announceTimer: null, timer: setTimeout(() => this.leave(w, 'timeout'), maxWaitMs) };
    // in the order they entered (a caller taken over may have waited longer than those here)
    const later = this.waiting.findIndex((x) => x.since > since);
    if (later < 0) this.waiting.push(w); else this.waiting.splice(later, 0, w);
    this.share((r, node) => r.enter(call.id, queueId, node, w.since));
    void call.finished.then(() => {
      // a caller we hung up (the API) did not abandon: not counted (its record says cancelled)
      if (this.isWaiting(w) && !call.endedByUs) this.count(queue.id, (c) => countAbandoned(c, Date.now() - w.since, queue.settings.serviceLevelS * 1000));
      this.drop(w);
    });
    this.announcer.schedule(w);
    this.update(queue.id);
    this.route(queue.id);
    return true;
  }

  /**
   * A node taken over (docs/scale-out.md): a conversation its earlier owner
   * bridged goes on here, and ends as if this daemon had bridged it (the
   * agent's wrap-up, the caller hung up or sent to the survey). False when
   * the queue is not known here.
   */
  adopt(call: CallSession, c: { callerChannelId: string; agentChannelId: string; agentId: string; queueId: string; bridgeId: string; answeredAt: number }): boolean {
    const queue = this.queues.get(c.queueId);
    if (!queue) return false;
    const w: Waiting = { call, channelId: c.callerChannelId, queue, since: c.answeredAt, tried: new Set([c.agentId]), legs: new Map([[c.agentChannelId, c.agentId]]),
      connected: true, visited: [c.queueId], announcing: null, announceTimer: null, timer: undefined };
    this.waiting.push(w);
    this.legs.set(c.agentChannelId, { waiting: w, agentId: c.agentId, answered: true, answeredAt: c.answeredAt, bridgeId: c.bridgeId, cancelled: false });
    void call.finished.then(() => this.drop(w));
    return true;
  }

  knows(queueId: string): boolean { return this.queues.has(queueId); }

  /**
   * A node taken over: its caller waiting in `queueId` waits on here, from
   * when the cluster's waiting list says it entered that queue (the earlier
   * owner's row; now when there is none).
   */
  async resumeWaiting(call: CallSession, channelId: string, queueId: string): Promise<boolean> {
    const entered = await this.cluster?.waiting.entered(call.id).catch((err: unknown) => {
      this.log.warn({ err, callId: call.id }, 'could not read when a taken-over caller entered the queue: its wait starts now');
      return null;
    });
    return this.enqueue(call, channelId, queueId, [], entered?.queueId === queueId ? entered.since : Date.now());
  }

  /** Another node's caller stopped waiting or its ring ended (sql/029 NOTIFY): an agent it held back may be offered here now. */
  reroute(): void { this.routeAll(); }

  /** After a takeover: the waiting-list rows of calls no longer open go (they already count for nothing). */
  prune(): void { this.share(async (r) => { await r.prune(); }); }

  /** Writes this daemon's part of the cluster's waiting list (in order; a failure is logged, the queue goes on). */
  private share(write: (r: QueueWaitingRepo, node: string) => Promise<void>): void {
    const c = this.cluster;
    if (!c) return;
    this.shared = this.shared.then(() => write(c.waiting, c.node)).catch((err: unknown) => this.log.warn({ err }, 'could not write the cluster\'s waiting list'));
  }

  /** PBX: a key from a caller's channel; the queue's exit key takes them out. */
  dtmf(channelId: string, digit: string): void {
    const w = this.waiting.find((x) => x.channelId === channelId && !x.connected);
    if (w && w.queue.settings.exitKey === digit) this.leave(w, 'exit-key', digit);
  }

  /** The caller leaves the queue unanswered (wait limit or exit key) for the queue's overflow target. */
  private leave(w: Waiting, why: 'timeout' | 'exit-key', key?: string): void {
    if (!this.isWaiting(w)) return;
    this.count(w.queue.id, why === 'timeout' ? countOverflow : countExited);
    this.drop(w);
    const target = w.queue.settings.overflow ?? { type: 'hangup' as const };
    this.log.info({ callId: w.call.id, queueId: w.queue.id, why, to: target }, 'caller left the queue');
    w.call.leftQueue(w.queue.id, why, key);
    if (target.type === 'queue' && this.queues.has(target.queueId) && !w.visited.includes(target.queueId)) {
      w.call.requeued(target.queueId);
      void this.enqueue(w.call, w.channelId, target.queueId, w.visited).catch((err: unknown) => { this.log.error({ err }, 'overflow to queue failed'); w.call.queueTimeout(); });
    } else if (target.type === 'voicemail' || target.type === 'flow') {
      void this.moh(w.channelId, false).then(() => w.call.continueInFlow(target.type === 'flow' ? target.flowId : voicemailFlow(w.queue.id, target)));
    } else {
      w.call.queueTimeout();
    }
  }

  private drop(w: Waiting): void {
    if (!w.connected) this.share((r) => r.leave(w.call.id));
    clearTimeout(w.timer);
    this.announcer.cancel(w);
    const i = this.waiting.indexOf(w);
    if (i >= 0) this.waiting.splice(i, 1);
    for (const [leg] of w.legs) this.cancelRing(leg);
    this.update(w.queue.id);
  }

  /** Stop an agent's ring that kefu no longer wants (answered elsewhere, the caller left): not a miss. */
  private cancelRing(legId: string): void {
    const leg = this.legs.get(legId);
    if (leg) leg.cancelled = true;
    void this.pbx.hangup(legId).catch((err: unknown) => this.log.debug({ err, legId }, 'ring already gone'));
  }

  private count(queueId: string, f: (c: QueueCounters) => QueueCounters): void { this.today.count(queueId, f); }

  private update(queueId: string): void { if (this.clusterUpdates) this.clusterUpdates.request(queueId); else this.emitUpdate(queueId, null); }

  /** `queue.update`: the queue's figures on this node; in a cluster also the node's name and `allNodes` (null: not read). */
  private emitUpdate(queueId: string, allNodes: AllNodes | null): void {
    const s = this.queueStats().find((x) => x.queueId === queueId);
    if (s) this.bus.emit('queue.update', { ...s, ...(this.cluster ? { node: this.cluster.node } : {}), ...(allNodes ? { allNodes } : {}) });
  }

  private routeAll(): void { for (const q of this.queues.keys()) this.route(q); }

  private route(queueId: string): void {
    const queue = this.queues.get(queueId)!;
    for (const w of this.waiting.filter((x) => x.queue.id === queueId && !x.connected && x.legs.size === 0)) {
      const members = queue.members.map((id) => ({ agentId: id, skills: this.members.get(id) ?? {} }));
      const pick = () => pickAgents(queue.strategy, members, this.board.map(), { cursor: this.cursors.get(queueId), exclude: w.tried, skill: queue.settings.skill });
      let picked = pick();
      // every ready agent was tried once: start over with them
      if (picked.length === 0 && w.tried.size > 0) { w.tried.clear(); picked = pick(); }
      if (picked.length === 0) continue;
      for (const agentId of queue.strategy === 'ring-all' ? picked : picked.slice(0, 1)) this.offer(w, agentId);
      if (queue.strategy === 'round-robin') this.cursors.set(queueId, queue.members.indexOf(picked[0]!));
    }
  }

  private offer(w: Waiting, agentId: string): void {
    const a = this.board.get(agentId)!;
    const seat = this.seats.find((s) => s.id === a.seatId);
    if (!seat) return;
    const fifo = this.cluster ? { queueId: w.queue.id, node: this.cluster.node, since: w.since } : null;
    const written = this.board.offer(agentId, w.call.id, fifo);
    if (!written) return;
    w.tried.add(agentId);
    // The channel id is ours, so the leg is known before Asterisk reports anything about it (a busy phone ends at once).
    const channelId = randomUUID();
    w.legs.set(channelId, agentId);
    const leg: Leg = { waiting: w, agentId, answered: false, answeredAt: 0, bridgeId: null, cancelled: false };
    this.legs.set(channelId, leg);
    // The phone rings only once the offer is written: another daemon may have offered the agent a call first,
    // or a caller of this queue may have waited longer on another node (a cluster).
    void written.then((outcome) => {
      if (outcome === 'written' && this.isWaiting(w) && !leg.cancelled) { this.ring(w, agentId, seat, channelId); return; }
      this.legs.delete(channelId);
      w.legs.delete(channelId);
      if (outcome === 'written') this.apply(agentId, { type: 'cancel' });
      if (outcome === 'behind') {
        // not tried: offered again when the other node's caller is served or leaves (reroute)
        w.tried.delete(agentId);
        this.log.debug({ agentId, callId: w.call.id }, 'a caller has waited longer on another node');
        return;
      }
      if (outcome === 'lost') this.log.info({ agentId, callId: w.call.id }, 'agent taken by another daemon first');
      if (this.isWaiting(w)) this.route(w.queue.id);
    });
  }

  private ring(w: Waiting, agentId: string, seat: Config['seats'][number], channelId: string): void {
    const snap = w.call.snapshot();
    this.share((r) => r.ringing(w.call.id, true));
    this.bus.emit('screenpop', { agentId, callId: w.call.id, lineId: snap.lineId, number: snap.number, customer: w.call.customerSummary() });
    this.legLog.start({ callId: w.call.id, kind: 'agent', channelId, endpoint: seat.endpoint, seatId: seat.id, agentId }, w.call.created);
    this.pbx.originate({
      id: channelId, endpoint: seat.endpoint, role: 'agent', args: [w.call.id, agentId],
      timeoutS: w.queue.settings.ringTimeoutS, callerId: snap.number ?? 'kefu',
    }).catch((err: unknown) => {
      this.log.warn({ err, agentId }, 'could not ring the agent');
      this.legLog.ended(channelId, 'failed');
      this.legGone(channelId);
    });
  }

  /** PBX: an agent's phone answered (its channel entered Stasis). */
  async agentAnswered(channel: { id: string }): Promise<void> {
    const leg = this.legs.get(channel.id);
    if (!leg) { await this.pbx.hangup(channel.id).catch(quietly(this.log, 'PBX clean-up')); return; }
    const w = leg.waiting;
    if (!this.isWaiting(w)) { await this.pbx.hangup(channel.id).catch(quietly(this.log, 'PBX clean-up')); return; }
    w.connected = true;
    this.share((r) => r.leave(w.call.id));
    clearTimeout(w.timer);
    this.announcer.cancel(w);
    leg.answered = true;
    leg.answeredAt = Date.now();
    this.apply(leg.agentId, { type: 'answer' });
    // answered: the record names the agent now, so a caller who hangs up before the bridge is made still has one
    this.count(w.queue.id, (c) => countAnswered(c, leg.answeredAt - w.since, w.queue.settings.serviceLevelS * 1000));
    w.call.agentConnected(leg.agentId);
    this.update(w.queue.id);
    for (const [other] of w.legs) if (other !== channel.id) this.cancelRing(other);
    await this.moh(w.channelId, false);
    leg.bridgeId = await this.pbx.bridge([w.channelId, channel.id]);
  }

  /** PBX: a channel went away; true when it was an agent leg. */
  legGone(channelId: string): boolean {
    const leg = this.legs.get(channelId);
    if (!leg) return false;
    this.legs.delete(channelId);
    const w = leg.waiting;
    w.legs.delete(channelId);
    if (!leg.answered) {
      if (w.legs.size === 0 && this.isWaiting(w)) this.share((r) => r.ringing(w.call.id, false));
      this.apply(leg.agentId, leg.cancelled ? { type: 'cancel' } : { type: 'noAnswer', maxMissed: w.queue.settings.maxMissed });
      this.route(w.queue.id);
      return true;
    }
    // The conversation is over: the agent wraps up; the caller, if still there, goes to the post-call
    // survey when the call or its queue asks for it (after-agent.ts), else is hung up.
    this.handleTimes.set(w.queue.id, [Date.now() - leg.answeredAt, ...(this.handleTimes.get(w.queue.id) ?? [])].slice(0, HISTORY));
    this.board.callEnded(leg.agentId, w.queue.settings.wrapUpS);
    const unbridged = leg.bridgeId ? this.pbx.destroyBridge(leg.bridgeId).catch(quietly(this.log, 'PBX clean-up')) : Promise.resolve();
    void unbridged.then(() => {
      if (w.call.afterAgent.agentGone(w.queue.settings.surveyFlow ?? null)) { this.log.info({ callId: w.call.id }, 'agent gone: the caller goes to the survey'); return; }
      void this.pbx.hangup(w.channelId).catch(quietly(this.log, 'PBX clean-up'));
    });
    return true;
  }

  /** Hangs up the answered agent leg of a call (POST /calls/{id}/survey); false when it has none. */
  async endAgentLeg(callId: string): Promise<boolean> {
    const leg = this.connectedLegOf(callId);
    if (!leg) return false;
    await this.pbx.hangup(leg.legId);
    return true;
  }

  /** The answered agent leg and bridge of a call, for supervisor monitoring. */
  connectedLegOf(callId: string): { legId: string; bridgeId: string; agentId: string } | null {
    for (const [legId, leg] of this.legs) {
      if (leg.answered && leg.bridgeId && leg.waiting.call.id === callId) return { legId, bridgeId: leg.bridgeId, agentId: leg.agentId };
    }
    return null;
  }

  /** An agent answered the call and the bridge is being made (a moment after agent.state on-call). */
  bridging(callId: string): boolean {
    for (const leg of this.legs.values()) if (leg.answered && !leg.bridgeId && leg.waiting.call.id === callId) return true;
    return false;
  }

  /** PBX: the caller's channel went away while bridged: the agent leg ends too. */
  callerGone(channelId: string): void {
    for (const [legId, leg] of this.legs) if (leg.waiting.channelId === channelId && leg.answered) void this.pbx.hangup(legId).catch(quietly(this.log, 'PBX clean-up'));
  }

  stop(): void {
    for (const w of [...this.waiting]) { clearTimeout(w.timer); this.announcer.cancel(w); }
  }

  /**
   * NodeTakeover.forget (another daemon owns the node, or this one won it
   * back under a new epoch): the callers waiting here and the agents' legs
   * this daemon remembers are dropped, with no write, no command and no agent
   * state change; a takeover puts back what the rows say.
   */
  forget(): void {
    this.stop();
    this.waiting.length = 0;
    this.legs.clear();
  }
}
