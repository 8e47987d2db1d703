/**
 * One configured line at run time: follows its driver's events, keeps the
 * line state (src/core/call/line-machine.ts), owns the call on it.
 */
import type { Logger } from 'pino';
import type { LineDriver, LineEvent } from '../../core/ports.ts';
import { lineTransition, type LineInput, type LineState } from '../../core/call/line-machine.ts';
import type { LineConfig } from '../../config/schema.ts';
import type { TelephonyDeps } from './deps.ts';
import { CallSession } from './session.ts';
import { DialOut, type DialOutRequest } from './dial-out.ts';
import { KefuError } from '../../core/errors.ts';
import type { LineGroup, LineStatus } from './group.ts';

export type { LineStatus } from './group.ts';
import { callerIdReport } from './callerid-report.ts';



export class LineRuntime implements LineGroup {
  private state: LineState = 'offline';
  private reason: string | null = 'not started';
  private since = new Date();
  private call: CallSession | null = null;
  /** Our click-to-dial call on this line, or null. */
  private outbound: DialOut | null = null;
  private ringTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private off: (() => void) | null = null;
  private stopped = true;
  private openTimer: NodeJS.Timeout | null = null;
  private openAttempts = 0;
  /** Ring bursts of the call ringing now (for line.ring). */
  private ringCount = 0;

  constructor(private readonly deps: TelephonyDeps, readonly config: LineConfig, readonly driver: LineDriver) {
    this.log = deps.logger.child({ lineId: config.id });
  }

  status(): LineStatus {
    return {
      id: this.config.id, name: this.config.name ?? null, driver: this.config.driver, state: this.state, reason: this.reason,
      device: this.driver.info(), callId: this.call?.id ?? this.outbound?.id ?? null, since: this.since.toISOString(),
      activeCalls: this.call || this.outbound ? 1 : 0, channels: 1,
    };
  }

  statuses(): LineStatus[] { return [this.status()]; }

  calls(): CallSession[] { return this.call ? [this.call] : []; }

  dialOuts(): DialOut[] { return this.outbound ? [this.outbound] : []; }

  /** Idle, with no call of ours on it: a click-to-dial call may start. */
  get free(): boolean { return this.state === 'idle' && !this.call && !this.outbound; }

  /** Click-to-dial: the modem dials `req` when the line is free; the call goes on in the background. */
  dial(req: DialOutRequest): DialOut {
    if (!this.free) {
      throw new KefuError('LINE_BUSY', `line ${this.config.id} is ${this.state === 'idle' ? 'busy' : this.state}`, { reason: 'all-lines-busy', lines: [this.config.id] });
    }
    const call = new DialOut(this.deps, this.config, this.driver, req, (ended) => {
      if (this.outbound === ended) this.outbound = null;
      this.move('callEnded');
    });
    this.outbound = call;
    this.move('answered'); // the line is in use from the first digit
    void call.start().catch((err: unknown) => this.log.error({ err }, 'click-to-dial failed'));
    return call;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.off = this.driver.on((e) => this.onEvent(e));
    await this.open();
  }

  /**
   * Opens the device. A driver reopens a device that vanished after a
   * successful start by itself; one that was not there at start (a modem
   * plugged in later) is tried again here, with backoff up to 30 s.
   */
  private async open(): Promise<void> {
    try {
      await this.driver.start();
      this.openAttempts = 0;
    } catch (err) {
      if (this.openAttempts === 0) this.log.warn({ err }, 'line device not available yet: trying again');
      this.reason = err instanceof Error ? err.message : String(err);
      if (this.stopped) return;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.openAttempts++, 5));
      this.openTimer = setTimeout(() => { this.openTimer = null; if (!this.stopped) void this.open(); }, delay);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.openTimer) clearTimeout(this.openTimer);
    this.openTimer = null;
    this.openAttempts = 0;
    const call = this.call;
    if (call) { await call.hangup(); await call.finished; }
    await this.outbound?.hangup();
    if (this.ringTimer) clearTimeout(this.ringTimer);
    await this.driver.stop().catch((err: unknown) => this.log.warn({ err }, 'driver stop failed'));
    this.off?.();
  }

  private move(input: LineInput, reason: string | null = null): void {
    const from = this.state;
    const to = lineTransition(from, input);
    if (to === from) return;
    this.log.info({ from, event: input, to }, 'line transition');
    this.state = to;
    this.reason = reason;
    this.since = new Date();
    this.deps.bus.emit('line.state', { lineId: this.config.id, state: to, previous: from, ...(reason ? { reason } : {}) });
  }

  private onEvent(e: LineEvent): void {
    switch (e.type) {
      case 'online': this.move('online'); return;
      case 'offline':
        this.call?.onDeviceLost();
        this.outbound?.onDeviceLost();
        this.move('offline', e.reason);
        return;
      case 'ring':
        if (this.outbound) return;
        if (this.state !== 'ringing') this.ringCount = 0;
        this.deps.bus.emit('line.ring', { lineId: this.config.id, ring: ++this.ringCount });
        this.onRing();
        return;
      case 'callerId':
        this.deps.bus.emit('line.callerid', callerIdReport(this.config.id, this.deps.numbers, e.callerId, e.raw ?? []));
        (this.call ?? this.newCall()).onCallerId(e.callerId);
        return;
      case 'callerIdUnparsed':
        this.deps.bus.emit('line.callerid', callerIdReport(this.config.id, this.deps.numbers, null, e.raw));
        return;
      case 'answered':
        if (this.ringTimer) clearTimeout(this.ringTimer);
        this.move('answered');
        return;
      case 'dtmf': this.call?.onDtmf(e.digit); return;
      case 'audio':
        this.call?.onAudio(e.direction, e.pcm);
        this.outbound?.onAudio(e.pcm);
        return;
      case 'tone':
        if (e.tone === 'silence') this.call?.onSilence();
        return;
      case 'progress':
        this.outbound?.onProgress(e.heard);
        return;
      case 'hangup':
        // Our own hang-up (IVR hang-up node, API) ends the call through the session itself.
        if (e.cause === 'local') this.call?.onLocalHangup();
        else this.call?.onHangup();
        if (e.cause === 'device') this.outbound?.onDeviceLost();
        else this.outbound?.onHangup();
        return;
    }
  }

  private onRing(): void {
    const call = this.call ?? this.newCall();
    if (this.ringTimer) clearTimeout(this.ringTimer);
    if (this.state !== 'in-call') {
      this.ringTimer = setTimeout(() => { if (this.call === call && this.state === 'ringing') call.onHangup(); }, this.config.inbound?.ringGapMs ?? 8000);
    }
    this.move('ring');
    call.onRing();
  }

  private newCall(): CallSession {
    const call = new CallSession(this.deps, this.config, this.driver, (ended) => {
      if (this.call === ended) this.call = null;
      if (this.ringTimer) clearTimeout(this.ringTimer);
      this.move('callEnded');
    });
    this.call = call;
    return call;
  }
}
