/**
 * The media port the IVR interpreter drives for one answered call. The
 * daemon implements it over a LineDriver (modem, HID box) or an Asterisk
 * channel; {@link ScriptedMedia} implements it for tests and the editor's
 * dry run. The interpreter never sees PCM: prompts go to the port as data and
 * the port turns them into audio with a {@link PromptResolver}.
 */
import type { Prompt } from './schema.ts';

/** Result of {@link IvrMedia.play}. */
export interface PlayResult {
  /**
   * The DTMF key that cut an interruptible prompt short (it is still in the
   * digit buffer), or null when the prompt ran to its end.
   */
  interruptedBy: string | null;
  /** The caller hung up during the prompt; `signal` is aborted too. */
  hungUp: boolean;
}

/** A recorded voicemail message (telephone PCM, see src/core/audio.ts). */
export interface RecordResult {
  pcm: Buffer;
  durationMs: number;
  /** Why recording stopped: the time limit, the caller hung up, or silence / a key. */
  endedBy: 'max' | 'hangup' | 'silence' | 'dtmf';
}

/**
 * Media operations on one live call.
 *
 * Contract:
 * - **Digit buffer (the port owns it).** Every DTMF key the caller presses
 *   after answer is appended to a FIFO, whatever the interpreter is doing at
 *   that moment (playing, recording, thinking). Keys are removed only by
 *   {@link getDigit} and {@link clearDigits}. No key is ever lost or delivered
 *   twice.
 * - `play(prompt, { interruptible: true })` returns at once with
 *   `interruptedBy` = the head of the buffer when the buffer is not empty
 *   (type-ahead), otherwise plays until the end or the first key; the key is
 *   **not** consumed. With `interruptible: false` the prompt plays in full and
 *   keys just queue up.
 * - `getDigit(timeoutMs)` takes the next key from the buffer, waiting up to
 *   `timeoutMs`; null on timeout or hang-up.
 * - Hang-up: when the caller hangs up, `signal` aborts; pending and later
 *   calls resolve promptly (`play` with `hungUp: true`, `getDigit` with null,
 *   `record` with what was recorded, `handset`/`queue` with false). Nothing
 *   rejects because the caller hung up.
 * - Methods reject only for real faults (device gone, prompt cannot be
 *   resolved): the interpreter then ends the flow with outcome `error`.
 * - Calls never overlap: the interpreter awaits each one.
 */
export interface IvrMedia {
  /** Aborts when the caller hangs up (or the line drops). */
  readonly signal: AbortSignal;
  play(prompt: Prompt, opts: { interruptible: boolean }): Promise<PlayResult>;
  getDigit(timeoutMs: number): Promise<string | null>;
  /** Drop every buffered key (before recording a voicemail, for example). */
  clearDigits(): void;
  /**
   * Record what the caller says, up to `maxMs`; `beep` plays a tone first.
   * With `silenceMs` (an answer to a question, for speech recognition) it
   * also stops after that much silence following speech, or after
   * `noInputMs` without speech (`endedBy: 'silence'` both times); with
   * `anyKey` every key stops it (`'dtmf'`, the key stays in the buffer),
   * otherwise only `#` does.
   */
  record(opts: RecordOptions): Promise<RecordResult>;
  /**
   * Transfer the call to a seat (PBX backends) or a number (a modem line:
   * hook-flash transfer). Resolves true once the call left us (the IVR is
   * done with it), false when the backend cannot or nobody took it.
   */
  transfer(target: TransferTarget): Promise<boolean>;
  /**
   * Hand the call to the office handset. Resolves true once handed over (the
   * IVR is done with the call), false when the device cannot or nobody took it.
   */
  handset(opts?: HandsetOptions): Promise<boolean>;
  /**
   * Put the call into an ACD queue. Resolves true once the queue accepted
   * the call (the IVR is done with it), false in single-line mode or when the
   * queue does not exist or refuses.
   */
  queue(queueId: string): Promise<boolean>;
  /**
   * Hand the call to fax reception. Resolves true once handed over (the call
   * is the fax's now), false when the line cannot receive faxes.
   */
  fax(): Promise<boolean>;
  /** Hang up from our side. A no-op when the call is already over. */
  hangup(): Promise<void>;
}

/** Options of {@link IvrMedia.record}. */
export interface RecordOptions {
  maxMs: number;
  beep: boolean;
  silenceMs?: number;
  noInputMs?: number;
  anyKey?: boolean;
}

/** Where {@link IvrMedia.transfer} sends the call; the backend uses what it can (a seat first). */
export interface TransferTarget {
  seat?: string | null;
  number?: string | null;
}

/** What a `handset` node asks for on a backend with seats (a PBX); a single line ignores it. */
export interface HandsetOptions {
  /** Seat ids to ring; default every seat free to take a call. */
  seats?: string[] | undefined;
  /** Seconds they ring before giving up. */
  ringS?: number | undefined;
}

/**
 * Turns a prompt into telephone PCM (8 kHz mono s16le). Implemented outside
 * the core (src/media/prompts.ts: TTS for `{ text }`, the audio store for
 * `{ file }`) so the core stays free of espeak and files.
 */
export interface PromptResolver {
  resolve(prompt: Prompt): Promise<Buffer>;
}
