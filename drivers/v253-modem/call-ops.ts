/**
 * The call operations of the modem line driver: answer, play, dial, hang-up,
 * reject. They run one at a time per line (a promise chain, no global lock).
 */
import { KefuError, isKefuError } from '../../src/core/errors.ts';
import type { DialOutcome } from '../../src/core/ports.ts';
import { encodePcm } from './codec.ts';
import type { LineEvent } from '../../src/core/ports.ts';
import type { ModemConnection } from './connection.ts';
import type { LineInput, LineState } from './machine.ts';
import type { ProbeResult } from './probe-sequence.ts';
import type { ResolvedOptions } from './options.ts';
import type { RingTracker } from './ring-tracker.ts';
import type { DleEvent } from './dle.ts';
import type { Logger } from './logger.ts';
import { isOffHook } from './machine.ts';
import { BYTES_PER_SECOND, endTx, goOnHook, startRx, stopRx, streamAudio } from './voice-io.ts';
import { runDial } from './dial.ts';

/** One call while the line is off-hook. */
export class CallContext {
  private readonly controller = new AbortController();
  get ended(): boolean {
    return this.controller.signal.aborted;
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  end(): void {
    this.controller.abort();
  }
}

/** What call operations need of the line driver that owns them (V253LineDriver). */
export interface ModemLine {
  readonly id: string;
  call: CallContext | null;
  dleTap: ((e: DleEvent) => void) | null;
  audioTap: ((pcm: Buffer) => void) | null;
  readonly rings: RingTracker;
  readonly options: Readonly<ResolvedOptions>;
  lineState(): LineState;
  connection(): ModemConnection;
  probe(): ProbeResult;
  input(event: LineInput): boolean;
  emit(event: LineEvent): void;
  waitRxEnd(ms: number): Promise<boolean>;
}

export class CallOps {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly line: ModemLine,
    private readonly log: Logger,
  ) {}

