/**
 * The call ledger: the only writer of call rows and the only emitter of
 * `call.*` events (a lint rule keeps it so). The call machines
 * (src/core/call) decide; their owners (a line's CallSession, a DialOut, the
 * PBX's OutboundCall, the over-capacity refusal, the desk) report to the
 * ledger what happened, and the ledger persists it and tells the bus.
 *
 * Per call, writes run in the order they were made (one queue per call, no
 * process-wide lock); `call.ended` is emitted only once the row says ended,
 * and a call ends once (a second `end` is ignored).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus, EventMap } from '../../core/events/bus.ts';
import type { Disposition } from '../../core/call/disposition.ts';
import type { CallPatch, FirstLeg } from '../../db/repos/calls.ts';
import type { CallRecord, IvrStep } from '../../core/call/records.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { CallReportBody } from '../../db/repos/call-reports.ts';
import { SerialQueue } from '../telephony/serial.ts';
import { whileDbDown } from '../../db/retry.ts';
import { isKefuError } from '../../core/errors.ts';

export interface CallOpening {
  id?: string;
  lineId: string;
  direction: 'inbound' | 'outbound';
  /** ringing (inbound), dialing or waiting-for-line (outbound). */
  state: 'ringing' | 'dialing' | 'waiting-for-line';
  number?: string | null;
  agentId?: string | null;
  customerId?: string | null;
  /** When the call began, when that was before this daemon had it (a caller taken over with no row); default now. */
  startedAt?: Date;
  /** The caller's leg, written in the same statement as the row (a takeover never finds a caller's row without it). */
  firstLeg?: FirstLeg;
}

/** What may change on an open call; its end is `end()`, its answer `answered()`. */
export type CallUpdate = Omit<CallPatch, 'disposition' | 'endedAt' | 'durationMs' | 'answeredAt' | 'outcome' | 'notes' | 'wrappedAt'>
  & { state?: 'ringing' | 'dialing' | 'queued' | 'connected' };

export interface CallEnd {
  disposition: Disposition;
  digits?: string;
  ivrPath?: IvrStep[];
  /** Set when the caller abandoned in a queue: how long they waited. */
  queueWaitMs?: number | null;
  /** A line for the customer's history (when the call is linked to a customer); the ledger adds disposition and duration to `data`. */
  history?: { summary: string; data: Record<string, unknown> };
  /** Work that runs after the row is closed and before `call.ended` (sealing the call's recording). */
  after?: () => Promise<unknown>;
}

export class LedgerCall {
  readonly id: string;
  readonly startedAt: Date;
  /** Settles once the call row exists (rows that refer to it wait for this). */
  readonly created: Promise<void>;
  private readonly queue: SerialQueue;
  private customerId: string | null;
  private answeredAt: Date | null = null;
  private endedWith: { disposition: Disposition; durationMs: number } | null = null;
  /** CallLedger.forget: this daemon's memory of the call is stale; nothing more is written or announced for it. */
  private detached = false;
  /** Every field written or meant to be written (the end included): what a report says of the call (CallLedger.reporter). */
  private readonly seen: CallPatch = {};
  private history: CallReportBody['history'] = null;
  private reported = false;

  constructor(private readonly ledger: CallLedger, private readonly open: CallOpening, private readonly log: Logger, existing?: { startedAt: Date; answeredAt: Date | null }) {
    this.id = open.id ?? randomUUID();
    this.startedAt = existing?.startedAt ?? open.startedAt ?? new Date();
    this.answeredAt = existing?.answeredAt ?? null;
    this.customerId = open.customerId ?? null;
    if (open.agentId) this.seen.agentId = open.agentId;
    if (open.customerId) this.seen.customerId = open.customerId;
    // a database restart or failover must not lose a call's writes: each waits for the database (in order)
    this.queue = new SerialQueue((err) => log.error({ err, callId: this.id }, 'call record update failed'),
      (fn) => whileDbDown(fn, { onRetry: (err, n) => { if (n === 1) log.warn({ err, callId: this.id }, 'database unavailable: the call record write waits for it'); } }));
    const { repos } = ledger;
    // a call another owner of the node opened (takeover): its row exists
    this.created = existing ? Promise.resolve() : this.write(async () => {
      await repos.calls.create({ id: this.id, lineId: open.lineId, direction: open.direction, state: open.state, number: open.number ?? null, startedAt: this.startedAt }, open.firstLeg);
      if (open.agentId || open.customerId) await repos.calls.update(this.id, { agentId: open.agentId ?? null, customerId: open.customerId ?? null });
    });
  }

