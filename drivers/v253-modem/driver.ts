/**
 * LineDriver for V.253 voice modems on a serial port. Turns modem traffic into
 * line events and carries out answer/play/dial/hangup; decides no business rules.
 */
import { KefuError, isKefuError } from '../../src/core/errors.ts';
import type { DeviceInfo, DialOutcome, LineDriver, LineEvent, LineListener } from '../../src/core/ports.ts';
import { RingTracker } from './ring-tracker.ts';
import { decodeToPcm } from './codec.ts';
import { ModemConnection, type ConnectionHandlers } from './connection.ts';
import type { DleEvent } from './dle.ts';
import { silentLogger, type Logger } from './logger.ts';
import { isOffHook, transition, type LineInput, type LineState } from './machine.ts';
import { probeDevice, type ProbeResult } from './probe-sequence.ts';
import { CallOps, type CallContext } from './call-ops.ts';
import { resolveOptions, type ResolvedOptions, type V253DriverOptions } from './options.ts';

export type { V253DriverOptions } from './options.ts';

export class V253LineDriver implements LineDriver {
  readonly id: string;
  readonly driver = 'v253-modem';
  private readonly opts: ResolvedOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<LineListener>();
  private readonly ops: CallOps;
  private conn: ModemConnection | null = null;
  private probed: ProbeResult | null = null;
  private state: LineState = 'offline';
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** @internal Incoming-call tracking (RING bursts, caller ID). */
  readonly rings: RingTracker;
  /** @internal The call in progress (off-hook), or null. */
  call: CallContext | null = null;
  private rxEndWaiters: Array<() => void> = [];
  /** @internal Receives DLE events while dialling or playing. */
  dleTap: ((e: DleEvent) => void) | null = null;
  /** @internal Receives +VRX audio while dialling (call-progress detection). */
  audioTap: ((pcm: Buffer) => void) | null = null;

  constructor(options: V253DriverOptions) {
    this.id = options.id;
    this.log = (options.logger ?? silentLogger).child({ lineId: options.id, driver: 'v253-modem' });
    this.opts = resolveOptions(options);
    this.ops = new CallOps(this, this.log);
    this.rings = new RingTracker(this, this.log, this.opts);
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

  get options(): Readonly<ResolvedOptions> {
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.rings.reset();
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

  /** Blind transfer of the call in progress (hook flash + dial, then on-hook); see CallOps.transfer. */
  transfer(number: string): Promise<boolean> {
    return this.ops.transfer(number);
  }

  dial(number: string, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<DialOutcome> {
    return this.ops.dial(number, opts ?? {});
  }

  /** @internal The open connection; throws LINE_OFFLINE when the device is away. */
  connection(): ModemConnection {
    if (!this.conn || !this.conn.isOpen) throw new KefuError('LINE_OFFLINE', `line ${this.id} is offline`);
    return this.conn;
  }

  /** @internal The last probe; throws LINE_OFFLINE before the first. */
  probe(): ProbeResult {
    if (!this.probed) throw new KefuError('LINE_OFFLINE', `line ${this.id} was never probed`);
    return this.probed;
  }

  /** @internal Applies a state-machine input; logs the transition once. Returns false when not allowed. */
  input(event: LineInput): boolean {
    const from = this.state;
    const to = transition(from, event);
    if (!to) {
      this.log.debug({ from, event }, 'line input ignored');
      return false;
    }
    this.state = to;
    this.log.debug({ from, event, to }, 'modem transition');
    return true;
  }

  /** @internal Delivers an event to every listener; a throwing listener is logged, never rethrown. */
  emit(event: LineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err, event: event.type }, 'line listener threw');
      }
    }
  }

  /** @internal Resolves true when +VRX ended (DLE ETX) within `ms`. */
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
    if (this.stopped) {
      this.conn = null;
      await conn.close();
      return;
    }
    this.attempt = 0;
    this.rings.reset();
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
        } else if (current() && fmt && this.call && this.state === 'dialing' && this.audioTap) {
          this.audioTap(decodeToPcm(data, fmt.encoding));
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
    if (!this.rings.line(text)) this.log.debug({ text }, 'unsolicited line ignored');
  }

  private onDle(code: string, ev: DleEvent): void {
    if (code === 'R' && !isOffHook(this.state)) return this.rings.ring();
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
    this.rings.reset();
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
