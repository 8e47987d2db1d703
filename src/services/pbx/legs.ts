/**
 * The call legs of the PBX as rows of call_legs: opened when we ring a phone
 * (or a caller enters Stasis), answered, ended with a cause. Writes for one
 * leg run in order; a leg's row waits for its call record to exist, and for
 * the database through a short outage (src/db/retry.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallLegRepo } from '../../db/repos/legs.ts';
import type { LegKind } from '../../core/call/records.ts';
import type { ReportedLeg } from '../../db/repos/call-reports.ts';
import { whileDbDown } from '../../db/retry.ts';

export interface LegStart {
  callId: string; kind: LegKind; channelId: string; endpoint?: string | null; seatId?: string | null; agentId?: string | null; mode?: string | null;
}

interface Open { id: string; chain: Promise<void>; answered: boolean }

/** How many legs whose end is not written yet are kept for reports (the oldest go first). */
const KEEP = 5000;

export class LegLog {
  private readonly open = new Map<string, Open>();
  /** Writes of legs already closed, until they are done (stop() waits for them). */
  private readonly pending = new Set<Promise<void>>();
  /**
   * The legs started here whose end is not written yet, as this daemon saw
   * them (by leg id): what a call's report says of its legs when the node
   * is lost before they are written (take; cluster/node.ts). Kept only with
   * `reports` (cluster.enabled).
   */
  private readonly known = new Map<string, ReportedLeg & { callId: string }>();

  constructor(private readonly repo: CallLegRepo, private readonly log: Logger, private readonly reports = false) {}

  /** A leg starts (before the phone rings). `after` settles once the call record exists. */
  start(l: LegStart, after: Promise<unknown> = Promise.resolve()): void {
    if (this.open.has(l.channelId)) return;
    const id = randomUUID();
    const startedAt = new Date();
    if (this.reports) this.remember(id, l, startedAt);
    // a call record that could not be written is logged by its owner; the leg's row is tried all the same
    const chain = after.catch(() => undefined).then(() => whileDbDown(() => this.repo.open({ id, startedAt, ...l })));
    this.open.set(l.channelId, { id, answered: false, chain: this.guard(chain, l.channelId) });
  }

  /** A leg whose row is written with its call's row (CallRepo.create): `created` settles once both exist. */
  withCall(l: LegStart, id: string, created: Promise<unknown>): void {
    if (this.open.has(l.channelId)) return;
    if (this.reports) this.remember(id, l, new Date());
    this.open.set(l.channelId, { id, answered: false, chain: this.guard(created.then(() => undefined), l.channelId) });
  }

  /** A leg whose row an earlier owner of the node opened (takeover: the conversation goes on); its end is written here. */
  adopt(channelId: string, legId: string, answered: boolean): void {
    if (!this.open.has(channelId)) this.open.set(channelId, { id: legId, answered, chain: Promise.resolve() });
  }

  has(channelId: string): boolean { return this.open.has(channelId); }
  channels(): string[] { return [...this.open.keys()]; }
  wasAnswered(channelId: string): boolean { return this.open.get(channelId)?.answered ?? false; }

  answered(channelId: string): void {
    const leg = this.open.get(channelId);
    if (!leg || leg.answered) return;
    leg.answered = true;
    const at = new Date();
    this.note(leg.id, { answeredAt: at.toISOString() });
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.answered(leg.id, at))), channelId);
  }

  /** The SIP Call-ID of a caller's leg, once the PBX told it. */
  sipCallId(channelId: string, callId: string): void {
    const leg = this.open.get(channelId);
    if (!leg) return;
    this.note(leg.id, { sipCallId: callId });
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.sipCallId(leg.id, callId))), channelId);
  }

  /** The leg is over, for `why` (the port's PbxGoneReason, or our own word: asterisk-restart, daemon-stopped...). */
  ended(channelId: string, why: string): void {
    const leg = this.open.get(channelId);
    if (!leg) return;
    this.open.delete(channelId);
    const at = new Date();
    this.note(leg.id, { endedAt: at.toISOString(), endCause: why });
    // written: nothing of it is left to report
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.ended(leg.id, at, why))).then(() => { this.known.delete(leg.id); }), channelId);
    this.pending.add(leg.chain);
    void leg.chain.then(() => this.pending.delete(leg.chain));
  }

  /** The legs of a call started here whose end is not written, as this daemon saw them; forgotten here (a call's report). */
  take(callId: string): ReportedLeg[] {
    const legs: ReportedLeg[] = [];
    for (const [id, { callId: of, ...leg }] of this.known) if (of === callId) { legs.push(leg); this.known.delete(id); }
    return legs;
  }

  private remember(id: string, l: LegStart, startedAt: Date): void {
    this.known.set(id, {
      id, callId: l.callId, kind: l.kind, channelId: l.channelId, endpoint: l.endpoint ?? null, seatId: l.seatId ?? null, agentId: l.agentId ?? null,
      mode: l.mode ?? null, startedAt: startedAt.toISOString(), answeredAt: null, endedAt: null, endCause: null, sipCallId: null,
    });
    if (this.known.size > KEEP) this.known.delete(this.known.keys().next().value!);
  }

  private note(id: string, seen: Partial<ReportedLeg>): void {
    const leg = this.known.get(id);
    if (leg) Object.assign(leg, seen);
  }

  /** The open legs this daemon remembers are dropped without a write (NodeTakeover.forget: the rows say what is open). */
  forget(): void { this.open.clear(); }

  /** Resolves when every write queued so far is done. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending, ...[...this.open.values()].map((l) => l.chain)]);
  }

  private guard(p: Promise<void>, channelId: string): Promise<void> {
    return p.catch((err: unknown) => this.log.error({ err, channelId }, 'call leg write failed'));
  }
}