  get lineId(): string { return this.open.lineId; }
  /** When the call was answered (null: not yet). */
  whenAnswered(): Date | null { return this.answeredAt; }
  get ended(): boolean { return this.endedWith !== null; }

  /** Nothing more is written or announced for this call, including writes queued and not yet run (CallLedger.forget). */
  detach(): void { this.detached = true; }

  /** A write in this call's order; skipped once detached, also when it was queued before. */
  private write(fn: () => Promise<unknown>): Promise<void> { return this.queue.run(async () => { if (!this.detached) await fn(); }); }

  private emit<K extends 'call.ringing' | 'call.answered' | 'call.dtmf' | 'call.ended'>(type: K, data: EventMap[K]): void {
    if (!this.detached) this.ledger.bus.emit(type, data);
  }

  /** Fields learnt as the call goes on (caller ID, customer, agent, queue, line...). */
  update(patch: CallUpdate): Promise<void> {
    if (this.endedWith) return this.queue.idle();
    if (patch.customerId !== undefined) this.customerId = patch.customerId;
    if (patch.lineId !== undefined) this.open.lineId = patch.lineId;
    Object.assign(this.seen, patch);
    return this.write(() => this.ledger.repos.calls.update(this.id, patch));
  }

  /** Work that must follow this call's writes (sealing its recording, a voicemail row). */
  run(fn: () => Promise<unknown>): Promise<void> { return this.write(fn); }

  /** `call.ringing`: an inbound call identified (caller ID looked up). */
  ringing(e: Omit<EventMap['call.ringing'], 'callId' | 'lineId'>): void {
    this.emit('call.ringing', { callId: this.id, lineId: this.open.lineId, ...e });
  }

  /** The far end answered (outbound) or we answered (inbound): `connected` when a person is on it at once. */
  answered(number: string | null, state: 'answered' | 'connected' = 'answered'): void {
    if (this.answeredAt || this.endedWith) return;
    this.answeredAt = new Date();
    const answeredAt = this.answeredAt;
    Object.assign(this.seen, { state, answeredAt });
    void this.write(() => this.ledger.repos.calls.update(this.id, { state, answeredAt }));
    this.emit('call.answered', { callId: this.id, lineId: this.open.lineId, number });
  }

  dtmf(digit: string): void {
    this.emit('call.dtmf', { callId: this.id, lineId: this.open.lineId, digit });
  }

  /**
   * The call is over: the row is closed (state ended, disposition, end time,
   * duration), the customer's history gets its line, and once all of this
   * call's writes are done `call.ended` goes out. Once only.
   */
  async end(number: string | null, e: CallEnd): Promise<void> {
    if (this.endedWith) return this.queue.idle();
    const endedAt = new Date();
    const durationMs = endedAt.getTime() - this.startedAt.getTime();
    this.endedWith = { disposition: e.disposition, durationMs };
    const patch: CallPatch = { state: 'ended', disposition: e.disposition, endedAt, durationMs };
    if (e.digits !== undefined) patch.digits = e.digits;
    if (e.ivrPath !== undefined) patch.ivrPath = e.ivrPath;
    if (e.queueWaitMs !== undefined) patch.queueWaitMs = e.queueWaitMs;
    Object.assign(this.seen, patch);
    const { repos } = this.ledger;
    const customerId = this.customerId;
    if (customerId && e.history) this.history = { customerId, summary: e.history.summary, data: { ...e.history.data, disposition: e.disposition, durationMs } };
    // not this daemon's to close: another daemon that took the node over closed it already, or the node's
    // lease is no longer this daemon's (STALE_EPOCH: its new owner closes it); this session is stale
    let notOurs = false;
    let fenced = false;
    void this.write(async () => {
      const closed = await repos.calls.update(this.id, patch).catch((err: unknown) => { if (isKefuError(err, 'STALE_EPOCH')) notOurs = fenced = true; throw err; });
      if (closed) return;
      // not this end's own write committed before a lost answer (a retried write after a database restart)?
      const row = await repos.calls.get(this.id);
      notOurs = !(row.disposition === e.disposition && row.endedAt !== null && Date.parse(row.endedAt) === endedAt.getTime());
    });
    if (e.after) void this.write(e.after);
    const h = this.history;
    if (h) void this.write(async () => { if (!notOurs) await repos.interactions.add({ customerId: h.customerId, kind: 'call', refId: this.id, summary: h.summary, data: h.data }); });
    await this.queue.idle();
    this.ledger.ended(this.id);
    // the fence refused the end (the node changed hands while it waited for the database): the node's owner gets a report of it
    if (fenced) this.report();
    if (notOurs) { this.log.warn({ callId: this.id, disposition: e.disposition }, 'call closed by another daemon, or the node is no longer this daemon\'s: this end is not recorded nor announced'); return; }
    this.emit('call.ended', { callId: this.id, lineId: this.open.lineId, number, disposition: e.disposition, durationMs });
  }

