/**
 * An {@link IvrMedia} that plays a scripted caller, with no audio and no
 * timers: used by {@link simulateFlow} (the editor's test runner) and by
 * tests. Waits take no real time.
 */
import { pcmBytesFor } from '../audio.ts';
import type { IvrMedia, PlayResult, RecordResult } from './media.ts';
import type { Prompt } from './schema.ts';

/** The scripted caller. */
export interface ScriptedMediaOptions {
  /**
   * What the caller does, in order: `0-9 * # A-D` press a key, `.` lets one
   * wait time out, `h` hangs up at that point. All keys are "typed ahead":
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
}

/** One thing the scripted call saw. */
export type ScriptedEvent =
  | { op: 'play'; prompt: Prompt; interruptible: boolean; interruptedBy: string | null; hungUp: boolean }
  | { op: 'getDigit'; timeoutMs: number; digit: string | null }
  | { op: 'record'; maxMs: number; durationMs: number }
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

  constructor(private readonly opts: ScriptedMediaOptions = {}) {
    this.script = [...(opts.script ?? '')];
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
    const interruptedBy = !hungUp && opts.interruptible && head !== undefined && head !== '.' ? head : null;
    this.events.push({ op: 'play', prompt, interruptible: opts.interruptible, interruptedBy, hungUp });
    return Promise.resolve({ interruptedBy, hungUp });
  }

  getDigit(timeoutMs: number): Promise<string | null> {
    const item = this.checkHangup() ? undefined : this.script.shift();
    const digit = item === undefined || item === '.' ? null : item;
    this.events.push({ op: 'getDigit', timeoutMs, digit });
    return Promise.resolve(digit);
  }

  clearDigits(): void {
    while (this.script.length > 0 && this.script[0] !== '.' && this.script[0] !== 'h') this.script.shift();
  }

  record(opts: { maxMs: number; beep: boolean }): Promise<RecordResult> {
    if (this.checkHangup()) {
      this.events.push({ op: 'record', maxMs: opts.maxMs, durationMs: 0 });
      return Promise.resolve({ pcm: Buffer.alloc(0), durationMs: 0, endedBy: 'hangup' });
    }
    const durationMs = Math.min(this.opts.voicemailMs ?? 3000, opts.maxMs);
    this.events.push({ op: 'record', maxMs: opts.maxMs, durationMs });
    this.callerHangsUp(); // a caller who left a message hangs up (or the time ran out)
    return Promise.resolve({ pcm: Buffer.alloc(pcmBytesFor(durationMs)), durationMs, endedBy: durationMs >= opts.maxMs ? 'max' : 'hangup' });
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
