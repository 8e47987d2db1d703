/**
 * Every agent's live state, in both modes: the ACD (Asterisk) offers calls
 * and moves agents through ringing and on-call; on a single line the agent
 * takes the ringing call from the desktop ("claim"). Each change is an
 * `agent.state` event and is written to agent_states, so a daemon restart
 * finds its agents where they were (a call that was up is over: on-call and
 * ringing agents come back in wrap-up and ready).
 *
 * Several daemons (a cluster, docs/scale-out.md "Queues across nodes")
 * share one state per agent: every write is a compare-and-set on the row's
 * version, in this daemon's order. A write that loses (another daemon changed
 * the agent first) is not made; the board takes the row as it is, and so does
 * a later write computed from the replaced state. `offer()` tells the ACD
 * whether its offer won before it rings a phone. Rows other daemons write are
 * taken by `follow()` (NOTIFY through the cache versions) without an event:
 * their writer sent it.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import { isKefuError, KefuError } from '../../core/errors.ts';
import type { EventBus, EventMap } from '../../core/events/bus.ts';
import { agentTransition, newAgent, type Agent, type AgentEvent } from '../../core/acd/agent.ts';
import type { AcdRepo, FifoGuard, SavedAgentState } from '../../db/repos/acd.ts';
import { requireSeat } from '../seats.ts';
import { WriteRetries } from './write-retries.ts';

/** What became of a write of an agent's state (see AgentBoard.offer). */
export type WriteOutcome = 'written' | 'lost' | 'behind';

export type WantedState = { state: 'logged-in' | 'ready' | 'paused' | 'logged-out'; seatId?: string | undefined; reason?: string | undefined };

export class AgentBoard {
  private readonly agents = new Map<string, Agent>();
  private readonly wrapTimers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  /** Calls agents took from the desktop (single line): their end starts the agent's wrap-up. */
  private readonly claimed = new Map<string, string>();
  private unsubscribe: (() => void) | null = null;
  private writes: Promise<void> = Promise.resolve();
  /** Per agent: the row's version as of this daemon's last write or read (in write order). */
  private readonly versions = new Map<string, number>();
  /** Per agent: bumped when another daemon's state replaces ours; a write queued before it is stale. */
  private readonly gens = new Map<string, number>();
  /** Per agent: the version a write went over whose answer never came (it may have committed). */
  private readonly unsure = new Map<string, number>();
  /** Per agent: what became of the last queued write. */
  private readonly results = new Map<string, Promise<WriteOutcome>>();
  /** Writes lost to the database's absence, made again with the agent's state as it is then. */
  private readonly retries: WriteRetries;

  constructor(
    private readonly repo: AcdRepo,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly seats: Config['seats'],
    /** Seconds of wrap-up after a call taken on a single line. */
    private readonly wrapUpS: number,
    /** Who writes (cluster.owner; null without a cluster): agent_states.written_by. */
    private readonly writer: string | null = null,
  ) {
    this.retries = new WriteRetries((id) => { const a = this.agents.get(id); if (a) this.persist(a); }, log);
  }

  /**
   * At start: agents from the database, with the states they had (new agents
   * start logged out; a call that was up is over). In a cluster the states are
   * taken as they are, without that: they may be the live states of calls
   * another daemon drives; the daemon that takes a node over recovers that
   * node's agents (`reload`).
   */
  async load(): Promise<void> {
    if (this.writer !== null) await this.sync();
    else await this.read(false, new Map(), new Set());
  }

  /**
   * A node taken over from another daemon (docs/scale-out.md): every agent's
   * state as that daemon saved it. Agents on a conversation that goes on
   * (`onCall`: agent id -> call id) stay on it; any other call of theirs is
   * over, except calls open on another node (`elsewhere`: call ids), whose
   * agents keep the state their daemon wrote, as do agents wrapping up after
   * a call of a daemon that still holds a lease. A wrap-up left by a daemon
   * that is gone ends after what is left of it (its call's end + wrapUpS).
   */
  async reload(onCall: ReadonlyMap<string, string>, elsewhere: ReadonlySet<string> = new Set()): Promise<void> {
    await this.read(true, onCall, elsewhere);
    this.changed();
  }

