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
import { whileDbDown } from '../../db/retry.ts';

export interface LegStart {
  callId: string; kind: LegKind; channelId: string; endpoint?: string | null; seatId?: string | null; agentId?: string | null; mode?: string | null;
}

interface Open { id: string; chain: Promise<void>; answered: boolean }

export class LegLog {
  private readonly open = new Map<string, Open>();
  /** Writes of legs already closed, until they are done (stop() waits for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly repo: CallLegRepo, private readonly log: Logger) {}

  /** A leg starts (before the phone rings). `after` settles once the call record exists. */
  start(l: LegStart, after: Promise<unknown> = Promise.resolve()): void {
    if (this.open.has(l.channelId)) return;
    const id = randomUUID();
    const startedAt = new Date();
    // a call record that could not be written is logged by its owner; the leg's row is tried all the same
    const chain = after.catch(() => undefined).then(() => whileDbDown(() => this.repo.open({ id, startedAt, ...l })));
    this.open.set(l.channelId, { id, answered: false, chain: this.guard(chain, l.channelId) });
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
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.answered(leg.id, at))), channelId);
  }

  /** The SIP Call-ID of a caller's leg, once the PBX told it. */
  sipCallId(channelId: string, callId: string): void {
    const leg = this.open.get(channelId);
    if (!leg) return;
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.sipCallId(leg.id, callId))), channelId);
  }

  /** The leg is over, for `why` (the port's PbxGoneReason, or our own word: asterisk-restart, daemon-stopped...). */
  ended(channelId: string, why: string): void {
    const leg = this.open.get(channelId);
    if (!leg) return;
    this.open.delete(channelId);
    const at = new Date();
    leg.chain = this.guard(leg.chain.then(() => whileDbDown(() => this.repo.ended(leg.id, at, why))), channelId);
    this.pending.add(leg.chain);
    void leg.chain.then(() => this.pending.delete(leg.chain));
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