  /** Resolves once every write queued so far is done. */
  idle(): Promise<void> { return this.queue.idle(); }

  /** An end this daemon saw and could not write (CallLedger.forget, a fenced end): handed to the ledger's reporter, once. */
  report(): void {
    if (!this.endedWith || this.reported || !this.ledger.reporter) return;
    this.reported = true;
    // JSON: the dates become ISO 8601 strings
    const patch = JSON.parse(JSON.stringify(this.seen)) as CallReportBody['call']['patch'];
    this.ledger.reporter({
      call: { id: this.id, lineId: this.open.lineId, direction: this.open.direction, number: this.open.number ?? null, startedAt: this.startedAt.toISOString(), patch },
      history: this.history,
    });
  }
}

export class CallLedger {
  private readonly log: Logger;
  /** The calls opened here and not ended yet (closeNodeFailed ends them through their own LedgerCall). */
  private readonly current = new Map<string, LedgerCall>();
  /**
   * cluster.enabled: where a call goes whose end this daemon saw and could
   * not write before it lost the node (the fence refused it, or it was
   * still waiting for the database): cluster/node.ts writes it to
   * call_reports for the node's owner. Null: nothing is reported.
   */
  reporter: ((r: Omit<CallReportBody, 'legs'>) => void) | null = null;

  constructor(readonly repos: Repos, readonly bus: EventBus, logger: Logger) {
    this.log = logger.child({ component: 'calls' });
  }

  /** A new call: its row is written at once (state ringing, dialing or waiting-for-line). */
  open(o: CallOpening): LedgerCall {
    const call = new LedgerCall(this, { ...o }, this.log);
    this.current.set(call.id, call);
    return call;
  }

  /** A call's end is written (LedgerCall.end). */
  ended(id: string): void { this.current.delete(id); }

  /** Whether this daemon drives the call (opened or resumed here, not ended yet). */
  drives(id: string): boolean { return this.current.has(id); }

  /** An open call row written by an earlier owner of the node, taken over with its conversation still going (docs/scale-out.md). */
  resume(row: CallRecord): LedgerCall {
    const call = new LedgerCall(this, { id: row.id, lineId: row.lineId, direction: row.direction, state: 'ringing', number: row.number, agentId: row.agentId, customerId: row.customerId }, this.log,
      { startedAt: new Date(row.startedAt), answeredAt: row.answeredAt ? new Date(row.answeredAt) : null });
    this.current.set(call.id, call);
    return call;
  }

  /**
   * Another daemon owns the node now, or held it since this one last drove
   * it (NodeTakeover.forget): every call this ledger remembers is
   * detached (nothing more is written or announced for it) and forgotten;
   * the open rows say what happens next (pbx/takeover.ts). Returns how many.
   */
  forget(): number {
    const n = this.current.size;
    // a call that ended here and whose end is not written yet (waiting for the database) is reported: the end is known only here
    for (const call of this.current.values()) { call.detach(); call.report(); }
    this.current.clear();
    return n;
  }

