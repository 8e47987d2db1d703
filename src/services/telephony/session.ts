/**
 * One inbound call on one line: drives the call machine
 * (src/core/call/machine.ts) and runs its effects; what happens to the call
 * goes to the call ledger (src/services/calls/ledger.ts), which writes the
 * call record and sends the `call.*` events.
 */
import type { Logger } from 'pino';
import type { CallControl, CallerId } from '../../core/ports.ts';
import { transition, type CallEffect, type CallEvent, type CallState, type Disposition } from '../../core/call/machine.ts';
import type { CallRecord, IvrStep } from '../../core/call/records.ts';
import type { CustomerSummary } from '../../core/crm/summary.ts';
import type { LineConfig } from '../../config/schema.ts';
import { LineIvrMedia } from './ivr-media.ts';
import type { TelephonyDeps } from './deps.ts';
import { CallRecording } from './call-recording.ts';
import type { Flow, Prompt } from '../../core/ivr/schema.ts';
import { KefuError } from '../../core/errors.ts';
import type { LedgerCall, CallOpening } from '../calls/ledger.ts';
import type { CallSnapshot } from './snapshot.ts';
import { AfterAgent } from './after-agent.ts';
import { Caller } from './caller.ts';
import { playBlockMessage, runCallFlow, type FlowOutcome } from './session-flow.ts';

/** Puts a call into an ACD queue; resolves true once the queue took it. Given by backends that have queues. */
export type QueueRouter = (queueId: string, call: CallSession) => Promise<boolean>;
/** Rings seats for a `handset` node; resolves true once one answered and is talking to the caller. Given by PBX backends. */
export type HandsetRouter = (opts: { seats?: string[] | undefined; ringS?: number | undefined }, call: CallSession) => Promise<boolean>;

export class CallSession {
  readonly id: string;
  readonly startedAt: Date;
  private readonly record: LedgerCall;
  private state: CallState = 'ringing';
  private rings = 0;
  /** Who is calling: caller ID, customer, blacklist. */
  private readonly caller: Caller;
  private answeredAt: Date | null = null;
  private digits = '';
  private readonly path: IvrStep[] = [];
  private queuedAt: number | null = null;
  private queueId: string | null = null;
  private readonly hangupSignal = new AbortController();
  /** Stops the IVR: when the caller hangs up (with hangupSignal), or when an agent takes the call at the desk (the call goes on). */
  private ivrStop = new AbortController();
  /** Counts IVR runs: a flow stopped by a take-over that ends late must not end the run after it. */
  private ivrRun = 0;
  /** The flow runs after an agent (the post-call survey): the call was completed whoever hangs up. */
  private surveying = false;
  private media: LineIvrMedia | null = null;
  private readonly recording: CallRecording;
  private readonly log: Logger;
  /** Settles once the call record exists (rows that refer to it wait for this). */
  readonly created: Promise<void>;
  /** The flow the IVR runs next when the call leaves a queue for a flow or voicemail. */
  private nextFlow: Flow | string | null = null;
  /** A call taken over in the IVR: the node its path reached (the flow's next run starts there, if it has it). */
  private resumeAt: string | null = null;
  /** Resolves when the call has ended and its record is closed; never for a forgotten session. */
  readonly finished: Promise<void>;
  private finish!: () => void;
  /** hangup(): we hung up (the API), not the caller. */
  private endedHere = false;
  /** forget(): this daemon's memory of the call is stale; the session does nothing more. */
  private forgotten = false;

