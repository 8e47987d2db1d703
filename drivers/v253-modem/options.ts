/** Options of the V.253 modem line driver. */
import type { DetectorOptions } from '../../src/core/call-progress/detector.ts';
import type { Logger } from './logger.ts';

export interface V253DriverOptions {
  /** Line id used in events and logs. */
  id: string;
  /** Serial device path, e.g. /dev/ttyACM0. */
  path: string;
  /** Baud rate; 115200 suits most voice modems (USR 5637 works best at 115200). Default 115200. */
  baudRate?: number;
  /** pino-like logger; a child with `{ lineId }` is made from it. */
  logger?: Logger;
  /** Longest wait for the port to open. Default 5000 ms. */
  openTimeoutMs?: number;
  /** Default time a command may take before MODEM_TIMEOUT. Default 3000 ms. */
  commandTimeoutMs?: number;
  /** Backoff between reopen attempts after the device vanished (doubles from minMs up to maxMs). Default 500..30000 ms. */
  reconnect?: { minMs: number; maxMs: number };
  /** A call is over when no RING came for this long. Default 8000 ms. */
  ringTimeoutMs?: number;
  /** A caller-ID block without a name is reported after this long without further lines (modems print the block in one burst). Default from the baud rate: 15 ms at 115200, 125 ms at 9600. */
  callerIdQuietMs?: number;
  /** Audio sent ahead of real time during play(). Default 200 ms. */
  txLeadMs?: number;
  /** Treat DLE s (silence) during a call as the far end gone. Default false. */
  hangupOnSilence?: boolean;
  /** When dialling reports progress tones: answered once ringback stopped for this long. Default 6000 ms. */
  dialRingbackGapMs?: number;
  /**
   * When the modem answers a dial with OK at once: listen to the line and
   * decide the outcome by ear (ringback cadences, colour ring-back music,
   * busy, a person or a machine answering). Default true.
   */
  listenForAnswer?: boolean;
  /** Thresholds of the call-progress classifier (src/core/call-progress/detector.ts). Default: its own. */
  callProgress?: DetectorOptions;
}

/** Options with every default filled in. */
export type ResolvedOptions = { [K in keyof Omit<V253DriverOptions, 'logger'>]-?: NonNullable<V253DriverOptions[K]> };

/**
 * Modems print a caller-ID block in one burst; between its lines there is at
 * most one line's transmit time (~40 bytes of 10 bits each). Three of those,
 * and never under 15 ms, is long enough to know the block has ended.
 */
export const callerIdQuietFor = (baudRate: number): number => Math.max(15, Math.ceil((3 * 40 * 10 * 1000) / baudRate));

export function resolveOptions(options: V253DriverOptions): ResolvedOptions {
  return {
    id: options.id,
    path: options.path,
    baudRate: options.baudRate ?? 115200,
    openTimeoutMs: options.openTimeoutMs ?? 5000,
    commandTimeoutMs: options.commandTimeoutMs ?? 3000,
    reconnect: options.reconnect ?? { minMs: 500, maxMs: 30_000 },
    ringTimeoutMs: options.ringTimeoutMs ?? 8000,
    callerIdQuietMs: options.callerIdQuietMs ?? callerIdQuietFor(options.baudRate ?? 115200),
    txLeadMs: options.txLeadMs ?? 200,
    hangupOnSilence: options.hangupOnSilence ?? false,
    dialRingbackGapMs: options.dialRingbackGapMs ?? 6000,
    listenForAnswer: options.listenForAnswer ?? true,
    callProgress: options.callProgress ?? {},
  };
}
