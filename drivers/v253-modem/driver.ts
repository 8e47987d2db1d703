/**
 * LineDriver for V.253 voice modems on a serial port. Turns modem traffic into
 * line events and carries out answer/play/dial/hangup; decides no business rules.
 */
import { KefuError, isKefuError } from '../../src/core/errors.ts';
import type { CallerId, DeviceInfo, DialOutcome, LineDriver, LineEvent, LineListener } from '../../src/core/ports.ts';
import { CallerIdCollector } from './caller-id.ts';
import { decodeToPcm } from './codec.ts';
import { ModemConnection, type ConnectionHandlers } from './connection.ts';
import type { DleEvent } from './dle.ts';
import { silentLogger, type Logger } from './logger.ts';
import { isOffHook, transition, type LineInput, type LineState } from './machine.ts';
import { probeDevice, type ProbeResult } from './probe-sequence.ts';
import { CallOps, type CallContext } from './call-ops.ts';

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
  /** Caller ID is reported after this long without further caller-ID lines, if no RING came first. Default 400 ms. */
  callerIdQuietMs?: number;
  /** Audio sent ahead of real time during play(). Default 200 ms. */
  txLeadMs?: number;
  /** Treat DLE s (silence) during a call as the far end gone. Default false. */
  hangupOnSilence?: boolean;
  /** When dialling reports progress tones: answered once ringback stopped for this long. Default 6000 ms. */
  dialRingbackGapMs?: number;
}

type Required2<T> = { [K in keyof T]-?: T[K] };

export class V253LineDriver implements LineDriver {
  readonly id: string;
  readonly driver = 'v253-modem';
  private readonly opts: Required2<Omit<V253DriverOptions, 'logger'>>;
  private readonly log: Logger;
  private readonly listeners = new Set<LineListener>();
  private readonly ops: CallOps;
  private conn: ModemConnection | null = null;
  private probed: ProbeResult | null = null;
  private state: LineState = 'offline';
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private ringTimer: NodeJS.Timeout | null = null;
  private cidTimer: NodeJS.Timeout | null = null;
  private readonly cid = new CallerIdCollector();
  private cidSent = false;
  /** The call in progress (off-hook), or null. */
  call: CallContext | null = null;
  private rxEndWaiters: Array<() => void> = [];
  /** Receives DLE events while dialling or playing. */
  dleTap: ((e: DleEvent) => void) | null = null;

  constructor(options: V253DriverOptions) {
    this.id = options.id;
    this.log = (options.logger ?? silentLogger).child({ lineId: options.id, driver: 'v253-modem' });
    this.opts = {
      id: options.id,
      path: options.path,
      baudRate: options.baudRate ?? 115200,
      openTimeoutMs: options.openTimeoutMs ?? 5000,
      commandTimeoutMs: options.commandTimeoutMs ?? 3000,
      reconnect: options.reconnect ?? { minMs: 500, maxMs: 30_000 },
      ringTimeoutMs: options.ringTimeoutMs ?? 8000,
      callerIdQuietMs: options.callerIdQuietMs ?? 400,
      txLeadMs: options.txLeadMs ?? 200,
      hangupOnSilence: options.hangupOnSilence ?? false,
      dialRingbackGapMs: options.dialRingbackGapMs ?? 6000,
    };
    this.ops = new CallOps(this, this.log);
  }

  info(): DeviceInfo | null {
    return this.probed?.info ?? null;
  }

  /** The full result of the last probe (identity strings, voice format, quirks). */
  probeResult(): ProbeResult | null {
    return this.probed;
  }

  /** Current line state (for diagnostics and tests). */
  lineState(): LineState {
    return this.state;
  }

  get options(): Readonly<Required2<Omit<V253DriverOptions, 'logger'>>> {
    return this.opts;
  }

