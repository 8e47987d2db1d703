/**
 * One open serial connection to a modem: framing of received bytes (AT lines
 * in command mode, DLE-shielded voice data after `AT+VRX` CONNECT) and the
 * command layer, which keeps exactly one AT command in flight and matches it
 * to its final result. Unsolicited lines and DLE codes never reach a waiter.
 */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { KefuError } from '../../src/core/errors.ts';
import { AtFramer, type FinalResult } from './at-parser.ts';
import { DleDecoder, dleEvent, type DleEvent } from './dle.ts';
import type { Logger } from './logger.ts';

export interface CommandResult {
  result: FinalResult;
  /** Response lines before the final result (echo removed). */
  lines: string[];
}

export interface CommandOptions {
  timeoutMs?: number;
  /** After CONNECT, received bytes are a voice stream ('rx'), or stay command-mode text with DLE codes ('tx'). */
  voice?: 'rx' | 'tx';
  /** Send these bytes instead of `<cmd>\r` (e.g. DLE codes that end a voice stream); `cmd` then only names it. */
  raw?: Buffer;
  /**
   * Text to write when the device prompts for it with `> ` (27.005 `AT+CMGS`: the
   * PDU and Ctrl-Z). The prompt carries no line end, so it is looked for in the
   * unframed bytes while this command is in flight.
   */
  promptReply?: Buffer;
}

/** What the connection reports upward; every handler must not throw (errors are caught and logged). */
export interface ConnectionHandlers {
  /** RING, caller-ID lines and other unsolicited text. */
  unsolicited(text: string): void;
  /** A final result with no command waiting for it (VCON, NO CARRIER... while dialling). */
  strayFinal(result: FinalResult): void;
  dle(code: string, event: DleEvent): void;
  /** Voice bytes received in +VRX (still in the modem's encoding). */
  audio(data: Buffer): void;
  /** DLE ETX ended the voice stream. */
  rxEnd(): void;
  /** The port closed or failed; `intentional` when `close()` was called. */
  closed(reason: string, intentional: boolean): void;
}

interface Pending {
  cmd: string;
  opts: CommandOptions;
  lines: string[];
  /** The promptReply was written. */
  prompted?: boolean;
  resolve(r: CommandResult): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 3000;
/** How often an open port checks that its device node still exists. */
const WATCHDOG_MS = 1000;

export class ModemConnection {
  private readonly framer = new AtFramer();
  private readonly decoder = new DleDecoder();
  private mode: 'command' | 'rx' = 'command';
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private closing = false;
  private gone = false;
  private handlers: ConnectionHandlers | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  /** Rejecters of writes the OS has not confirmed yet: a closed serial stream would hold them until a reopen that never comes. */
  private readonly pendingWrites = new Set<(err: Error) => void>();
  private isUnsolicited: (text: string) => boolean = () => false;

  private constructor(
    private readonly port: SerialPort,
    private readonly log: Logger,
    private readonly commandTimeoutMs: number,
    private readonly path: string,
  ) {}