  /**
   * A call refused before it began (every channel of its line busy): one row,
   * opened and closed at once as `busy`, and its `call.ended`.
   */
  async refused(o: { lineId: string; number: string | null; callerName: string | null; leg?: { channelId: string; endpoint: string | null } }): Promise<string> {
    const firstLeg = o.leg ? { id: randomUUID(), kind: 'caller' as const, ...o.leg } : undefined;
    const call = this.open({ lineId: o.lineId, direction: 'inbound', state: 'ringing', number: o.number, firstLeg });
    void call.update({ callerName: o.callerName });
    if (firstLeg) void call.run(() => this.repos.legs.ended(firstLeg.id, call.startedAt, 'busy'));
    await call.end(o.number, { disposition: 'busy' });
    return call.id;
  }

  /** An agent took a call from the desktop: the call record names them. */
  async assignAgent(callId: string, agentId: string): Promise<void> { await this.repos.calls.update(callId, { agentId }); }

  /** The agent's wrap-up: outcome and notes on the record (and the agent, when it had none), and a note in the customer's history. */
  async wrapUp(callId: string, w: { agentId: string; outcome: string | null; notes: string | null }): Promise<void> {
    const call = await this.repos.calls.get(callId);
    await this.repos.calls.update(callId, { outcome: w.outcome, notes: w.notes, wrappedAt: new Date(), ...(call.agentId ? {} : { agentId: w.agentId }) });
    if (call.customerId) {
      const summary = [w.outcome, w.notes].filter(Boolean).join(': ') || 'call wrapped up';
      await this.repos.interactions.add({ customerId: call.customerId, kind: 'note', refId: callId, summary: summary.slice(0, 500), data: { outcome: w.outcome, agentId: w.agentId } });
    }
  }

  /**
   * After an unclean stop: every call row left open is closed as `interrupted`;
   * returns how many. `lineIds`: only the calls of these lines, and their open
   * legs too (a node taken over from another daemon: docs/scale-out.md),
   * except the calls in `keep` (their conversations go on).
   */
  async closeInterrupted(lineIds?: readonly string[], keep: (callId: string) => boolean = () => false): Promise<number> {
    // `keep` is asked once the rows are read: a call that came in meanwhile (a takeover's) is known to it by then
    const open = (await this.repos.calls.open()).filter((c) => (!lineIds || lineIds.includes(c.lineId)) && !keep(c.id));
    if (lineIds && open.length > 0) await this.repos.legs.closeOpenOf(open.map((c) => c.id), 'interrupted');
    for (const c of open) {
      const endedAt = new Date();
      await this.repos.calls.update(c.id, { state: 'ended', disposition: 'interrupted', endedAt, durationMs: endedAt.getTime() - Date.parse(c.startedAt) });
      this.log.warn({ callId: c.id, lineId: c.lineId }, 'call left open by an unclean stop closed as interrupted');
    }
    return open.length;
  }

  /**
   * The node of these lines died (the cluster's dead-node sweeper): every call
   * row open on them is closed as `node_failed`, with its `call.ended`. A call
   * this daemon still drives ends through its own LedgerCall, so the later end
   * its session reports is ignored (a call ends once). Their open legs are
   * closed with the same cause. Returns the calls closed and the channels of
   * the legs that were open (gone with the node).
   */
  async closeNodeFailed(lineIds: readonly string[]): Promise<{ calls: number; channels: string[] }> {
    const open = (await this.repos.calls.open()).filter((c) => lineIds.includes(c.lineId));
    const channels: string[] = [];
    for (const c of open) for (const l of await this.repos.legs.forCall(c.id)) if (l.endedAt === null && l.channelId) channels.push(l.channelId);
    // the legs first: once a call's row says ended, its legs are closed too
    if (open.length > 0) await this.repos.legs.closeOpenOf(open.map((c) => c.id), 'node_failed');
    for (const c of open) {
      const live = this.current.get(c.id);
      if (live) {
        await live.end(c.number, { disposition: 'node_failed' });
      } else {
        const endedAt = new Date();
        const durationMs = endedAt.getTime() - Date.parse(c.startedAt);
        await this.repos.calls.update(c.id, { state: 'ended', disposition: 'node_failed', endedAt, durationMs });
        this.bus.emit('call.ended', { callId: c.id, lineId: c.lineId, number: c.number, disposition: 'node_failed', durationMs });
      }
      this.log.warn({ callId: c.id, lineId: c.lineId }, 'call on a dead Asterisk node closed as node_failed');
    }
    return { calls: open.length, channels };
  }
}
