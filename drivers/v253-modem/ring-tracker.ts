/**
 * Incoming-call bookkeeping: RING bursts and the caller-ID block between the
 * first and second RING. Caller ID is reported once per call, on the RING
 * after the block or after a short quiet time; a call is over when no RING
 * came for the ring timeout.
 */
import type { LineEvent } from '../../src/core/ports.ts';
import { CallerIdCollector } from './caller-id.ts';
import type { Logger } from './logger.ts';
import { isOffHook, type LineInput, type LineState } from './machine.ts';

export interface RingHost {
  lineState(): LineState;
  input(event: LineInput): boolean;
  emit(event: LineEvent): void;
}

export class RingTracker {
  private ringTimer: NodeJS.Timeout | null = null;
  private cidTimer: NodeJS.Timeout | null = null;
  private readonly cid = new CallerIdCollector();
  private cidSent = false;
  /** Lines between rings that no caller-ID format matched (reported once, when no caller ID came). */
  private unparsed: string[] = [];

  constructor(
    private readonly host: RingHost,
    private readonly log: Logger,
    private readonly opts: { ringTimeoutMs: number; callerIdQuietMs: number },
  ) {}

  /** Takes an unsolicited line; returns false when it is neither RING nor caller ID. */
  line(text: string): boolean {
    if (text === 'RING' || text.startsWith('+CRING')) {
      this.ring();
      return true;
    }
    if (!this.cid.add(text)) {
      if (this.host.lineState() !== 'ringing' || this.cidSent || this.unparsed.length >= 20) return false;
      this.unparsed.push(text);
      return true;
    }
    if (this.cidTimer) clearTimeout(this.cidTimer);
    if (this.cid.complete && this.host.lineState() === 'ringing') {
      // The screen pop should not wait: the block is whole.
      this.flushCallerId();
      return true;
    }
    this.cidTimer = setTimeout(() => {
      this.cidTimer = null;
      if (this.host.lineState() === 'ringing') this.flushCallerId();
    }, this.opts.callerIdQuietMs);
    return true;
  }

  ring(): void {
    const state = this.host.lineState();
    if (isOffHook(state)) {
      // Call waiting can produce a second RING burst mid-call.
      this.log.info({ state }, 'RING during a call ignored');
      return;
    }
    if (state === 'idle') {
      this.cidSent = false;
      this.unparsed = [];
    }
    if (!this.host.input('ring')) return;
    this.flushCallerId();
    this.host.emit({ type: 'ring' });
    this.clearRinging();
    this.ringTimer = setTimeout(() => {
      this.ringTimer = null;
      if (this.host.lineState() === 'ringing' && this.host.input('rings-stopped')) this.cidSent = false;
    }, this.opts.ringTimeoutMs);
  }

  /** Emits caller ID once per call when some was collected. */
  flushCallerId(): void {
    if (this.cidTimer) clearTimeout(this.cidTimer);
    this.cidTimer = null;
    const raw = this.cid.raw;
    const cid = this.cid.take();
    if (cid && !this.cidSent) {
      this.cidSent = true;
      this.unparsed = [];
      this.host.emit({ type: 'callerId', callerId: cid, raw });
    } else if (!cid && !this.cidSent && this.unparsed.length > 0) {
      this.cidSent = true;
      this.host.emit({ type: 'callerIdUnparsed', raw: this.unparsed });
      this.unparsed = [];
    }
  }

  /** The call was answered or rejected: no rings-stopped timer any more. */
  clearRinging(): void {
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.ringTimer = null;
  }

  /** Forgets everything (device reopened or stopped). */
  reset(): void {
    this.clearRinging();
    if (this.cidTimer) clearTimeout(this.cidTimer);
    this.cidTimer = null;
    this.cid.take();
    this.cidSent = false;
    this.unparsed = [];
  }
}