  /** Opens the port; rejects with DEVICE_GONE when it cannot be opened within `timeoutMs`. */
  static async open(opts: {
    path: string; baudRate: number; timeoutMs: number; commandTimeoutMs?: number; logger: Logger;
    /** Extra unsolicited lines of a device family (27.005 `+CMTI:`...), called in order for every non-final line. */
    isUnsolicited?: (text: string) => boolean;
  }): Promise<ModemConnection> {
    const port = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
    // Listeners go on before open so that no 'error' event is ever unhandled.
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new KefuError('DEVICE_GONE', `opening ${opts.path} took longer than ${opts.timeoutMs} ms`));
        port.close(() => undefined);
      }, opts.timeoutMs);
      port.open((err) => {
        clearTimeout(timer);
        if (err) reject(new KefuError('DEVICE_GONE', `cannot open ${opts.path}: ${err.message}`, undefined, { cause: err }));
        else resolve();
      });
    });
    const conn = new ModemConnection(port, opts.logger, opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, opts.path);
    if (opts.isUnsolicited) conn.isUnsolicited = opts.isUnsolicited;
    conn.wire();
    return conn;
  }

  /** Installs the event handlers (one set per connection). */
  attach(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
  }

  get isOpen(): boolean {
    return !this.gone && this.port.isOpen;
  }

  get receiving(): boolean {
    return this.mode === 'rx';
  }

  /** Sends one command and resolves with its final result (OK, ERROR, CONNECT...); rejects on timeout or loss of the device. */
  command(cmd: string, opts: CommandOptions = {}): Promise<CommandResult> {
    if (this.gone) return Promise.reject(new KefuError('DEVICE_GONE', `device closed before ${cmd}`));
    return new Promise<CommandResult>((resolve, reject) => {
      this.queue.push({ cmd, opts, lines: [], resolve, reject });
      this.pump();
    });
  }

  /** Like `command()` but rejects with MODEM_ERROR unless the result is OK, CONNECT or VCON. */
  async run(cmd: string, opts: CommandOptions = {}): Promise<CommandResult> {
    const r = await this.command(cmd, opts);
    if (r.result.code !== 'OK' && r.result.code !== 'CONNECT' && r.result.code !== 'VCON') {
      throw new KefuError('MODEM_ERROR', `${cmd} failed: ${r.result.code}${r.result.detail ? ' ' + r.result.detail : ''}`, { command: cmd, result: r.result });
    }
    return r;
  }

  /** Writes bytes as they are (voice data, DLE codes); resolves once the OS took them, rejects with DEVICE_GONE when the device goes first. */
  write(data: Buffer): Promise<void> {
    if (this.gone || !this.port.isOpen) return Promise.reject(new KefuError('DEVICE_GONE', 'device closed'));
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => { this.pendingWrites.delete(fail); reject(err); };
      this.pendingWrites.add(fail);
      this.port.write(data, (err) => {
        if (!this.pendingWrites.delete(fail)) return; // already rejected: the device went away
        if (err) reject(new KefuError('DEVICE_GONE', `write failed: ${err.message}`, undefined, { cause: err }));
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.closing = true;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
    this.markGone('closed by kefu');
  }

  private wire(): void {
    // An unplugged USB device loses its /dev node (a pty pair its link): seen even when the
    // idle port reports nothing, which some kernels and loaded machines do late or never.
    this.watchdog = setInterval(() => {
      if (!existsSync(this.path)) {
        this.markGone(`${this.path} disappeared`);
        if (this.port.isOpen) this.port.close(() => undefined);
      }
    }, WATCHDOG_MS);
    this.watchdog.unref();
    this.port.on('data', (chunk: Buffer) => this.receive(chunk));
    this.port.on('close', (err?: Error | null) => this.markGone(err ? err.message : 'port closed'));
    this.port.on('error', (err: Error) => {
      this.log.warn({ err: err.message }, 'serial port error');
      // A device that is unplugged (or a pty whose far end died) answers reads and
      // writes with EIO/ENXIO/ENODEV: it is gone even if no 'close' follows.
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!this.port.isOpen || /^(EIO|ENXIO|ENODEV|EBADF)$/.test(code) || /\b(EIO|ENXIO|ENODEV)\b|input\/output error/i.test(err.message)) {
        this.markGone(err.message);
        if (this.port.isOpen) this.port.close(() => undefined);
      }
    });
  }

  private markGone(reason: string): void {
    if (this.watchdog) { clearInterval(this.watchdog); this.watchdog = null; }
    if (this.gone) return;
    this.gone = true;
    const err = new KefuError('DEVICE_GONE', `device gone: ${reason}`);
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(err);
      this.current = null;
    }
    for (const p of this.queue.splice(0)) p.reject(err);
    for (const fail of [...this.pendingWrites]) fail(err);
    this.safe(() => this.handlers?.closed(reason, this.closing));
  }

  private pump(): void {
    if (this.current || this.gone) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    const ms = next.opts.timeoutMs ?? this.commandTimeoutMs;
    next.timer = setTimeout(() => {
      if (this.current !== next) return;
      this.current = null;
      next.reject(new KefuError('MODEM_TIMEOUT', `modem did not answer ${next.cmd} within ${ms} ms`, { command: next.cmd }));
      this.pump();
    }, ms);
    this.log.debug({ tx: next.cmd }, 'modem command');
    this.port.write(next.opts.raw ?? Buffer.from(next.cmd + '\r', 'latin1'), (err) => {
      if (err && this.current === next) {
        clearTimeout(next.timer);
        this.current = null;
        next.reject(new KefuError('DEVICE_GONE', `write of ${next.cmd} failed: ${err.message}`, undefined, { cause: err }));
        this.pump();
      }
    });
  }

  private receive(chunk: Buffer): void {
    let data: Buffer | null = chunk;
    while (data && data.length) {
      if (this.mode === 'rx') data = this.receiveVoice(data);
      else data = this.receiveCommand(data);
    }
  }

  /** Decodes voice data; returns bytes that follow DLE ETX (command mode again). */
  private receiveVoice(chunk: Buffer): Buffer | null {
    for (const item of this.decoder.push(chunk)) {
      if (item.type === 'audio') this.safe(() => this.handlers?.audio(item.data));
      else if (item.type === 'event') this.safe(() => this.handlers?.dle(item.code, item.event));
      else {
        this.mode = 'command';
        this.decoder.reset();
        this.safe(() => this.handlers?.rxEnd());
        return item.rest;
      }
    }
    return null;
  }

  /** Frames command-mode text; returns bytes that follow a CONNECT into +VRX (voice data). */
  private receiveCommand(chunk: Buffer): Buffer | null {
    this.framer.push(chunk);
    for (let item = this.framer.next(); item; item = this.framer.next()) {
      if (item.kind === 'dle') {
        const code = item.code;
        this.safe(() => this.handlers?.dle(code, dleEvent(code)));
        continue;
      }
      this.log.debug({ rx: item.text }, 'modem line');
      if (item.kind === 'unsolicited' || (item.kind === 'info' && this.isUnsolicited(item.text))) {
        const text = item.text;
        this.safe(() => this.handlers?.unsolicited(text));
        continue;
      }
      const cur = this.current;
      if (item.kind === 'info' && cur?.opts.promptReply && !cur.prompted && /^> ?$/.test(item.text)) {
        // the prompt with more lines right behind it (a message indication on a busy dongle): still the prompt
        cur.prompted = true;
        this.port.write(cur.opts.promptReply);
        continue;
      }
      if (item.kind === 'info') {
        if (cur && item.text.toUpperCase() !== cur.cmd.toUpperCase()) cur.lines.push(item.text);
        else if (!cur) {
          const text = item.text;
          this.safe(() => this.handlers?.unsolicited(text));
        }
        continue;
      }
      if (!cur) {
        const result = item.result;
        this.safe(() => this.handlers?.strayFinal(result));
        continue;
      }
      clearTimeout(cur.timer);
      this.current = null;
      const enterRx = cur.opts.voice === 'rx' && item.result.code === 'CONNECT';
      if (enterRx) this.mode = 'rx';
      cur.resolve({ result: item.result, lines: cur.lines });
      this.pump();
      if (enterRx) return this.framer.takeRest();
    }
    this.answerPrompt();
    return null;
  }

  /** Writes the in-flight command's promptReply once the device shows its `> ` prompt. */
  private answerPrompt(): void {
    const cur = this.current;
    if (!cur?.opts.promptReply || cur.prompted || !this.framer.pendingIsPrompt()) return;
    this.framer.reset();
    cur.prompted = true;
    this.port.write(cur.opts.promptReply);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'modem event handler threw');
    }
  }
}
