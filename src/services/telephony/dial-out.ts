/**
 * Click-to-dial on a modem line (the single-line office): the modem dials
 * the customer in voice mode; the person at the desk lifts the phone that
 * shares the line and talks, while the modem stays off-hook and records the
 * line as for an inbound call. The call ends when the far end hangs up (the
 * modem hears busy or dial tone), on `POST /calls/{id}/hangup`, or when the
 * dial fails (busy, no answer, no dial tone). Driven by the outbound call
 * machine (src/core/call/outbound.ts); the record is the ledger's.
 */
import type { Logger } from 'pino';
import type { DialOutcome, Heard, LineDriver } from '../../core/ports.ts';
import type { Disposition } from '../../core/call/disposition.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { Customer } from '../../core/crm/records.ts';
import type { ActiveRecording } from '../recording/recorder.ts';
import type { TelephonyDeps } from './deps.ts';
import { outboundSnapshot, type CallSnapshot } from './snapshot.ts';
import type { LedgerCall } from '../calls/ledger.ts';
import { outboundTransition, startOutbound, type OutboundEffect, type OutboundEvent, type OutboundState } from '../../core/call/outbound.ts';
import { KefuError } from '../../core/errors.ts';
import { dialDigits } from '../../core/numbers/normalize.ts';

export interface DialOutRequest {
  numberKey: string;
  digits: string;
  agentId: string | null;
  /** A campaign's call (src/services/telephony/campaign-calls.ts): told how the dial went and when the call is over. */
  hooks?: DialOutHooks;
  /** Recording: by the line's policy (default), always, or never. */
  record?: 'policy' | 'always' | 'never';
}

export interface DialOutHooks {
  /** The dial has an outcome; `heard` is what the line heard last (a person or a machine answering), when it listened. */
  dialed(outcome: DialOutcome, heard: Heard | null): void;
  /** The call is over and its record closed. */
  ended(disposition: Disposition): void;
}

/** The number to dial for `input` (any written form, field `number`): its key and the digits to send; refuses do-not-call entries. */
export function dialTarget(deps: Pick<TelephonyDeps, 'numbers' | 'blacklist'>, input: string): { numberKey: string; digits: string } {
  const key = deps.numbers.require(input, 'number');
  const dnc = deps.blacklist.check(key, 'outbound');
  if (dnc.blocked) throw new KefuError('CONFLICT', `${key} is on the do-not-call list (${dnc.match?.kind} ${dnc.match?.value})`, { field: 'number' });
  return { numberKey: key, digits: dialDigits(key, { defaultRegion: deps.numbers.defaultRegion }) };
}

const PLAN = { agentFirst: false, waiting: false } as const;