  constructor(
    private readonly deps: TelephonyDeps,
    private readonly line: LineConfig,
    private readonly driver: CallControl,
    private readonly onEnded: (s: CallSession) => void,
    private readonly router: QueueRouter | null = null,
    private readonly handsetRouter: HandsetRouter | null = null,
    /**
     * A call an earlier owner of the node left going (takeover, pbx/takeover.ts): it goes on from its `row`, as `as`
     * says; or a new call: a caller it left with no row, whose call began at `startedAt`, and the caller's leg
     * written with the row (`firstLeg`, PBX). Null: a caller who just came in (modem).
     */
    from: { row: CallRecord; as: 'connected' | 'queued' | 'ivr' } | Pick<CallOpening, 'startedAt' | 'firstLeg'> | null = null,
  ) {
    const resumed = from && 'row' in from ? from : null;
    this.record = resumed ? deps.calls.resume(resumed.row)
      : deps.calls.open({ lineId: line.id, direction: 'inbound', state: 'ringing', ...(from && !('row' in from) ? from : {}) });
    this.id = this.record.id;
    this.startedAt = this.record.startedAt;
    this.created = this.record.created;
    this.log = deps.logger.child({ callId: this.id, lineId: line.id });
    this.caller = new Caller(deps, this.record, { callId: this.id, lineId: line.id }, this.log);
    this.recording = new CallRecording({ callId: this.id, line, driver, recordings: deps.recordings, log: this.log, created: this.created, number: () => this.caller.number });
    this.finished = new Promise((r) => { this.finish = r; });
    this.afterAgent = new AfterAgent({ id: this.id, pbx: line.driver === 'asterisk', state: () => this.state, runFlow: (flow) => this.resumeAfterAgent(flow) });
    this.hangupSignal.signal.addEventListener('abort', () => this.ivrStop.abort(), { once: true });
    if (resumed) this.resume(resumed.row, resumed.as);
  }

  /**
   * A call taken over: what its row says, the customer looked up again, its
   * recording sealed at the end. In a queue the wait counts from the answer
   * (the row has no time of queueing); in the IVR the call's flow starts again
   * at the last node its path reached (its entry when the row has none).
   */
  private resume(row: CallRecord, as: 'connected' | 'queued' | 'ivr'): void {
    this.state = as;
    this.caller.resume(row);
    [this.digits, this.queueId] = [row.digits, row.queueId];
    this.answeredAt = row.answeredAt ? new Date(row.answeredAt) : null;
    this.path.push(...row.ivrPath);
    if (as === 'queued') this.queuedAt = this.answeredAt?.getTime() ?? this.startedAt.getTime();
    this.recording.resume(() => this.ended);
    if (as === 'ivr') {
      this.nextFlow = row.flowId;
      this.resumeAt = row.ivrPath.at(-1)?.node ?? null;
      this.run({ type: 'startIvr' });
    }
  }

  snapshot(): CallSnapshot {
    return {
      id: this.id, lineId: this.line.id, direction: 'inbound', state: this.state, number: this.caller.number, name: this.caller.name,
      customerId: this.caller.customer?.id ?? null, startedAt: this.startedAt.toISOString(), answeredAt: this.answeredAt?.toISOString() ?? null, digits: this.digits,
    };
  }

  /** What events say about the caller's customer record (bounded), once caller ID was looked up. */
  customerSummary(): CustomerSummary | null { return this.caller.summary(); }

  get ended(): boolean { return this.state === 'ended'; }

  // ---- inputs from the line ----

  onRing(): void {
    this.rings += 1;
    if (this.state !== 'ringing') return;
    if (this.line.inbound && this.rings >= this.line.inbound.answerAfterRings) this.answerWhenIdentified();
  }

  /**
   * Answer now unless blocked (the blacklist answers at once, from memory);
   * the customer lookup goes on while the line is answered, and
   * `call.ringing` / `call.answered` wait for it (answered() below).
   */
  answerWhenIdentified(): void {
    if (!this.line.inbound || this.caller.blocked || this.state !== 'ringing') return;
    this.fire({ type: 'answer' });
  }

  onCallerId(cid: CallerId): void {
    this.caller.learn(cid, () => this.fire({ type: 'block', action: this.deps.config.blacklist.inboundAction }));
  }