  private async read(all: boolean, onCall: ReadonlyMap<string, string>, elsewhere: ReadonlySet<string>): Promise<void> {
    const now = Date.now();
    const saved = await this.savedStates();
    const live = this.writer !== null ? await this.repo.liveOwners() : null;
    for (const row of await this.repo.agents()) {
      const had = this.agents.get(row.id);
      if (had && !all) continue;
      const got = saved.get(row.id);
      const s = got?.agent;
      if (s?.callId && elsewhere.has(s.callId)) { this.take(got!); continue; }
      // wrapping up after a call another daemon drove, which still runs: that daemon ends the wrap-up
      if (s?.state === 'wrap-up' && got!.writtenBy !== null && got!.writtenBy !== this.writer && live?.has(got!.writtenBy)) { this.take(got!); continue; }
      this.based(row.id, saved.get(row.id)?.version ?? 0);
      const a = s ? { ...s } : had ? { ...had } : newAgent(row.id, now);
      const call = onCall.get(row.id);
      if (call) Object.assign(a, { state: 'on-call', callId: call });
      if (a.state === 'ringing') Object.assign(a, { state: 'ready', callId: null, since: now });
      if (a.state === 'on-call' && !call) Object.assign(a, { state: 'wrap-up', since: now, lastCallEndedAt: now, wrapUpUntil: now + this.wrapUpS * 1000 });
      this.clearWrap(row.id);
      this.agents.set(row.id, a);
      // a wrap-up left by a daemon that is gone (or before a restart) ends when its call's end set it to
      if (a.state === 'wrap-up') this.wrapUp(row.id, Math.max(0, ((a.wrapUpUntil ?? leftOver(a, this.wrapUpS, live !== null, now)) - now) / 1000));
      if (s && (s.state !== a.state || s.callId !== a.callId)) this.persist(a);
      if (had && (had.state !== a.state || had.callId !== a.callId)) {
        this.bus.emit('agent.state', stateEvent(a));
      }
    }
  }

  /**
   * The agents table changed (through this daemon's API, another daemon's, or
   * SQL; src/services/cluster/cache-sync.ts): new agents join
   * with the state saved for them, as it is (not restart-recovered, not written
   * back: it may be another daemon's live state); agents whose row is gone
   * leave unless ringing or on a call (they leave at a later sync). The live
   * state of every other agent is kept.
   */
  async sync(): Promise<void> {
    const rows = await this.repo.agents();
    const saved = await this.savedStates();
    const ids = new Set(rows.map((r) => r.id));
    let added = false;
    for (const row of rows) {
      if (this.agents.has(row.id)) continue;
      const s = saved.get(row.id);
      this.based(row.id, s?.version ?? 0);
      this.agents.set(row.id, s ? { ...s.agent } : newAgent(row.id, Date.now()));
      added = true;
    }
    for (const [id, a] of this.agents) {
      if (ids.has(id) || a.state === 'ringing' || a.state === 'on-call') continue;
      this.clearWrap(id);
      this.agents.delete(id);
    }
    if (added) this.changed();
  }

  /**
   * agent_states changed (sql/028 NOTIFY): the rows other daemons wrote past
   * the version this one knows replace its states, without an event (their
   * writer sent it) and without this daemon's wrap-up timer (the writer's
   * runs). Runs in write order, after this daemon's queued writes.
   */
  async follow(): Promise<void> {
    const taken = await this.queue(async () => {
      let n = 0;
      for (const [id, s] of await this.savedStates()) {
        if (this.agents.has(id) && s.version > (this.versions.get(id) ?? 0)) { this.take(s); n++; }
      }
      return n;
    });
    if (taken > 0) this.changed();
  }

  /**
   * The ACD offers an agent a call: the agent rings in this daemon's memory
   * at once (null: the machine refuses). The outcome comes once the write is
   * made, and so does the `agent.state` event: `written`; `lost` (another
   * daemon changed the agent first: the board holds its state); `behind`
   * (`fifo`: a caller of the queue has waited longer on another node; the
   * agent is back as it was, nothing written).
   */
  offer(agentId: string, callId: string, fifo: FifoGuard | null): Promise<WriteOutcome> | null {
    const a = this.agents.get(agentId);
    if (!a) return null;
    const r = agentTransition(a, { type: 'offer', callId }, Date.now());
    if (!r.ok) return null;
    this.agents.set(agentId, r.agent);
    this.persist(r.agent, { fifo, before: a, event: 'offer' });
    return this.results.get(agentId)!;
  }

  private async savedStates(): Promise<Map<string, SavedAgentState>> {
    return new Map((await this.repo.agentStates()).map((s) => [s.agent.id, s]));
  }

  /** This daemon's state of an agent now starts from the row at `version`. */
  private based(agentId: string, version: number): void {
    this.versions.set(agentId, version);
    this.gens.set(agentId, (this.gens.get(agentId) ?? 0) + 1);
  }

