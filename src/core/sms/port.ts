/**
 * The port an SMS backend implements (drivers/gsm-dongle: a USB GSM/LTE
 * dongle over 27.005 AT commands). Services reach dongles only through this.
 *
 * Contract:
 * - `start()` opens the device and never rejects because the device is absent
 *   or not ready: the dongle reports that through `status()` and `state`
 *   events and keeps trying (with backoff) until `stop()`.
 * - `send()` sends one message (all its parts) and resolves once the network
 *   accepted every part, with the message references a delivery report will
 *   name; one send at a time per dongle (calls queue). It rejects with a
 *   KefuError: LINE_OFFLINE (not ready: no SIM, not registered, unplugged),
 *   DEVICE_GONE (pulled mid-send), MODEM_TIMEOUT, or MODEM_ERROR with
 *   `details.cms` (the +CMS ERROR code) when the network refused.
 * - Listeners never throw; events arrive in the order the device sent them.
 */

export type SmsDongleState =
  /** Not started, or stopped. */
  | 'closed'
  /** Opening the port and setting the device up. */
  | 'initialising'
  /** The SIM wants a PIN and none (or a wrong one) is configured, or a PUK. */
  | 'sim-locked'
  /** No SIM, or the SIM failed. */
  | 'sim-error'
  /** SIM ready, not (yet) registered on a network. */
  | 'searching'
  /** Registered: can send and receive. */
  | 'ready'
  /** The device vanished or stopped answering; reopening with backoff. */
  | 'gone';

export type SimStatus = 'unknown' | 'ready' | 'pin-required' | 'puk-required' | 'absent' | 'error';
export type Registration = 'unknown' | 'not-registered' | 'home' | 'searching' | 'denied' | 'roaming';

export interface SmsDongleStatus {
  id: string;
  state: SmsDongleState;
  sim: SimStatus;
  registration: Registration;
  /** +CSQ: 0-31 (99 unknown as null) and the dBm it stands for. */
  signal: { csq: number | null; dbm: number | null };
  /** SMS centre number from +CSCA, E.164 when international. */
  smsc: string | null;
  /** Manufacturer / model as the device names itself (+CGMI/+CGMM). */
  identity: string | null;
  /** Messages in the SIM/device store and its size (+CPMS), when known. */
  storage: { used: number; total: number } | null;
  /** The last problem seen (no PIN configured, storage full, device gone...), or null. */
  problem: string | null;
}

export interface ReceivedSms {
  from: string;
  text: string;
  encoding: 'gsm7' | 'ucs2' | '8bit';
  /** SMS-centre time stamp, ISO 8601. */
  sentAt: string | null;
  parts: number;
  received: number;
  /** A part never came; `text` holds what did. */
  incomplete: boolean;
}

export interface SmsStatusReport {
  /** The reference +CMGS gave for the part this is about. */
  reference: number;
  recipient: string;
  outcome: 'delivered' | 'pending' | 'failed';
  /** TP-ST as received. */
  status: number;
}

export type SmsDongleEvent =
  | { type: 'state'; status: SmsDongleStatus; from: SmsDongleState }
  | { type: 'received'; message: ReceivedSms }
  | { type: 'status-report'; report: SmsStatusReport };

export interface SmsSendResult {
  /** Message reference of each part, in order. */
  references: number[];
  parts: number;
  encoding: 'gsm7' | 'ucs2' | '8bit';
}

export interface SmsDongle {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SmsDongleStatus;
  /** Subscribes; returns the unsubscribe function. */
  on(listener: (event: SmsDongleEvent) => void): () => void;
  /**
   * Who stores received messages. A message read from the device's storage is
   * deleted there only once this resolves; when it rejects, the message stays
   * and is read again at the next sweep (start, reconnect, storage full).
   * Without a receiver, messages are deleted once the `received` event is out.
   */
  setReceiver(receiver: (message: ReceivedSms) => Promise<void>): void;
  /** `to`: E.164 with `+`. `statusReport`: ask the network for a delivery report per part. */
  send(to: string, text: string, opts: { statusReport: boolean }): Promise<SmsSendResult>;
}
