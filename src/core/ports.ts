/**
 * The small interfaces that backends implement. Everything in src/core and the
 * services speak only these; the drivers turn wire traffic into these events and
 * carry out these effects. Drivers decide nothing about business rules.
 */
import type { Heard } from './call-progress/types.ts';
import type { FaxOutcome } from './fax/records.ts';

export type { Heard } from './call-progress/types.ts';

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
  | { type: 'audio'; direction: 'rx' | 'tx'; pcm: Buffer }
  /**
   * While dialling: what the line hears (ringback and its country, colour
   * ring-back music, busy, a person or a machine answering), in order; the
   * last one before `dial()` resolves is what decided it. Drivers that learn
   * the outcome only from the device (a VCON result) send none.
   */
  | { type: 'progress'; heard: Heard };

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
  recordMessage?(opts: { maxMs: number; beep: boolean; silenceMs?: number; anyKey?: boolean }): Promise<{ pcm: Buffer; endedBy: 'max' | 'hangup' | 'dtmf' | 'silence'; key?: string }>;
  /**
   * Present when the backend can hand the call to another number itself (a
   * modem line: hook flash, dial, hang up — a blind transfer done by the
   * exchange or PBX the line is on). Resolves true once the call left us.
   */
  transfer?(number: string): Promise<boolean>;
  /**
   * Present when the backend can receive a fax on this call (Asterisk): hands
   * the call over to fax reception and resolves true once it did (the call
   * then leaves us: its end follows), false when it could not.
   */
  receiveFax?(): Promise<boolean>;
};

/** Offline text-to-speech. Returns telephone PCM. */
export interface TextToSpeech {
  synthesize(text: string, voice: string): Promise<Buffer>;
}

/**
 * What a leg (one channel on the PBX) is for. The driver carries the role and
 * its `args` to Asterisk when it originates the leg and hands them back in
 * `legEntered`; it attaches no meaning to them. `inbound` is what the
 * dialplan gives callers it sends to us.
 */
export type PbxLegRole = 'inbound' | 'agent' | 'handset' | 'monitor' | 'snoop' | 'c2d-agent' | 'c2d-customer' | 'dialer';

/**
 * What is in our application now: each leg with the role it entered with
 * (null when the PBX does not say) and its arguments after the role, and when the PBX made it (ISO time; null
 * when unknown), and the mixing bridges with their legs.
 */
export interface PbxInventory {
  legs: Array<PbxLegInfo & { role: PbxLegRole | null; args: string[]; createdAt: string | null }>;
  bridges: Array<{ id: string; legIds: string[] }>;
}

/** A leg as the PBX describes it when it enters our application. */
export interface PbxLegInfo {
  /** Our id when we originated it; the PBX's id for a leg that came in by itself. */
  id: string;
  /** The PBX's channel name (e.g. `PJSIP/trunk-0000002a`): says which endpoint it came through. */
  name: string;
  callerNumber: string;
  callerName: string;
}

/**
 * Why a leg went away: `normal` (an answered leg hung up), `cancelled` (it
 * went before it was answered, e.g. we stopped its ringing), `busy`,
 * `no-answer` (rang out), `rejected` (refused by the phone), `failed` (the
 * network could not reach it).
 */
export type PbxGoneReason = 'normal' | 'cancelled' | 'busy' | 'no-answer' | 'rejected' | 'failed';

/**
 * What answered a leg dialled with `detectMachine`, judged from the first
 * seconds of audio after the answer (Asterisk's AMD: a short greeting then
 * silence is a person; a long greeting, many words or a long silence first is
 * a machine).
 * - `status`: `human`, `machine`, `notsure` (no verdict within the analysis
 *   time, or the detector could not run), `hangup` (the far end hung up while
 *   it listened; usually such a leg just ends with `legGone` and never enters).
 * - `cause`: what decided it: `silence-after-greeting` (human), `initial-silence`
 *   (nothing said at first), `long-greeting`, `too-many-words`, `long-word`
 *   (machine), `too-long`, `no-audio` (no audio received), `detector-failed`
 *   (notsure), `hangup`.
 */
export interface PbxMachineVerdict {
  status: 'human' | 'machine' | 'notsure' | 'hangup';
  cause: 'silence-after-greeting' | 'initial-silence' | 'long-greeting' | 'too-many-words' | 'long-word' | 'too-long' | 'no-audio' | 'detector-failed' | 'hangup';
}

/**
 * Answering-machine detection settings; each one left out keeps the PBX's
 * default (on Asterisk: amd.conf). Times in milliseconds.
 */