  /** Another daemon's state of the agent replaces this one's. */
  private take(s: SavedAgentState): void {
    this.based(s.agent.id, s.version);
    this.agents.set(s.agent.id, { ...s.agent });
    if (s.agent.state !== 'wrap-up') this.clearWrap(s.agent.id);
    this.log.info({ agentId: s.agent.id, state: s.agent.state, by: s.writtenBy }, 'agent state from another daemon');
  }

  /** Follow call ends for calls taken from the desktop. */
  start(): void {
    this.unsubscribe = this.bus.subscribe((e) => {
      if (e.type !== 'call.ended') return;
      const callId = (e.data as { callId: string }).callId;
      const agentId = this.claimed.get(callId);
      if (!agentId) return;
      this.claimed.delete(callId);
      this.callEnded(agentId, this.wrapUpS);
    });
  }

  list(): Agent[] { return [...this.agents.values()]; }
  map(): ReadonlyMap<string, Agent> { return this.agents; }
  get(agentId: string): Agent | undefined { return this.agents.get(agentId); }

  require(agentId: string): Agent {
    const a = this.agents.get(agentId);
    if (!a) throw new KefuError('NOT_FOUND', `agent ${agentId} not found`);
    return a;
  }

  /** Called after any change that may let a waiting call be routed. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * API: log in (at a seat when seats are configured), ready, pause with a
   * reason, log out. CONFLICT when another daemon changed the agent first.
   */
  async setState(agentId: string, want: WantedState): Promise<Agent> {
    const a = this.require(agentId);
    if (want.state === 'logged-in' || (want.state !== 'logged-out' && a.state === 'logged-out')) {
      const seatId = this.seats.length > 0 || want.seatId !== undefined ? requireSeat(this.seats, want.seatId).id : null;
      const taken = seatId ? this.list().find((x) => x.seatId === seatId && x.id !== agentId) : undefined;
      if (taken) throw new KefuError('CONFLICT', `seat ${seatId} is taken by agent ${taken.id}`);
      this.strict(agentId, { type: 'login', seatId });
    }
    if (want.state === 'ready' || want.state === 'paused') this.clearWrap(agentId);
    if (want.state === 'ready') this.strict(agentId, { type: 'ready' });
    if (want.state === 'paused') this.strict(agentId, { type: 'pause', reason: want.reason ?? 'break' });
    if (want.state === 'logged-out') { this.clearWrap(agentId); this.strict(agentId, { type: 'logout' }); }
    // this change's own write (the ACD may queue an offer of the agent right after it)
    const mine = this.results.get(agentId) ?? Promise.resolve('written');
    this.changed();
    if (await mine !== 'written') {
      throw new KefuError('CONFLICT', `agent ${agentId} was changed on another daemon meanwhile (now ${this.require(agentId).state}); try again`);
    }
    return this.agents.get(agentId)!;
  }

  /** Single line: the agent takes a ringing or answered call shown on the desktop. */
  claim(agentId: string, callId: string): Agent {
    this.strict(agentId, { type: 'offer', callId });
    this.strict(agentId, { type: 'answer' });
    this.claimed.set(callId, agentId);
    return this.agents.get(agentId)!;
  }

  /** Apply a transition; false (and nothing changes) when the machine refuses it. */
  apply(agentId: string, e: AgentEvent): boolean {
    const a = this.agents.get(agentId);
    if (!a) return false;
    const r = agentTransition(a, e, Date.now());
    if (!r.ok) return false;
    this.agents.set(agentId, r.agent);
    this.announce(a, r.agent, e.type);
    this.persist(r.agent);
    return true;
  }

  private announce(from: Agent, to: Agent, event: AgentEvent['type']): void {
    if (to.state === from.state && to.reason === from.reason && to.callId === from.callId) return;
    this.log.info({ agentId: to.id, from: from.state, event, to: to.state }, 'agent transition');
    this.bus.emit('agent.state', stateEvent(to));
  }

  private strict(agentId: string, e: AgentEvent): void {
    const a = this.require(agentId);
    const r = agentTransition(a, e, Date.now());
    if (!r.ok) throw new KefuError('CONFLICT', r.error);
    this.apply(agentId, e);
  }

  /** The agent's call is over: wrap-up for `seconds`, then ready (0 = straight back). */
  callEnded(agentId: string, seconds: number): void {
    if (!this.apply(agentId, { type: 'hangup', wrapUpS: seconds })) return;
    this.wrapUp(agentId, seconds);
  }

