/**
 * The IVR media port (src/core/ivr/media.ts) over a call's controls. Owns the
 * call's digit buffer: the session pushes every DTMF key here.
 */
import type { CallControl } from '../../core/ports.ts';
import type { HandsetOptions, IvrMedia, PlayResult, PromptResolver, RecordOptions, RecordResult, TransferTarget } from '../../core/ivr/media.ts';
import { Endpointer } from '../../core/asr/vad.ts';
import type { Prompt } from '../../core/ivr/schema.ts';
import { pcmDurationMs, SAMPLE_RATE } from '../../core/audio.ts';

/** 400 ms of 1 kHz at half scale: the "speak after the tone" beep. */
function beep(): Buffer {
  const n = SAMPLE_RATE * 0.4;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE)), i * 2);
  return b;
}

export class LineIvrMedia implements IvrMedia {
  private readonly digits: string[] = [];
  private digitWaiter: (() => void) | null = null;
  private recording: { chunks: Buffer[]; done: (endedBy: RecordResult['endedBy']) => void; anyKey: boolean; endpoint: Endpointer | null } | null = null;

  constructor(
    private readonly driver: CallControl,
    private readonly prompts: PromptResolver,
    readonly signal: AbortSignal,
    /** A prompt that cannot be made (TTS or disk fault) is skipped, reported here once per prompt: the flow goes on. */
    private readonly onPromptError: (err: unknown, prompt: Prompt) => void = () => undefined,
  ) {
    signal.addEventListener('abort', () => {
      this.digitWaiter?.();
      this.recording?.done('hangup');
    }, { once: true });
  }

  /** Called by the session for each DTMF key. */
  pushDigit(digit: string): void {
    this.digits.push(digit);
    if (this.recording && (digit === '#' || this.recording.anyKey)) this.recording.done('dtmf');
    this.digitWaiter?.();
  }

  /** Called by the session for audio heard on the line. */
  pushAudio(pcm: Buffer): void {
    const rec = this.recording;
    if (!rec) return;
    rec.chunks.push(pcm);
    // An answer to a question ends on the audio's own clock: silence after speech, or no speech at all.
    const state = rec.endpoint?.push(pcm);
    if (state === 'done' || state === 'no-input') rec.done('silence');
  }

  /** Called by the session when the line reports a long silence. */
  silence(): void {
    this.recording?.done('silence');
  }

  async play(prompt: Prompt, opts: { interruptible: boolean }): Promise<PlayResult> {
    if (this.signal.aborted) return { interruptedBy: null, hungUp: true };
    if (opts.interruptible && this.digits.length > 0) return { interruptedBy: this.digits[0]!, hungUp: false };
    let pcm: Buffer;
    try {
      pcm = await this.prompts.resolve(prompt);
    } catch (err) {
      this.onPromptError(err, prompt);
      return { interruptedBy: null, hungUp: this.signal.aborted };
    }
    if (this.signal.aborted) return { interruptedBy: null, hungUp: true };
    const r = await this.driver.play(pcm, { signal: this.signal, interruptOnDtmf: opts.interruptible });
    if (this.signal.aborted) return { interruptedBy: null, hungUp: true };
    const key = opts.interruptible ? (this.digits[0] ?? r.interruptedBy) : null;
    if (key && this.digits.length === 0) this.digits.push(key);
    return { interruptedBy: key, hungUp: false };
  }

  async getDigit(timeoutMs: number): Promise<string | null> {
    if (this.digits.length > 0) return this.digits.shift()!;
    if (this.signal.aborted) return null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, timeoutMs);
      function done() { clearTimeout(t); resolve(); }
      this.digitWaiter = done;
    });
    this.digitWaiter = null;
    return this.digits.shift() ?? null;
  }

  clearDigits(): void {
    this.digits.length = 0;
  }

  async record(opts: RecordOptions): Promise<RecordResult> {
    // A backend that records the caller itself (Asterisk) does; a modem line hands us its audio.
    if (this.driver.recordMessage) {
      if (this.signal.aborted) return { pcm: Buffer.alloc(0), durationMs: 0, endedBy: 'hangup' };
      const r = await this.driver.recordMessage({
        maxMs: opts.maxMs, beep: opts.beep,
        // Asterisk counts silence from the start of the recording too: its limit is the no-input time, so a caller who starts late is still heard.
        ...(opts.silenceMs !== undefined ? { silenceMs: Math.max(opts.silenceMs, opts.noInputMs ?? 0) } : {}), ...(opts.anyKey ? { anyKey: true } : {}),
      });
      if (r.endedBy === 'dtmf' && r.key && opts.anyKey) this.pushDigit(r.key);
      return { ...r, durationMs: pcmDurationMs(r.pcm.length) };
    }
    if (opts.beep && !this.signal.aborted) await this.driver.play(beep(), { signal: this.signal });
    const chunks: Buffer[] = [];
    const endedBy = this.signal.aborted
      ? 'hangup' as const
      : await new Promise<RecordResult['endedBy']>((resolve) => {
        const t = setTimeout(() => finish('max'), opts.maxMs);
        const finish = (why: RecordResult['endedBy']) => { clearTimeout(t); this.recording = null; resolve(why); };
        const endpoint = opts.silenceMs !== undefined ? new Endpointer({ silenceMs: opts.silenceMs, noInputMs: opts.noInputMs ?? opts.maxMs }) : null;
        this.recording = { chunks, done: finish, anyKey: opts.anyKey ?? false, endpoint };
      });
    const pcm = Buffer.concat(chunks);
    return { pcm, durationMs: pcmDurationMs(pcm.length), endedBy };
  }

  /** Set by the session when its backend has seats to ring (a PBX). */
  handsetRouter: ((opts: HandsetOptions) => Promise<boolean>) | null = null;

  async handset(opts: HandsetOptions = {}): Promise<boolean> {
    // A voice modem cannot hand the call to an office handset we can confirm; a PBX rings its seats.
    if (this.signal.aborted || !this.handsetRouter) return false;
    return this.handsetRouter(opts);
  }

  /** Set by the session when its backend can transfer to a number (a modem line: hook flash, then dial). */
  numberTransfer: ((number: string) => Promise<boolean>) | null = null;

  async transfer(target: TransferTarget): Promise<boolean> {
    if (this.signal.aborted) return false;
    // A seat is rung the way a handset node rings seats; a number needs a backend that can transfer to one.
    if (target.seat && this.handsetRouter) return this.handsetRouter({ seats: [target.seat] });
    if (target.number && this.numberTransfer) return this.numberTransfer(target.number);
    return false;
  }

  /** Set by the session when its backend has ACD queues. */
  router: ((queueId: string) => Promise<boolean>) | null = null;

  /** Hands the call to fax reception where the backend can (CallControl.receiveFax: Asterisk). */
  async fax(): Promise<boolean> {
    if (this.signal.aborted || !this.driver.receiveFax) return false;
    return this.driver.receiveFax();
  }

  async queue(queueId: string): Promise<boolean> {
    if (this.signal.aborted || !this.router) return false; // single-line mode has no ACD queues
    return this.router(queueId);
  }

  async hangup(): Promise<void> {
    await this.driver.hangup();
  }
}