  onDtmf(digit: string): void {
    // Keys can arrive as soon as the line is off-hook, before the flow starts: the media buffer keeps them.
    // In a queue they are logged (the exit key) but no flow reads them.
    if (this.state !== 'ivr' && this.state !== 'answering' && this.state !== 'queued' && this.state !== 'connected') return;
    this.digits += digit;
    if (this.state === 'ivr' || this.state === 'answering') this.media?.pushDigit(digit);
    this.record.dtmf(digit);
  }

  onAudio(direction: 'rx' | 'tx', pcm: Buffer): void {
    this.recording.write(pcm);
    if (direction === 'rx') this.media?.pushAudio(pcm);
  }

  onSilence(): void { this.media?.silence(); }

  /** The far end hung up, or rings stopped before we answered. */
  onHangup(): void {
    this.hangupSignal.abort();
    this.fire({ type: 'hangup' });
  }

  /** The line went on-hook because we hung up: the media stops, the flow decides the outcome. */
  onLocalHangup(): void {
    this.hangupSignal.abort();
  }

  onDeviceLost(): void {
    this.hangupSignal.abort();
    this.fire({ type: 'deviceLost' });
  }

  // ---- inputs from the ACD ----

  /** An agent (or a seat with nobody logged in: null) took the call: it now talks to them. */
  agentConnected(agentId: string | null): void {
    const waited = this.queuedAt === null ? null : Date.now() - this.queuedAt;
    void this.record.update({ agentId, queueWaitMs: waited, state: 'connected' });
    this.fire({ type: 'agentConnected' });
  }

  /**
   * An agent takes the call at the desk (single line): they talk on the phone
   * that shares the line while the modem stays off-hook and records. A
   * ringing call is answered at once without the IVR; a call in the IVR
   * leaves it. CONFLICT for a call in any other state, or on a PBX line
   * (there the ACD or a handset node connects agents).
   */
  takeOver(agentId: string): void {
    this.assertCanTakeOver();
    void this.record.update({ agentId, ...(this.state === 'ivr' ? { state: 'connected' as const } : {}) });
    this.fire({ type: 'take' });
  }

  /** CONFLICT unless takeOver would take the call now. */
  assertCanTakeOver(): void {
    if (this.line.driver === 'asterisk') throw new KefuError('CONFLICT', `call ${this.id} is on a PBX line: agents get its calls from a queue or a handset node`);
    if (this.state !== 'ringing' && this.state !== 'answering' && this.state !== 'ivr') {
      throw new KefuError('CONFLICT', `call ${this.id} is ${this.state}: only a ringing call or one in the IVR can be taken`);
    }
    if (this.caller.blocked) throw new KefuError('CONFLICT', `call ${this.id} is from a blacklisted number`);
  }

  /** The queue's wait limit passed with no agent (or the caller pressed the exit key) and the overflow target is hang-up. */
  queueTimeout(): void { this.fire({ type: 'queueTimeout' }); }

  /** The caller left queue `queueId` (wait limit or exit key): noted in the call's path. */
  leftQueue(queueId: string, why: 'timeout' | 'exit-key', key?: string): void {
    this.path.push({ node: queueId, type: why === 'timeout' ? 'queue-timeout' : 'queue-exit', ...(key ? { digits: key } : {}), at: new Date().toISOString() });
  }

  /** The call overflowed into another queue: the record names the queue it is in now; the wait counts from the first. */
  requeued(queueId: string): void {
    this.queueId = queueId;
    void this.record.update({ queueId });
  }

  /** The call leaves its queue for a flow (by id, or a flow of its own such as voicemail): the IVR runs again. */
  continueInFlow(flow: Flow | string): void {
    if (this.state !== 'queued') return;
    this.nextFlow = flow;
    this.fire({ type: 'resumeIvr' });
  }

  /** The post-call survey (after-agent.ts): POST /calls/{id}/survey, and the ACD when an agent's leg ends. */
  readonly afterAgent: AfterAgent;