export class DialOut {
  readonly id: string;
  readonly startedAt: Date;
  private state: OutboundState;
  private answeredAt: Date | null = null;
  private customer: Customer | null = null;
  /** What the line last heard while dialling (ringback, music, a person or a machine answering). */
  private heard: Heard | null = null;
  private recording: ActiveRecording | null = null;
  private readonly abort = new AbortController();
  /** The modem is off-hook on a connected call (a hang-up from our side must put it on-hook). */
  private lineUp = false;
  /** The dial in progress; the call's end waits for it to settle so the line is free when the call is over. */
  private dialing: Promise<void> = Promise.resolve();
  /** Our hang-up in progress; the call's end waits for it, so the line's on-hook report reaches this call, not the next. */
  private hangingUp: Promise<void> = Promise.resolve();
  private readonly record: LedgerCall;
  private readonly log: Logger;
  private readonly lookedUp: Promise<void>;
  /** The disposition a campaign set for the end (machine, dropped), over the machine's. */
  private disposition: Disposition | null = null;
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
    this.record = deps.calls.open({ lineId: line.id, direction: 'outbound', state: 'dialing', number: req.numberKey, agentId: req.agentId });
    this.id = this.record.id;
    this.startedAt = this.record.startedAt;
    this.log = deps.logger.child({ callId: this.id, lineId: line.id });
    this.finished = new Promise((r) => { this.finish = r; });
    this.state = startOutbound(PLAN).state;
    this.lookedUp = deps.repos.customers.findByPhone(req.numberKey).catch(() => null).then((c) => {
      this.customer = c;
      if (c) void this.record.update({ customerId: c.id });
    });
  }

  get ended(): boolean { return this.state === 'ended'; }

  /** A campaign flow's survey answer: stored in the call's write queue, after the customer lookup (call_surveys reads the call row). */
  async storeSurvey(score: number): Promise<void> {
    await this.lookedUp;
    await this.record.run(() => this.deps.repos.surveys.record(this.id, score));
  }

  snapshot(): CallSnapshot {
    return outboundSnapshot({
      id: this.id, lineId: this.line.id, state: this.state === 'ended' ? 'ended' : this.state === 'connected' ? 'connected' : 'dialing',
      number: this.req.numberKey, name: this.customer?.name ?? null, customerId: this.customer?.id ?? null, startedAt: this.startedAt, answeredAt: this.answeredAt,
    });
  }

  /** Dials; resolves once the dial has an outcome (the call may go on after an answer). */
  async start(): Promise<void> {
    await Promise.all([this.record.created, this.lookedUp]);
    for (const effect of startOutbound(PLAN).effects) this.run(effect);
    await this.dialing;
  }

  private dialString(): string {
    return `${this.line.dialPrefix ?? ''}${this.req.digits}`;
  }

  // ---- inputs from the line ----

  onAudio(pcm: Buffer): void { this.recording?.write(pcm); }

  /** The line tells what it hears while dialling; the last word goes into the call's history. */
  onProgress(heard: Heard): void {
    this.heard = heard;
    this.log.info({ heard: heard.kind, country: heard.country, detail: heard.detail }, 'call progress heard');
  }

  /** The line went on-hook: the far end hung up, or we did. */
  onHangup(): void { this.lineUp = false; this.fire({ type: 'hangup' }); }

  onDeviceLost(): void { this.lineUp = false; this.fire({ type: 'deviceLost' }); }

  /** A campaign's agent took the call. */
  assign(agentId: string): void { void this.record.update({ agentId, state: 'connected' }); }

  /** Ends the call with this disposition (a campaign's machine or abandoned call). */
  async endAs(disposition: Disposition): Promise<void> {
    this.disposition = disposition;
    await this.hangup();
  }

  /** API: hang up (stops a dial in progress). */
  async hangup(): Promise<void> {
    this.fire({ type: 'hangup' });
    await this.finished;
  }

  // ---- the machine ----

  private fire(event: OutboundEvent): void {
    const from = this.state;
    const t = outboundTransition(from, event, PLAN);
    if (t.state !== from) this.log.info({ from, event: event.type, to: t.state }, 'call transition');
    this.state = t.state;
    for (const effect of t.effects) {
      try { this.run(effect); } catch (err) { this.log.error({ err, effect: effect.type }, 'call effect failed; the call goes on'); }
    }
  }

  private run(effect: OutboundEffect): void {
    switch (effect.type) {
      case 'dial':
        this.dialing = this.driver.dial(this.dialString(), { signal: this.abort.signal })
          .catch((err: unknown) => { this.log.warn({ err }, 'dial failed'); return 'failed' as const; })
          .then((outcome) => {
            if (outcome === 'answered' && this.state !== 'dialing') {
              // answered as we hung up: put the line back on-hook
              return this.driver.hangup().catch((err: unknown) => this.log.warn({ err }, 'hang-up failed'));
            }
            if (outcome === 'answered') { this.lineUp = true; this.fire({ type: 'answered' }); } else this.fire({ type: 'dialFailed', outcome });
            this.req.hooks?.dialed(outcome, this.heard);
          });
        return;
      case 'connect':
        if (this.req.record !== 'never') this.recording = this.deps.recordings.start(this.id, this.line, this.req.numberKey, this.record.created, this.req.record === 'always');
        return;
      case 'answered':
        this.answeredAt = new Date();
        this.record.answered(this.req.numberKey);
        return;
      case 'hangupAll':
        this.abort.abort();
        if (this.lineUp) {
          this.lineUp = false;
          this.hangingUp = this.driver.hangup().catch((err: unknown) => this.log.warn({ err }, 'hang-up failed'));
        }
        return;
      case 'ringAgent':
        return; // the modem line has no agent leg: the person at the desk lifts the phone
      case 'end':
        void this.end(effect);
        return;
    }
  }

  private async end(effect: Extract<OutboundEffect, { type: 'end' }>): Promise<void> {
    await this.dialing;
    await this.hangingUp;
    const rec = this.recording;
    this.recording = null;
    const disposition = this.disposition ?? effect.disposition;
    await this.record.end(this.req.numberKey, {
      disposition,
      ...(rec ? { after: () => rec.finish() } : {}),
      history: {
        summary: `outbound call, ${disposition}`,
        data: { direction: 'outbound', ...(this.heard ? { heard: this.heard.kind, heardDetail: this.heard.detail } : {}) },
      },
    }).catch((err: unknown) => this.log.error({ err }, 'closing the call failed'));
    this.onEnded(this);
    this.req.hooks?.ended(disposition);
    this.finish();
  }
}