export interface PbxMachineDetection {
  /** Silence before anything is said longer than this: a machine. */
  initialSilenceMs?: number;
  /** A greeting longer than this: a machine. */
  greetingMs?: number;
  /** This much silence after a greeting: a person. */
  afterGreetingSilenceMs?: number;
  /** No verdict after this long: notsure. */
  totalMs?: number;
  /** Shortest sound that counts as a word. */
  minWordMs?: number;
  /** Silence that separates two words. */
  betweenWordsSilenceMs?: number;
  /** More words than this in the greeting: a machine. */
  maxWords?: number;
  /** Average level (0..32767) below which audio is silence. */
  silenceThreshold?: number;
  /** One word longer than this: a machine. */
  maxWordMs?: number;
}

/**
 * Events of a PBX. Order is the order the PBX reports them in.
 * - `legEntered` once a leg is in our application: an inbound caller, or a leg
 *   we originated that answered. `role` and `args` are what we originated it
 *   with (`role` undefined when the dialplan sent something unknown). A leg
 *   originated with `detectMachine` enters only once detection decided, and
 *   `amd` says what answered; legs without detection have no `amd`.
 * - `legAnswered` when a leg's state becomes up (may come before or after
 *   `legEntered`; with `detectMachine` it comes at the answer, before detection ends).
 * - `dtmf` for each digit the far end of a leg pressed.
 * - `legGone` exactly once per leg, when it left our application or ceased to
 *   exist (also a leg originated that never answered). `reason` says why in
 *   the call record's words (the driver maps its own causes); `cause` is the
 *   Q.850 hang-up cause when the PBX reported one.
 * - `playbackDone` when a `play` finished or was stopped (or the leg went).
 * - `recordingDone` when a `recordMessage` finished (`ok`) or failed.
 * - `link` when the event connection to the PBX comes up or goes down. After
 *   every `up` the owner resyncs with `legs()`: legs it knows that are missing
 *   are gone (the PBX restarted); no `legGone` comes for them.
 */
export type PbxEvent =
  | { type: 'legEntered'; leg: PbxLegInfo; role: PbxLegRole | undefined; args: string[]; amd?: PbxMachineVerdict }
  | { type: 'legAnswered'; legId: string }
  | { type: 'dtmf'; legId: string; digit: string }
  | { type: 'legGone'; legId: string; reason: PbxGoneReason; cause: number | undefined }
  | { type: 'playbackDone'; legId: string; playbackId: string }
  | { type: 'recordingDone'; legId: string; name: string; ok: boolean }
  /**
   * The connection came up or went down. `released`: it went down because
   * this daemon let go of a node it owned by cluster lease (another daemon
   * drives it, or will): not a fault of the lines.
   */
  | { type: 'link'; up: boolean; reason?: string; released?: boolean };

export type PbxListener = (event: PbxEvent) => void;

/** Why we end a leg (the cause the far end is given). */
export type PbxHangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'rejected';

/** A leg to place: `id` is ours (the PBX uses it as the channel id), so events are ours before the PBX says anything. */
export interface PbxOriginate {
  id: string;
  /** Dial string, e.g. `PJSIP/seat1` or `PJSIP/0612345678@trunk`. */
  endpoint: string;
  role: PbxLegRole;
  /** Carried to `legEntered` (e.g. the call id, the agent id). No commas. */
  args: string[];
  /** Ring at most this long; an unanswered leg then ends with `legGone`. */
  timeoutS: number;
  callerId: string;
  /**
   * Tell a person from an answering machine before the leg enters: once it
   * answers (`legAnswered`), the PBX listens to the greeting and the leg's
   * `legEntered` carries the verdict (`amd`), a few seconds later. `true`
   * uses the PBX's default settings. On Asterisk the leg runs the dialplan
   * context `kefu-amd` (dialplans/pbx/extensions.conf) for that.
   */
  detectMachine?: boolean | PbxMachineDetection;
}

/**
 * A PBX (Asterisk) as kefu uses it: legs, bridges, media.
 *
 * Contract:
 * - `start()` connects and resolves even when the PBX is not reachable yet (a
 *   `link` `up` event follows when it is); the driver reconnects by itself until
 *   `stop()`. Whole-call recording needs a second connection (AMI):
 *   `canRecordCalls` says whether it is there after `start()`.
 * - Every operation rejects with `PBX_UNREACHABLE` when the PBX did not answer
 *   (or refused our credentials); with `NOT_FOUND` / `CONFLICT` when the leg or
 *   bridge does not exist (any more) or is not in a state that allows it.
 * - Idempotent, never rejecting for a gone leg: `hangup`, `ring(…, false)`,
 *   `moh(…, false)`, `stopPlayback`, `destroyBridge`.
 * - `originate` resolves once the PBX accepted the leg (it rings); answer,
 *   failure or time-out come as events (`legEntered`, `legGone`).
 * - `bridge` creates a mixing bridge and puts the legs in it, in that order; it
 *   is the only way two legs hear each other.
 * - `play` resolves once the playback started; its end is `playbackDone`.
 * - The driver decides nothing: it never hangs up, bridges or answers by itself.
 */