  /** The agent is done: the caller's line (the modem still off-hook, or the caller's channel) runs `flow`; the call ends with it. */
  private resumeAfterAgent(flow: string): void {
    this.ivrRun++;
    this.surveying = true;
    this.ivrStop = new AbortController();
    this.hangupSignal.signal.addEventListener('abort', () => this.ivrStop.abort(), { once: true });
    this.media = this.newMedia();
    this.nextFlow = flow;
    this.fire({ type: 'resumeIvr' });
  }

  /** Play a prompt to the caller and wait until it ends (or `signal` aborts, or the caller hangs up). */
  async say(prompt: Prompt, signal: AbortSignal): Promise<void> {
    if (this.ended || signal.aborted) return;
    const pcm = await this.deps.prompts.resolve(prompt);
    await this.driver.play(pcm, { signal: AbortSignal.any([signal, this.hangupSignal.signal]) });
  }

  /** A prompt the IVR could not make (TTS, disk): logged, skipped; the call goes on. */
  private readonly promptFailed = (err: unknown, prompt: Prompt): void => {
    this.log.error({ err, prompt: 'text' in prompt ? { text: prompt.text.slice(0, 80) } : prompt }, 'prompt could not be made; skipped');
  };

  private newMedia(): LineIvrMedia { return new LineIvrMedia(this.driver, this.deps.prompts, this.ivrStop.signal, this.promptFailed); }

  private get talking(): boolean { return this.state === 'ivr' || this.state === 'queued' || this.state === 'connected'; }

  /** API: start recording now, whatever the recording policy says. */
  startRecording(): string {
    if (!this.talking) throw new KefuError('CONFLICT', `call ${this.id} is not answered`);
    return this.recording.startOnDemand();
  }

  /** API: stop the recording in progress; it is sealed (checksum, recording.ready) at once. */
  async stopRecording(): Promise<string> {
    const rec = await this.recording.stop();
    await this.record.run(() => rec.finish());
    return rec.id;
  }

  /** API: play audio into the live call (the caller hears it). */
  playInto(pcm: Buffer): void {
    if (!this.talking) throw new KefuError('CONFLICT', `call ${this.id} is not answered`);
    void this.driver.play(pcm, { signal: this.hangupSignal.signal }).catch((err: unknown) => this.log.warn({ err }, 'playing into the call failed'));
  }

  /** We hung the call up (the API), not the caller: a caller we hang up in the IVR or a queue did not abandon. */
  get endedByUs(): boolean { return this.endedHere; }

  /** Hang up from our side (API). */
  async hangup(): Promise<void> {
    this.endedHere = true;
    this.hangupSignal.abort();
    await this.driver.hangup().catch((err: unknown) => this.log.debug({ err }, 'hang-up of a line already down'));
    this.fire({ type: 'hangup' });
  }

  /**
   * This daemon's memory of the call is stale (another daemon owns the node
   * now, or drove it before this one won it back): the session stops where it is, its
   * IVR and prompts aborted, with no further transition, command or write
   * (the PBX service detaches its ledger call). The call's row says what
   * happens next. `finished` does not settle: what waits for it (the ACD's
   * clean-up of the caller's place, which would hang up the agent's leg)
   * must not run for a call that goes on under the rows' plan.
   */
  forget(): void {
    this.forgotten = true;
    this.state = 'ended';
    this.hangupSignal.abort();
  }

  // ---- the machine ----

  private fire(event: CallEvent): void {
    if (this.forgotten) return;
    const from = this.state;
    const t = transition(from, event);
    if (t.state !== from) this.log.info({ from, event: event.type, to: t.state }, 'call transition');
    this.state = t.state;
    for (const effect of t.effects) {
      // An effect that throws (a fault in a backend or a service) is logged; it never escapes into the
      // promise chain that delivered the event, and the call's other effects still run.
      try { this.run(effect); } catch (err) { this.log.error({ err, effect: effect.type }, 'call effect failed; the call goes on'); }
    }
  }