  on(listener: LineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.connect();
    } catch (err) {
      this.stopped = true;
      if (isKefuError(err, 'DEVICE_GONE')) throw err;
      throw new KefuError('DEVICE_GONE', `modem on ${this.opts.path} did not come up: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.reconnectTimer, this.ringTimer, this.cidTimer]) if (t) clearTimeout(t);
    this.reconnectTimer = this.ringTimer = this.cidTimer = null;
    if (this.call) await this.hangup().catch(() => undefined);
    const conn = this.conn;
    this.conn = null;
    if (conn) await conn.close();
    if (this.state !== 'offline') {
      this.input('gone');
      this.emit({ type: 'offline', reason: 'stopped' });
    }
  }

  answer(): Promise<void> {
    return this.ops.answer();
  }

  reject(): Promise<void> {
    return this.ops.reject();
  }

  play(pcm: Buffer, opts?: { signal?: AbortSignal; interruptOnDtmf?: boolean }): Promise<{ completed: boolean; interruptedBy: string | null }> {
    return this.ops.play(pcm, opts ?? {});
  }

  hangup(): Promise<void> {
    return this.ops.hangup();
  }

  dial(number: string, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<DialOutcome> {
    return this.ops.dial(number, opts ?? {});
  }

  /** The open connection; throws LINE_OFFLINE when the device is away. */
  connection(): ModemConnection {
    if (!this.conn || !this.conn.isOpen) throw new KefuError('LINE_OFFLINE', `line ${this.id} is offline`);
    return this.conn;
  }

  probe(): ProbeResult {
    if (!this.probed) throw new KefuError('LINE_OFFLINE', `line ${this.id} was never probed`);
    return this.probed;
  }

  currentState(): LineState {
    return this.state;
  }

  /** Applies a state-machine input; logs the transition once. Returns false when not allowed. */
  input(event: LineInput): boolean {
    const from = this.state;
    const to = transition(from, event);
    if (!to) {
      this.log.debug({ lineId: this.id, from, event }, 'line input ignored');
      return false;
    }
    this.state = to;
    this.log.info({ lineId: this.id, from, event, to }, 'line transition');
    return true;
  }

  emit(event: LineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'line listener threw');
      }
    }
  }

  /** Resolves true when +VRX ended (DLE ETX) within `ms`. */
  waitRxEnd = (ms: number): Promise<boolean> => {
    if (!this.conn?.receiving) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        this.rxEndWaiters = this.rxEndWaiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.rxEndWaiters.push(done);
    });
  };

  /** Ends the current call bookkeeping when a ring burst or caller ID starts a new one. */
  clearRinging(): void {
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.ringTimer = null;
  }

  private async connect(): Promise<void> {
    const conn = await ModemConnection.open({
      path: this.opts.path,
      baudRate: this.opts.baudRate,
      timeoutMs: this.opts.openTimeoutMs,
      commandTimeoutMs: this.opts.commandTimeoutMs,
      logger: this.log,
    });
    conn.attach(this.handlersFor(conn));
    this.conn = conn;
    try {
      this.probed = await probeDevice(conn);
    } catch (err) {
      this.conn = null;
      await conn.close().catch(() => undefined);
      throw err;
    }
    this.attempt = 0;
    this.cid.take();
    this.cidSent = false;
    this.input('online');
    this.log.info({ info: this.probed.info, format: this.probed.voiceFormat?.command }, 'modem online');
    this.emit({ type: 'online', info: this.probed.info });
  }

  private handlersFor(conn: ModemConnection): ConnectionHandlers {
    const current = (): boolean => this.conn === conn;
    return {
      unsolicited: (text) => current() && this.onUnsolicited(text),
      strayFinal: (r) => current() && this.log.debug({ result: r.code }, 'final result without command'),
      dle: (code, event) => current() && this.onDle(code, event),
      audio: (data) => {
        const fmt = this.probed?.voiceFormat;
        if (current() && fmt && this.call && this.state === 'voice-rx') {
          this.emit({ type: 'audio', direction: 'rx', pcm: decodeToPcm(data, fmt.encoding) });
        }
      },
      rxEnd: () => {
        const ws = this.rxEndWaiters;
        this.rxEndWaiters = [];
        for (const w of ws) w();
      },
      closed: (reason, intentional) => {
        if (current() && !intentional) this.onGone(reason);
      },
    };
  }

  private onUnsolicited(text: string): void {
    if (text === 'RING' || text.startsWith('+CRING')) return this.onRing();
    if (this.cid.add(text)) {
      if (this.cidTimer) clearTimeout(this.cidTimer);
      this.cidTimer = setTimeout(() => {
        this.cidTimer = null;
        if (this.state === 'ringing') this.flushCallerId();
      }, this.opts.callerIdQuietMs);
      return;
    }
    this.log.debug({ text }, 'unsolicited line ignored');
  }

  private onRing(): void {
    if (isOffHook(this.state)) {
      // Call waiting can produce a second RING burst mid-call.
      this.log.info({ state: this.state }, 'RING during a call ignored');
      return;
    }
    if (this.state === 'idle') this.cidSent = false;
    if (!this.input('ring')) return;
    this.flushCallerId();
    this.emit({ type: 'ring' });
    this.clearRinging();
    this.ringTimer = setTimeout(() => {
      this.ringTimer = null;
      if (this.state === 'ringing' && this.input('rings-stopped')) this.cidSent = false;
    }, this.opts.ringTimeoutMs);
  }

  /** Emits caller ID once per call when some was collected. */
  flushCallerId(): void {
    if (this.cidTimer) clearTimeout(this.cidTimer);
    this.cidTimer = null;
    const cid: CallerId | null = this.cid.take();
    if (cid && !this.cidSent) {
      this.cidSent = true;
      this.emit({ type: 'callerId', callerId: cid });
    }
  }

  private onDle(code: string, ev: DleEvent): void {
    if (code === 'R' && !isOffHook(this.state)) return this.onRing();
    if (this.dleTap) this.dleTap(ev);
    if (!this.call || this.call.ended || !isOffHook(this.state)) return;
    if (this.state === 'dialing') return;
    if (ev.type === 'dtmf') this.emit({ type: 'dtmf', digit: ev.digit });
    else if (ev.type === 'tone') {
      this.emit({ type: 'tone', tone: ev.tone });
      if (ev.tone === 'busy') this.ops.remoteHangup('busy');
      else if (ev.tone === 'dialtone') this.ops.remoteHangup('remote');
      else if (ev.tone === 'silence' && this.opts.hangupOnSilence) this.ops.remoteHangup('silence');
    } else if (ev.type === 'hangup') this.ops.remoteHangup('remote');
    else this.log.debug({ code }, 'DLE code');
  }

  private onGone(reason: string): void {
    this.conn = null;
    for (const w of this.rxEndWaiters.splice(0)) w();
    this.clearRinging();
    if (this.call) {
      this.call.end();
      this.call = null;
      this.emit({ type: 'hangup', cause: 'device' });
    }
    if (this.state !== 'offline') {
      this.input('gone');
      this.log.warn({ reason }, 'modem gone');
      this.emit({ type: 'offline', reason });
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const { minMs, maxMs } = this.opts.reconnect;
    const delay = Math.min(maxMs, minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) return;
      this.connect().catch((err: unknown) => {
        this.log.debug({ err: (err as Error).message, attempt: this.attempt }, 'reopen failed');
        this.scheduleReconnect();
      });
    }, delay);
  }
}