export interface Pbx {
  on(listener: PbxListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly canRecordCalls: boolean;
  originate(leg: PbxOriginate): Promise<{ id: string; name: string }>;
  answer(legId: string): Promise<void>;
  hangup(legId: string, reason?: PbxHangupReason): Promise<void>;
  /** Ringing tone to a leg (a caller waiting for phones to answer), on or off. */
  ring(legId: string, on: boolean): Promise<void>;
  /** Music on hold to a leg, on or off. */
  moh(legId: string, on: boolean): Promise<void>;
  /** A mixing bridge with `legIds` in it; resolves with the bridge id. */
  bridge(legIds: string[]): Promise<string>;
  /** One more leg into an existing bridge (a supervisor barging in). */
  addToBridge(bridgeId: string, legId: string): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  /**
   * A snoop leg on `legId` hearing both directions; with `whisper` it also
   * speaks to that leg's phone only. `id` is the snoop leg's id (ours, like
   * originate's); it enters our application as role `snoop`.
   */
  snoop(legId: string, opts: { id: string; whisper: boolean; args: string[] }): Promise<void>;
  /** Play a sound file the PBX can read (path without extension). */
  play(legId: string, file: string, playbackId: string): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;
  /** Record the whole call of a leg (both directions) to `path` (WAV), until it hangs up or `stopCallRecording`. */
  recordCall(leg: { name: string }, path: string): Promise<void>;
  stopCallRecording(leg: { name: string }): Promise<void>;
  /** Record what a leg says (beep, until `maxS`, `#` or hang-up) as stored recording `name`; its end is `recordingDone`. */
  recordMessage(legId: string, opts: { name: string; maxS: number; beep: boolean; maxSilenceS?: number; terminateOn?: '#' | 'any' }): Promise<void>;
  /** Fetch a stored recording as WAV and delete it from the PBX; null when there is none. */
  takeRecording(name: string): Promise<Buffer | null>;
  /** Ids of the legs in our application now, ringing legs we originated included (for resync after `link` up). */
  legs(): Promise<string[]>;
  /**
   * The legs in our application now, with their channel names and caller
   * ID, and the mixing bridges with the legs in them: a daemon that takes a
   * node over finds the calls still going with it (docs/scale-out.md).
   */
  inventory(): Promise<PbxInventory>;
  /** The SIP Call-ID of a leg's dialog (a caller on a SIP trunk); null when it has none (not SIP, gone). */
  sipCallId(legId: string): Promise<string | null>;
}

/**
 * Events of a fax backend, in order.
 * - `receiving` when an inbound fax session starts: the backend recognised a
 *   fax (a calling tone on a call, an IVR fax node's hand-over, the modem
 *   line answering as a fax) and writes the pages to `file`. For a fax it
 *   noticed by itself `faxId` is its own id (new to kefu).
 * - `done` exactly once per session (sent or received, whole or not),
 *   after the far end or we hung up. A received file is complete then.
 */
export type FaxEvent =
  | { type: 'receiving'; faxId: string; legId: string | null; number: string | null; file: string; detected: 'cng' | 'ivr' | 'line' }
  | { type: 'done'; faxId: string; outcome: FaxOutcome };

/**
 * Sending and receiving faxes on a backend that does T.30 itself (Asterisk's
 * res_fax, a class 2.0 modem).
 *
 * Contract:
 * - `start()` tells the backend where received files go (`spoolDir`, which
 *   it must be able to write) and our station id; it resolves even when the
 *   backend is not reachable yet.
 * - `send()` dials and resolves once the far end answered (`answered`: the
 *   session runs, `done` follows) or with why not (`no-answer`, `busy`,
 *   `failed`: no `done` follows). `file` is a TIFF-F (G3, 1728 wide) it can read.
 * - `receive()` hands a leg that is in our application over to fax
 *   reception; from then on the leg is the fax session's (it leaves the call).
 * - Sessions never overlap on one modem line; a PBX runs as many as it has channels.
 */
export interface FaxTransport {
  on(listener: (event: FaxEvent) => void): () => void;
  start(opts: { spoolDir: string; stationId: string }): Promise<void>;
  stop(): Promise<void>;
  send(o: { faxId: string; dial: string; file: string; callerId: string; timeoutS: number }): Promise<'answered' | 'no-answer' | 'busy' | 'failed'>;
  receive(legId: string, o: { faxId: string; file: string }): Promise<void>;
}
