/**
 * An {@link IvrMedia} that plays a scripted caller, with no audio and no
 * timers: used by {@link simulateFlow} (the editor's test runner) and by
 * tests. Waits take no real time.
 */
import { pcmBytesFor } from '../audio.ts';
import type { IvrMedia, PlayResult, RecordOptions, RecordResult, TransferTarget } from './media.ts';
import type { Prompt } from './schema.ts';

/** The scripted caller. */
export interface ScriptedMediaOptions {
  /**
   * What the caller does, in order: `0-9 * # A-D` press a key, `.` lets one
   * wait time out, `h` hangs up at that point, `s` says the next of
   * `utterances` when a node listens (a key wait sees it as a time-out). All keys are "typed ahead":
   * an interruptible prompt stops at once when the next script item is a key.
   * When the script is used up, every wait times out.
   */
  script?: string;
  /** The caller hangs up during the Nth prompt (1-based). */
  hangupDuringPrompt?: number;
  /** Whether the office phone takes the call. Default true. */
  handset?: boolean;
  /** Queues that accept calls (`true`: all). Default none (single-line mode). */
  queues?: string[] | boolean;
  /** Length of the voicemail the caller leaves. Default 3000 ms. */
  voicemailMs?: number;
  /** Whether the line can receive a fax. Default false. */
  fax?: boolean;
  /**
   * What the caller says at each `s` of the script when a node listens for
   * an answer (a record with `silenceMs`): telephone PCM, in order. A listen
   * with a key next in the script gets the key (with `anyKey`); with `.` or
   * nothing left, silence.
   */
  utterances?: Buffer[];
  /** Whether a transfer succeeds. Default true. */
  transfer?: boolean;
}

/** One thing the scripted call saw. */
export type ScriptedEvent =
  | { op: 'play'; prompt: Prompt; interruptible: boolean; interruptedBy: string | null; hungUp: boolean }
  | { op: 'getDigit'; timeoutMs: number; digit: string | null }
  | { op: 'record'; maxMs: number; durationMs: number }
  | { op: 'listen'; said: boolean; key: string | null }
  | { op: 'transfer'; target: TransferTarget; ok: boolean }
  | { op: 'handset'; ok: boolean }
  | { op: 'queue'; queue: string; ok: boolean }
  | { op: 'fax'; ok: boolean }
  | { op: 'hangup' };

/** Scripted media for one simulated call. */
export class ScriptedMedia implements IvrMedia {
  /** Everything the flow did to the call, in order. */
  readonly events: ScriptedEvent[] = [];
  private readonly controller = new AbortController();
  private readonly script: string[];
  private prompts = 0;
  private readonly utterances: Buffer[];

  constructor(private readonly opts: ScriptedMediaOptions = {}) {
    this.script = [...(opts.script ?? '')];
    this.utterances = [...(opts.utterances ?? [])];
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Prompts played so far. */
  get played(): Prompt[] {
    return this.events.flatMap((e) => (e.op === 'play' ? [e.prompt] : []));
  }

  /** The caller hangs up now. */
  callerHangsUp(): void {
    this.controller.abort();
  }

  /** Consumes leading `h` items (the caller hangs up before doing anything else). */
  private checkHangup(): boolean {
    if (this.script[0] === 'h') {
      this.script.shift();
      this.callerHangsUp();
    }
    return this.signal.aborted;
  }

  play(prompt: Prompt, opts: { interruptible: boolean }): Promise<PlayResult> {
    this.prompts++;
    if (!this.checkHangup() && this.opts.hangupDuringPrompt === this.prompts) this.callerHangsUp();
    const hungUp = this.signal.aborted;
    const head = this.script[0];
    const interruptedBy = !hungUp && opts.interruptible && head !== undefined && head !== '.' && head !== 's' ? head : null;
    this.events.push({ op: 'play', prompt, interruptible: opts.interruptible, interruptedBy, hungUp });
    return Promise.resolve({ interruptedBy, hungUp });
  }

  getDigit(timeoutMs: number): Promise<string | null> {
    const item = this.checkHangup() ? undefined : this.script.shift();
    const digit = item === undefined || item === '.' || item === 's' ? null : item;
    this.events.push({ op: 'getDigit', timeoutMs, digit });
    return Promise.resolve(digit);
  }

  clearDigits(): void {
    while (this.script.length > 0 && this.script[0] !== '.' && this.script[0] !== 'h' && this.script[0] !== 's') this.script.shift();
  }

  record(opts: RecordOptions): Promise<RecordResult> {
    if (opts.silenceMs !== undefined) return Promise.resolve(this.answer(opts));
    if (this.checkHangup()) {
      this.events.push({ op: 'record', maxMs: opts.maxMs, durationMs: 0 });
      return Promise.resolve({ pcm: Buffer.alloc(0), durationMs: 0, endedBy: 'hangup' });
    }
    const durationMs = Math.min(this.opts.voicemailMs ?? 3000, opts.maxMs);
    this.events.push({ op: 'record', maxMs: opts.maxMs, durationMs });
    this.callerHangsUp(); // a caller who left a message hangs up (or the time ran out)
    return Promise.resolve({ pcm: Buffer.alloc(pcmBytesFor(durationMs)), durationMs, endedBy: durationMs >= opts.maxMs ? 'max' : 'hangup' });
  }

  /** An answer to a question: a key, the next utterance, or silence. */
  private answer(opts: RecordOptions): RecordResult {
    if (this.checkHangup()) {
      this.events.push({ op: 'listen', said: false, key: null });
      return { pcm: Buffer.alloc(0), durationMs: 0, endedBy: 'hangup' };
    }
    const head = this.script[0];
    if (opts.anyKey && head !== undefined && head !== '.' && head !== 's') {
      this.events.push({ op: 'listen', said: false, key: head });
      return { pcm: Buffer.alloc(0), durationMs: 0, endedBy: 'dtmf' };
    }
    if (head === '.' || head === 's') this.script.shift();
    const said = head === 's' ? this.utterances.shift() : undefined;
    this.events.push({ op: 'listen', said: said !== undefined, key: null });
    const pcm = said ?? Buffer.alloc(pcmBytesFor(opts.noInputMs ?? 4000));
    return { pcm, durationMs: pcm.length / 16, endedBy: 'silence' };
  }

  transfer(target: TransferTarget): Promise<boolean> {
    const ok = !this.checkHangup() && (this.opts.transfer ?? true);
    this.events.push({ op: 'transfer', target, ok });
    return Promise.resolve(ok);
  }

  handset(): Promise<boolean> {
    const ok = !this.checkHangup() && (this.opts.handset ?? true);
    this.events.push({ op: 'handset', ok });
    return Promise.resolve(ok);
  }

  queue(queueId: string): Promise<boolean> {
    const q = this.opts.queues ?? false;
    const ok = !this.checkHangup() && (q === true || (Array.isArray(q) && q.includes(queueId)));
    this.events.push({ op: 'queue', queue: queueId, ok });
    return Promise.resolve(ok);
  }

  fax(): Promise<boolean> {
    const ok = !this.checkHangup() && (this.opts.fax ?? false);
    this.events.push({ op: 'fax', ok });
    return Promise.resolve(ok);
  }

  hangup(): Promise<void> {
    this.events.push({ op: 'hangup' });
    return Promise.resolve();
  }
}