  /** Wrap-up submitted from the desktop: ready again now (unless paused meanwhile). */
  wrapUpDone(agentId: string): void {
    this.clearWrap(agentId);
    if (this.apply(agentId, { type: 'wrapUpDone' })) this.changed();
  }

  private wrapUp(agentId: string, seconds: number): void {
    this.clearWrap(agentId);
    const t = setTimeout(() => { this.wrapTimers.delete(agentId); this.wrapUpDone(agentId); }, seconds * 1000);
    t.unref();
    this.wrapTimers.set(agentId, t);
  }

  private clearWrap(agentId: string): void {
    const t = this.wrapTimers.get(agentId);
    if (t) { clearTimeout(t); this.wrapTimers.delete(agentId); }
  }

  private changed(): void { for (const fn of this.listeners) fn(); }

  /**
   * Queues the write of `a` over the version this daemon knows. Not made when
   * the state it came from was replaced meanwhile; when it loses, the row as
   * it is replaces this daemon's state. A database error loses nothing of
   * the state in memory: the next write carries it, and when it finds the
   * failed write committed after all (its answer lost: a database restart),
   * it writes over it instead of taking it for another daemon's.
   */
  private persist(a: Agent, offer?: { fifo: FifoGuard | null; before: Agent; event: 'offer' }): void {
    const gen = this.gens.get(a.id) ?? 0;
    this.results.set(a.id, this.queue(async (): Promise<WriteOutcome> => {
      if ((this.gens.get(a.id) ?? 0) !== gen) return 'lost';
      let saving: number | null = null;
      try {
        let expect: number;
        let now: SavedAgentState | null;
        for (;;) {
          expect = this.versions.get(a.id) ?? 0;
          saving = expect;
          const saved = await this.repo.saveAgentState(a, { expect, writer: this.writer, fifo: offer?.fifo ?? null });
          saving = null;
          if (saved) {
            this.versions.set(a.id, expect + 1);
            this.unsure.delete(a.id);
            this.retries.settle(a.id);
            if (offer) this.announce(offer.before, a, offer.event);
            return 'written';
          }
          now = await this.repo.agentState(a.id);
          const ours = now !== null && this.unsure.get(a.id) === expect && now.version === expect + 1 && now.writtenBy === this.writer;
          this.unsure.delete(a.id);
          if (!ours) break;
          // the row is this daemon's last write, committed though its answer was lost: write over it
          this.versions.set(a.id, expect + 1);
        }
        if (offer?.fifo && (now?.version ?? 0) === expect) {
          // nobody changed the agent: the offer yields to a longer-waiting caller on another node
          this.based(a.id, expect);
          if (this.agents.get(a.id) === a) this.agents.set(a.id, offer.before);
          return 'behind';
        }
        if (now) this.take(now);
        this.changed();
        return 'lost';
      } catch (err) {
        // the write may have committed all the same (the answer lost with the connection): the next write looks
        if (saving !== null) this.unsure.set(a.id, saving);
        this.log.warn({ err, agentId: a.id }, 'could not save agent state');
        if (isKefuError(err, 'DB_UNAVAILABLE')) this.retries.schedule(a.id);
        if (offer) this.announce(offer.before, a, offer.event);
        return 'written';
      }
    }));
  }

  /** Runs `f` after every write queued so far (one at a time, in order). */
  private queue<T>(f: () => Promise<T>): Promise<T> {
    const p = this.writes.then(f);
    this.writes = p.then(() => undefined, () => undefined);
    return p;
  }

  /** Resolves when every state change so far is written. */
  async flush(): Promise<void> { await this.writes; }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.retries.stop();
    for (const t of this.wrapTimers.values()) clearTimeout(t);
    this.wrapTimers.clear();
    await this.flush();
  }
}

/**
 * When a wrap-up saved without its end (a row written before sql/030) ends:
 * in a cluster, its call's end plus wrapUpS; after a restart, a full wrap-up from now.
 */
function leftOver(a: Agent, wrapUpS: number, cluster: boolean, now: number): number {
  return (cluster && a.lastCallEndedAt ? a.lastCallEndedAt : now) + wrapUpS * 1000;
}

/** The `agent.state` event of an agent's state. */
function stateEvent(a: Agent): EventMap['agent.state'] {
  return { agentId: a.id, state: a.state, reason: a.reason, seatId: a.seatId, callId: a.callId, wrapUpUntil: a.wrapUpUntil === null ? null : new Date(a.wrapUpUntil).toISOString() };
}
