/**
 * Click-to-dial on a modem line (the single-line office): the modem dials
 * the customer in voice mode; the person at the desk lifts the phone that
 * shares the line and talks, while the modem stays off-hook and records the
 * line as for an inbound call. The call ends when the far end hangs up (the
 * modem hears busy or dial tone), on `POST /calls/{id}/hangup`, or when the
 * dial fails (busy, no answer, no dial tone). One outbound call record.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DialOutcome, LineDriver } from '../../core/ports.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { Customer } from '../../db/repos/customers.ts';
import type { ActiveRecording } from '../recording/recorder.ts';
import type { TelephonyDeps } from './deps.ts';
import type { CallSnapshot } from './session.ts';
import { SerialQueue } from './serial.ts';
import { KefuError } from '../../core/errors.ts';
import { dialDigits } from '../../core/numbers/normalize.ts';

export interface DialOutRequest { numberKey: string; digits: string; agentId: string | null }

/** The number to dial for `input` (any written form, field body.number): its key and the digits to send; refuses do-not-call entries. */
export function dialTarget(deps: Pick<TelephonyDeps, 'numbers' | 'blacklist'>, input: string): { numberKey: string; digits: string } {
  const key = deps.numbers.require(input, 'body.number');
  const dnc = deps.blacklist.check(key, 'outbound');
  if (dnc.blocked) throw new KefuError('CONFLICT', `${key} is on the do-not-call list (${dnc.match?.kind} ${dnc.match?.value})`, { field: 'body.number' });
  return { numberKey: key, digits: dialDigits(key, { defaultRegion: deps.numbers.defaultRegion }) };
}

const DISPOSITION: Record<DialOutcome, string> = { answered: 'completed', busy: 'busy', 'no-answer': 'no-answer', 'no-dialtone': 'no-dialtone', failed: 'failed' };

export class DialOut {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  private answeredAt: Date | null = null;
  private customer: Customer | null = null;
  private recording: ActiveRecording | null = null;
  private readonly abort = new AbortController();
  private done = false;
  private readonly db: SerialQueue;
  private readonly log: Logger;
  private readonly created: Promise<void>;
  /** Resolves once the call ended and its record is closed. */
  readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly line: LineConfig,
    private readonly driver: LineDriver,
    readonly req: DialOutRequest,
    private readonly onEnded: (c: DialOut) => void,
  ) {
    this.log = deps.logger.child({ callId: this.id, lineId: line.id });
    this.db = new SerialQueue((err) => this.log.error({ err }, 'call record update failed'));
    this.finished = new Promise((r) => { this.finish = r; });
    this.created = this.db.run(async () => {
      await deps.repos.calls.create({ id: this.id, lineId: line.id, direction: 'outbound', state: 'dialing', number: req.numberKey, startedAt: this.startedAt });
      this.customer = await deps.repos.customers.findByPhone(req.numberKey).catch(() => null);
      await deps.repos.calls.update(this.id, { agentId: req.agentId, customerId: this.customer?.id ?? null });
    });
  }

  get ended(): boolean { return this.done; }

  snapshot(): CallSnapshot {
    return {
      id: this.id, lineId: this.line.id, direction: 'outbound', state: this.done ? 'ended' : this.answeredAt ? 'connected' : 'dialing',
      number: this.req.numberKey, name: this.customer?.name ?? null, customerId: this.customer?.id ?? null,
      startedAt: this.startedAt.toISOString(), answeredAt: this.answeredAt?.toISOString() ?? null, digits: '',
    };
  }

  /** Dials; resolves once the dial has an outcome (the call may go on after an answer). */
  async start(): Promise<void> {
    await this.created;
    let outcome: DialOutcome;
    try {
      outcome = await this.driver.dial(this.dialString(), { signal: this.abort.signal });
    } catch (err) {
      this.log.warn({ err }, 'dial failed');
      outcome = 'failed';
    }
    if (outcome !== 'answered' || this.abort.signal.aborted) {
      if (outcome === 'answered') await this.driver.hangup().catch(() => undefined);
      await this.end(this.abort.signal.aborted ? 'cancelled' : DISPOSITION[outcome]);
      return;
    }
    this.answeredAt = new Date();
    void this.db.run(() => this.deps.repos.calls.update(this.id, { state: 'answered', answeredAt: this.answeredAt! }));
    this.deps.bus.emit('call.answered', { callId: this.id, lineId: this.line.id, number: this.req.numberKey });
    this.recording = this.deps.recordings.start(this.id, this.line, this.req.numberKey, this.created);
  }

  private dialString(): string {
    return `${this.line.dialPrefix ?? ''}${this.req.digits}`;
  }

  // ---- inputs from the line ----

  onAudio(pcm: Buffer): void { this.recording?.write(pcm); }

  /** The line went on-hook: the far end hung up, or we did. */
  onHangup(): void { void this.end('completed'); }

  onDeviceLost(): void { this.abort.abort(); void this.end('failed'); }

  /** API: hang up (stops a dial in progress). */
  async hangup(): Promise<void> {
    this.abort.abort();
    if (this.answeredAt) {
      await this.driver.hangup().catch((err: unknown) => this.log.warn({ err }, 'hang-up failed'));
      await this.end('completed');
    }
    await this.finished;
  }

  private async end(disposition: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    const endedAt = new Date();
    const durationMs = endedAt.getTime() - this.startedAt.getTime();
    const rec = this.recording;
    this.recording = null;
    void this.db.run(() => this.deps.repos.calls.update(this.id, { state: 'ended', disposition, endedAt, durationMs }));
    if (rec) void this.db.run(() => rec.finish());
    void this.db.run(async () => {
      if (!this.customer) return;
      await this.deps.repos.interactions.add({ customerId: this.customer.id, kind: 'call', refId: this.id, summary: `outbound call, ${disposition}`, data: { disposition, durationMs, direction: 'outbound' } });
    });
    await this.db.idle();
    this.deps.bus.emit('call.ended', { callId: this.id, lineId: this.line.id, number: this.req.numberKey, disposition, durationMs });
    this.onEnded(this);
    this.finish();
  }
}