  private run(effect: CallEffect): void {
    switch (effect.type) {
      case 'answerLine':
        this.media = this.newMedia();
        this.driver.answer().then(() => this.answered(), (err: unknown) => { this.log.warn({ err }, 'answer failed'); this.fire({ type: 'answerFailed' }); })
          .catch((err: unknown) => this.log.error({ err }, 'after answering'));
        return;
      case 'reject':
        this.driver.reject().catch((err: unknown) => this.log.warn({ err }, 'reject failed')).finally(() => this.fire({ type: 'blockDone' }));
        return;
      case 'playBlockMessage':
        playBlockMessage(this.driver, this.deps, this.hangupSignal.signal).catch((err: unknown) => this.log.warn({ err }, 'block message failed')).finally(() => this.fire({ type: 'blockDone' }));
        return;
      case 'startRecording':
        this.recording.startByPolicy();
        return;
      case 'startIvr': {
        const run = ++this.ivrRun;
        this.runIvr().then((outcome) => { if (run === this.ivrRun) this.fire({ type: 'ivrDone', outcome: this.surveying && outcome === 'caller-hangup' ? 'hangup' : outcome }); }, (err: unknown) => {
          this.log.error({ err }, 'IVR failed');
          if (run === this.ivrRun) this.fire({ type: 'ivrDone', outcome: 'error' });
        });
        return;
      }
      case 'stopIvr':
        this.ivrStop.abort();
        return;
      case 'hangupLine':
        this.driver.hangup().catch((err: unknown) => this.log.warn({ err }, 'hang-up failed'));
        return;
      case 'end':
        this.end(effect.disposition).catch((err: unknown) => this.log.error({ err }, 'closing the call failed'));
        return;
    }
  }

  private answered(): void {
    this.answeredAt = new Date();
    // the caller's record comes with call.ringing, before call.answered and the IVR (its conditions read the customer)
    void (this.caller.identified ?? Promise.resolve()).then(() => {
      this.caller.announce();
      this.record.answered(this.caller.number, this.state === 'taking' ? 'connected' : 'answered');
      this.fire({ type: 'answered' });
    });
  }

  private runIvr(): Promise<FlowOutcome> {
    const flow = { next: this.nextFlow, at: this.resumeAt };
    [this.nextFlow, this.resumeAt] = [null, null];
    const handset = this.handsetRouter;
    return runCallFlow({
      flow, media: () => (this.media ??= this.newMedia()), callId: this.id, caller: this.caller,
      path: this.path, record: this.record, deps: this.deps, line: this.line, driver: this.driver, log: this.log,
      enqueue: (queueId) => this.enqueue(queueId), handset: handset ? (opts) => handset(opts, this) : null,
    });
  }

  private async enqueue(queueId: string): Promise<boolean> {
    if (!this.router) return false;
    this.queuedAt = Date.now();
    this.queueId = queueId;
    void this.record.update({ queueId, state: 'queued' });
    const ok = await this.router(queueId, this);
    if (!ok) { this.queuedAt = null; this.queueId = null; }
    return ok;
  }

  private async end(ended: Disposition): Promise<void> {
    // the caller did not give up: we hung up (the API) before a conversation
    const disposition = this.endedHere && (ended === 'abandoned' || ended === 'missed') ? 'cancelled' : ended;
    const queueWaitMs = disposition === 'abandoned' && this.queuedAt !== null ? Date.now() - this.queuedAt : undefined;
    this.hangupSignal.abort();
    const rec = this.recording.take();
    await this.record.end(this.caller.number, {
      disposition, digits: this.digits, ivrPath: this.path, ...(queueWaitMs !== undefined ? { queueWaitMs } : {}),
      ...(rec ? { after: () => rec.finish() } : {}),
      history: { summary: `inbound call, ${disposition}`, data: { digits: this.digits } },
    });
    this.onEnded(this);
    this.finish();
  }
}