  /** Runs `fn` after every operation queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  answer(): Promise<void> {
    return this.serial(async () => {
      const line = this.line;
      const state = line.lineState();
      if (isOffHook(state)) throw new KefuError('LINE_BUSY', `line ${line.id} is already off-hook`);
      const conn = line.connection();
      const probe = line.probe();
      if (!probe.info.capabilities.voice || !probe.voiceFormat) {
        throw new KefuError('NOT_SUPPORTED', `modem on line ${line.id} has no voice mode`);
      }
      line.rings.clearRinging();
      line.rings.flushCallerId();
      try {
        await conn.run('AT+FCLASS=8');
        await conn.run(probe.voiceFormat.command);
        // +VLS=1: modem off-hook, connected to the telephone line.
        await conn.run('AT+VLS=1');
        line.call = new CallContext();
        await startRx(conn);
      } catch (err) {
        line.call = null;
        await this.bestEffortOnHook();
        throw err;
      }
      line.input('answered');
      line.emit({ type: 'answered' });
    });
  }

  reject(): Promise<void> {
    return this.serial(async () => {
      const line = this.line;
      if (isOffHook(line.lineState())) throw new KefuError('LINE_BUSY', `line ${line.id} has a call up; use hangup()`);
      const conn = line.connection();
      line.rings.clearRinging();
      line.rings.flushCallerId();
      // ATH1 takes the line off-hook (answering the ring in data class), ATH0 drops it again.
      await conn.run('ATH1');
      await new Promise((r) => setTimeout(r, 300));
      await conn.run('ATH0');
      line.input('hangup');
    });
  }

  hangup(): Promise<void> {
    // Ending the call first stops a prompt that is playing, so the hang-up does not wait for it.
    const call = this.line.call;
    call?.end();
    return this.serial(async () => {
      if (!call || this.line.call !== call || !isOffHook(this.line.lineState())) return;
      await this.leaveCall();
      this.line.emit({ type: 'hangup', cause: 'local' });
    });
  }

  /** The far end has gone: report it now, then put the line on-hook. */
  remoteHangup(cause: 'remote' | 'busy' | 'silence'): void {
    const call = this.line.call;
    if (!call || call.ended) return;
    call.end();
    this.line.emit({ type: 'hangup', cause });
    this.serial(async () => {
      if (this.line.call === call) await this.leaveCall();
    }).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'on-hook after remote hang-up failed'));
  }

  /** Ends voice mode, goes on-hook, back to idle. Never throws for a vanished device. */
  private async leaveCall(): Promise<void> {
    const line = this.line;
    line.call = null;
    try {
      const conn = line.connection();
      await stopRx(conn, line.probe().quirks.stopRepeat, line.waitRxEnd);
      await goOnHook(conn, line.probe().info.callerIdCommand);
    } catch (err) {
      if (!isKefuError(err, 'LINE_OFFLINE') && !isKefuError(err, 'DEVICE_GONE')) throw err;
    } finally {
      if (isOffHook(line.lineState())) line.input('hangup');
    }
  }

  private async bestEffortOnHook(): Promise<void> {
    try {
      const conn = this.line.connection();
      await stopRx(conn, this.line.probe().quirks.stopRepeat, this.line.waitRxEnd);
      await goOnHook(conn, this.line.probe().info.callerIdCommand);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not put the line back on-hook');
    }
  }

  play(pcm: Buffer, opts: { signal?: AbortSignal; interruptOnDtmf?: boolean }): Promise<{ completed: boolean; interruptedBy: string | null }> {
    return this.serial(async () => {
      const line = this.line;
      const call = line.call;
      if (!call || call.ended || line.lineState() !== 'voice-rx' || opts.signal?.aborted) return { completed: false, interruptedBy: null };
      const conn = line.connection();
      const probe = line.probe();
      const fmt = probe.voiceFormat;
      if (!fmt) throw new KefuError('NOT_SUPPORTED', 'no voice format');
      const data = encodePcm(pcm, fmt.encoding);
      let interruptedBy: string | null = null;
      const tap = (e: DleEvent): void => {
        if (e.type === 'dtmf' && opts.interruptOnDtmf && interruptedBy === null) interruptedBy = e.digit;
      };
      await stopRx(conn, probe.quirks.stopRepeat, line.waitRxEnd);
      line.dleTap = tap;
      let sent = 0;
      const started = Date.now();
      try {
        await conn.run('AT+VTX', { voice: 'tx', timeoutMs: 5000 });
        line.input('play-start');
        sent = await streamAudio(conn, data, {
          leadMs: line.options.txLeadMs,
          shouldStop: () => call.ended || interruptedBy !== null || opts.signal?.aborted === true,
          onChunk: (offset, length) =>
            line.emit({ type: 'audio', direction: 'tx', pcm: pcm.subarray(offset * 2, (offset + length) * 2) }),
        });
        const aborted = sent < data.length;
        const bufferedMs = Math.max(0, (sent * 1000) / BYTES_PER_SECOND - (Date.now() - started));
        await endTx(conn, probe.quirks.stopRepeat, aborted, bufferedMs);
      } catch (err) {
        if (!call.ended && !isKefuError(err, 'DEVICE_GONE')) throw err;
      } finally {
        line.dleTap = null;
        if (line.lineState() === 'voice-tx') line.input('play-end');
      }
      if (!call.ended && line.call === call) await startRx(conn);
      const completed = sent === data.length && !call.ended;
      return { completed, interruptedBy };
    });
  }

  /**
   * Blind transfer on the line's exchange or PBX: hook flash and dial in one
   * dial string (`ATD!<number>;`, `!` is the V.250 flash modifier), then go
   * on-hook, which completes the transfer. Resolves false when the modem
   * refuses the dial string (the call stays with us), true once we are on-hook.
   */
  transfer(number: string): Promise<boolean> {
    return this.serial(async () => {
      const line = this.line;
      if (!/^[0-9*#]{1,32}$/.test(number)) throw new KefuError('BAD_REQUEST', `not a number to transfer to: ${number} (expected 1-32 digits, * or #)`);
      const call = line.call;
      if (!call || call.ended || line.lineState() !== 'voice-rx') return false;
      const conn = line.connection();
      const probe = line.probe();
      await stopRx(conn, probe.quirks.stopRepeat, line.waitRxEnd);
      try {
        await conn.run(`ATD!${number};`, { timeoutMs: 10_000 });
      } catch (err) {
        this.log.warn({ err: (err as Error).message, number }, 'transfer refused by the modem');
        if (!call.ended && line.call === call) await startRx(conn);
        return false;
      }
      call.end();
      await this.leaveCall();
      line.emit({ type: 'hangup', cause: 'local' });
      return true;
    });
  }

  dial(number: string, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<DialOutcome> {
    return this.serial(async () => {
      const line = this.line;
      if (!/^[0-9*#,+A-Da-dPTWptw!@]+$/.test(number)) throw new KefuError('BAD_REQUEST', `not a dialable number: ${number}`);
      if (line.lineState() !== 'idle') throw new KefuError('LINE_BUSY', `line ${line.id} is ${line.lineState()}`);
      const conn = line.connection();
      const probe = line.probe();
      if (!probe.voiceFormat) throw new KefuError('NOT_SUPPORTED', `modem on line ${line.id} has no voice mode`);
      line.input('dial-start');
      line.call = new CallContext();
      let outcome: DialOutcome = 'failed';
      try {
        outcome = await runDial(conn, number, {
          format: probe.voiceFormat,
          timeoutMs: opts.timeoutMs ?? 60_000,
          ringbackGapMs: line.options.dialRingbackGapMs,
          signal: opts.signal,
          callSignal: line.call.signal,
          setTap: (t) => (line.dleTap = t),
          setAudioTap: (t) => (line.audioTap = t),
          detect: line.options.listenForAnswer ? line.options.callProgress : null,
          onHeard: (heard) => {
            this.log.debug({ heard }, 'call progress heard');
            line.emit({ type: 'progress', heard });
          },
        });
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'dial failed');
        if (isKefuError(err, 'DEVICE_GONE') || isKefuError(err, 'LINE_OFFLINE')) return 'failed';
      } finally {
        line.dleTap = null;
        line.audioTap = null;
      }
      if (outcome === 'answered' && line.call && !line.call.ended) {
        line.input('dial-answered');
        line.emit({ type: 'answered' });
        return outcome;
      }
      line.call = null;
      await this.bestEffortOnHook();
      if (line.lineState() === 'dialing') line.input('dial-failed');
      return outcome === 'answered' ? 'failed' : outcome;
    });
  }
}
