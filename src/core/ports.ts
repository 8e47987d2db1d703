/**
 * The small interfaces that backends implement. Everything in src/core and the
 * services speak only these; drivers/ turn wire traffic into these events and
 * carry out these effects. Drivers decide nothing about business rules.
 */

/** What a line device can do. Missing abilities are flags, never exceptions at run time. */
export interface LineCapabilities {
  /** Can go off-hook in voice mode and play/record audio. */
  voice: boolean;
  /** Reports caller ID. */
  callerId: boolean;
  /** Fax classes supported, e.g. ['1', '2', '2.0']; empty when none. */
  faxClasses: string[];
  /** Can dial out. */
  dial: boolean;
  /** Can hand the call to the office handset (hook-flash / local phone). */
  handset: boolean;
  /** Plays and records at the same time (otherwise recording pauses during playback). */
  fullDuplex: boolean;
}

/** What the device told us about itself when probed. */
export interface DeviceInfo {
  manufacturer: string | null;
  model: string | null;
  revision: string | null;
  /** Which caller-ID command the device accepted (e.g. 'AT+VCID=1'), or null. */
  callerIdCommand: string | null;
  capabilities: LineCapabilities;
}

/**
 * Caller ID as delivered by the line. `number` is the digits as sent (not yet
 * normalised); `withheld` says why there is no number: 'private' (P) or
 * 'unavailable' (O).
 */
export interface CallerId {
  number: string | null;
  name: string | null;
  withheld: 'private' | 'unavailable' | null;
  /** MMDD and HHMM as sent, when the line sends them. */
  date: string | null;
  time: string | null;
}

export type CallProgressTone = 'busy' | 'dialtone' | 'ringback' | 'silence' | 'quiet' | 'fax' | 'modem';

/**
 * Events a line driver emits. Order is the order on the wire.
 * - `online` after the device was opened and probed (again after every reconnect).
 * - `offline` when the device vanished or stopped answering; any call on it is over.
 * - `ring` for every ring burst; `callerId` once per call when the line sends it,
 *   with `raw` the lines as the device printed them (for set-up and diagnostics);
 *   `callerIdUnparsed` when lines came between the rings that no known
 *   caller-ID format matched (at most once per call, never with `callerId`).
 * - `answered` once the driver is off-hook in voice mode.
 * - `dtmf` for each digit the far end pressed (0-9, *, #, A-D).
 * - `tone` for call-progress detection (busy, dial tone, silence...).
 * - `hangup` when the far end has gone (loop-current drop, busy tone after a call, silence).
 * - `audio` carries telephone PCM: `rx` heard from the line, `tx` sent to it.
 */
export type LineEvent =
  | { type: 'online'; info: DeviceInfo }
  | { type: 'offline'; reason: string }
  | { type: 'ring' }
  | { type: 'callerId'; callerId: CallerId; raw?: string[] }
  | { type: 'callerIdUnparsed'; raw: string[] }
  | { type: 'answered' }
  | { type: 'dtmf'; digit: string }
  | { type: 'tone'; tone: CallProgressTone }
  | { type: 'hangup'; cause: 'remote' | 'local' | 'busy' | 'silence' | 'device' }
  | { type: 'audio'; direction: 'rx' | 'tx'; pcm: Buffer };

export type LineListener = (event: LineEvent) => void;

export type DialOutcome = 'answered' | 'busy' | 'no-answer' | 'no-dialtone' | 'failed';

/**
 * A phone line behind one device (a V.253 modem, an HID phone box...).
 *
 * Contract:
 * - `start()` opens the device and resolves once it was probed, or rejects
 *   with DEVICE_GONE; after a successful start the driver reopens the device
 *   by itself with backoff whenever it vanishes, until `stop()`.
 * - Commands never overlap: a driver serialises them internally.
 * - `play()` resolves when the audio was sent in full, when `signal` aborts,
 *   or (with `interruptOnDtmf`) on the first digit; it never rejects because
 *   the far end hung up, it resolves with `completed: false`.
 * - After `hangup()` or a `hangup`/`offline` event the line is idle; calling
 *   `hangup()` on an idle line is a no-op.
 */
export interface LineDriver {
  readonly id: string;
  readonly driver: string;
  /** Last probe result, or null before the first successful open. */
  info(): DeviceInfo | null;
  on(listener: LineListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Go off-hook in voice mode; from then on `rx` audio and `dtmf` events flow. */
  answer(): Promise<void>;
  /** Pick up and drop at once without entering voice mode (used to reject a call). */
  reject(): Promise<void>;
  play(pcm: Buffer, opts?: { signal?: AbortSignal; interruptOnDtmf?: boolean }): Promise<{ completed: boolean; interruptedBy: string | null }>;
  hangup(): Promise<void>;
  dial(number: string, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<DialOutcome>;
}

/**
 * The call-level operations a call session needs. A LineDriver (one call per
 * line) has them; so does one channel of a PBX trunk.
 */
export type CallControl = Pick<LineDriver, 'answer' | 'reject' | 'play' | 'hangup'> & {
  /**
   * Present when the backend records the whole call itself (both directions,
   * e.g. Asterisk MixMonitor): start writing it as WAV to `path`, a file the
   * backend finishes when the call ends. Without it, the session records the
   * `audio` events it is given.
   */
  recordTo?(path: string): Promise<void>;
  /** Stop what `recordTo` started (the backend closes the file). */
  stopRecording?(): Promise<void>;
  /**
   * Present when the backend records what the caller says itself (a voicemail
   * on Asterisk): beep, record until `maxMs`, `#` or hang-up, and resolve with
   * the telephone PCM (empty when nothing was recorded). Rejects only for
   * faults; a hang-up resolves with what was recorded.
   */
  recordMessage?(opts: { maxMs: number; beep: boolean }): Promise<{ pcm: Buffer; endedBy: 'max' | 'hangup' | 'dtmf' | 'silence' }>;
};

/** Offline text-to-speech. Returns telephone PCM. */
export interface TextToSpeech {
  synthesize(text: string, voice: string): Promise<Buffer>;
}
