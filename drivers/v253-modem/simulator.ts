/**
 * The far side: a V.253 voice modem simulated on the other end of a pty
 * pair, with scriptable behaviours. Every instance is independent.
 */
import { SerialPort } from 'serialport';
import { decodeToPcm, encodePcm } from './codec.ts';
import { dialect as loadDialect, type Dialect, type DialectName } from './dialects.ts';
import { CAN, DLE, ETX, dleCode } from './dle.ts';
import { createPtyPair, type PtyPair } from './pty.ts';
import { callerIdLines, type RingOptions } from './sim-callerid.ts';
import { extractCommand, initialState, interpret, type SimModemState } from './sim-commands.ts';
import { VoiceStreams, type PlayedAudio } from './sim-voice.ts';

export type { RingOptions, CallerIdFormat } from './sim-callerid.ts';
export type { PlayedAudio } from './sim-voice.ts';

export interface SimulatorOptions {
  /** Path of the simulator's end of the pty pair (taken from `pty` when given). */
  path?: string;
  /** The pty pair; with it, disappear()/reappear() stop and restart socat so the driver sees the device vanish. */
  pty?: PtyPair;
  /** Which modem to imitate. Default 'conexant'. */
  dialect?: DialectName | Dialect;
  /** Default 115200. */
  baudRate?: number;
  /** Seed for garbage(n). Default 1. */
  seed?: number;
}

export type SimEventName =
  | 'ring' | 'callerid' | 'caller-gave-up' | 'offhook' | 'onhook' | 'vrx-start' | 'vrx-stop' | 'vtx-start' | 'vtx-end'
  | 'dtmf' | 'remote-hangup' | 'dial' | 'remote-answer' | 'garbage' | 'disappear' | 'reappear' | 'stalled';

export interface SimRecord {
  /** Date.now() when it happened. */
  at: number;
  event: SimEventName;
  detail?: string;
}

export interface DialScript {
  outcome: 'answer' | 'busy' | 'no-answer' | 'no-dialtone';
  /** Time until the outcome (VCON-style modems) or between ringback reports. Default 300 ms. */
  delayMs?: number;
  /** Ringback reports before the far end answers (progress-style modems). Default 2. */
  ringbacks?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ModemSimulator {
  readonly dialect: Dialect;
  /** Every AT command received, in order. */
  readonly commands: Array<{ at: number; command: string }> = [];
  /** What happened on the line, in order. */
  readonly history: SimRecord[] = [];
  private port: SerialPort | null = null;
  private st: SimModemState;
  private mode: 'command' | 'vrx' | 'vtx' | 'dialing' = 'command';
  private lineBuf = '';
  private dlePending = false;
  private stopCount = 0;
  private ringing: { cancelled: boolean } | null = null;
  private dialScript: DialScript | null = null;
  private dialTimer: NodeJS.Timeout | null = null;
  private stalls: Array<{ match: string | RegExp; left: number }> = [];
  private farEndGone = false;
  /** A progress-style dial waits for +VRX to report call progress. */
  private progressDial: DialScript | null = null;
  private rng: number;
  private readonly voice: VoiceStreams;

  private constructor(private readonly opts: SimulatorOptions & { path: string }) {
    this.dialect = typeof opts.dialect === 'object' ? opts.dialect : loadDialect(opts.dialect ?? 'conexant');
    this.st = initialState(this.dialect);
    this.rng = opts.seed ?? 1;
    this.voice = new VoiceStreams((b) => this.write(b), (e, d) => this.record(e, d));
  }

  /** Opens the simulator's end of the pty. */
  static async open(opts: SimulatorOptions): Promise<ModemSimulator> {
    const path = opts.path ?? opts.pty?.simulatorPath;
    if (!path) throw new Error('ModemSimulator needs path or pty');
    const sim = new ModemSimulator({ ...opts, path });
    await sim.openPort();
    return sim;
  }

  /** Current settings and mode (for tests). */
  status(): SimModemState & { mode: string } {
    return { ...this.st, mode: this.mode };
  }

  /** Audio the driver played in +VTX, one entry per +VTX, decoded back to telephone PCM. */
  played(): PlayedAudio[] {
    return [...this.voice.played];
  }

  /** Rings with caller ID between the first and second RING; resolves when done or answered. */
  async ring(opts: RingOptions = {}): Promise<void> {
    const ringing = { cancelled: false };
    this.ringing = ringing;
    const rings = opts.rings ?? 2;
    const interval = opts.intervalMs ?? 1000;
    const cidDelay = Math.min(300, interval / 2);
    for (let i = 0; i < rings && !ringing.cancelled && !this.st.offHook && this.port; i++) {
      this.line('RING');
      this.record('ring');
      if (i === 0 && this.st.callerId) {
        await sleep(cidDelay);
        const lines = callerIdLines(opts, this.dialect.spacedCallerId);
        if (lines.length && !ringing.cancelled && this.port) {
          this.write(Buffer.from(lines.map((l) => `\r\n${l}`).join('') + '\r\n', 'latin1'));
          this.record('callerid', lines.join('; '));
        }
        await sleep(interval - cidDelay);
      } else await sleep(interval);
    }
    if (this.ringing === ringing) this.ringing = null;
  }

  /** Far end presses digits: DLE codes while in +VRX/+VTX. */
  async pressDigits(digits: string, opts: { gapMs?: number } = {}): Promise<void> {
    for (const d of digits) {
      if (this.mode === 'vrx' || this.mode === 'vtx') {
        this.write(dleCode(d));
        this.record('dtmf', d);
      }
      await sleep(opts.gapMs ?? 80);
    }
  }

  /** Caller speech: queued as received audio for +VRX; resolves once it was all sent. */
  sendAudio(pcm: Buffer): Promise<void> {
    return this.voice.queueRx(encodePcm(pcm, this.st.encoding));
  }

  /** The far end drops: the dialect's DLE codes during a call; a ringing caller gives up. */
  async hangUp(): Promise<void> {
    if (this.ringing) {
      this.ringing.cancelled = true;
      this.record('caller-gave-up');
    }
    if (!this.st.offHook) return;
    this.farEndGone = true;
    this.record('remote-hangup');
    if (this.mode === 'vrx' || this.mode === 'vtx') this.sendHangupCodes();
    await sleep(0);
  }

  /** What the next ATD...; does. Default: answer after 300 ms. */
  onDial(script: DialScript): void {
    this.dialScript = script;
  }
  answerOutbound(opts: Omit<DialScript, 'outcome'> = {}): void {
    this.onDial({ ...opts, outcome: 'answer' });
  }
  busyOutbound(opts: Omit<DialScript, 'outcome'> = {}): void {
    this.onDial({ ...opts, outcome: 'busy' });
  }
  noAnswerOutbound(opts: Omit<DialScript, 'outcome'> = {}): void {
    this.onDial({ ...opts, outcome: 'no-answer' });
  }
  noDialtoneOutbound(opts: Omit<DialScript, 'outcome'> = {}): void {
    this.onDial({ ...opts, outcome: 'no-dialtone' });
  }

  /** The next `count` commands matching `match` (prefix or RegExp) get no answer at all. */
  stall(match: string | RegExp, count = 1): void {
    this.stalls.push({ match, left: count });
  }

  /** Sends noise to the driver: the given bytes, or `n` pseudo-random bytes. */
  garbage(bytes: Buffer | number): void {
    let data: Buffer;
    if (typeof bytes === 'number') {
      data = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i++) data[i] = this.random() & 0xff;
    } else data = bytes;
    this.write(data);
    this.record('garbage', String(data.length));
  }

  /** The device vanishes: closes this end and, with a pty pair, stops socat. */
  async disappear(): Promise<void> {
    this.record('disappear');
    this.resetLine();
    await this.closePort();
    if (this.opts.pty) await this.opts.pty.close({ keepDir: true });
  }

  /** The device comes back (power-cycled: all settings reset). */
  async reappear(): Promise<void> {
    if (this.opts.pty) await this.opts.pty.restart();
    this.st = initialState(this.dialect);
    await this.openPort();
    this.record('reappear');
  }

  /** Resolves with the first record of `event` at or after `since` (default: any). */
  async waitFor(event: SimEventName, opts: { timeoutMs?: number; since?: number } = {}): Promise<SimRecord> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.history.find((r) => r.event === event && r.at >= (opts.since ?? 0));
      if (hit) return hit;
      if (Date.now() - t0 > (opts.timeoutMs ?? 5000)) throw new Error(`simulator: no '${event}' within ${opts.timeoutMs ?? 5000} ms`);
      await sleep(10);
    }
  }

  /** Closes this end (the pty pair stays with its owner). */
  async close(): Promise<void> {
    this.resetLine();
    await this.closePort();
  }

  private record(event: SimEventName, detail?: string): void {
    this.history.push(detail === undefined ? { at: Date.now(), event } : { at: Date.now(), event, detail });
  }

  private random(): number {
    // mulberry32
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  private async openPort(): Promise<void> {
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate ?? 115200, autoOpen: false });
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    port.on('close', () => {
      if (this.port === port) this.port = null;
    });
    this.port = port;
    this.mode = 'command';
    this.lineBuf = '';
  }

  private async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  private resetLine(): void {
    if (this.ringing) this.ringing.cancelled = true;
    this.voice.stopAll();
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    this.mode = 'command';
    this.farEndGone = false;
    this.progressDial = null;
  }

  private write(data: Buffer): void {
    if (this.port?.isOpen) this.port.write(data);
  }

  private line(text: string): void {
    this.write(Buffer.from(`\r\n${text}\r\n`, 'latin1'));
  }

  private sendHangupCodes(): void {
    this.write(Buffer.concat(this.dialect.hangupCodes.map((c) => dleCode(c))));
  }

  private setHook(off: boolean): void {
    if (off === this.st.offHook) return;
    this.st.offHook = off;
    this.record(off ? 'offhook' : 'onhook');
    if (off && this.ringing) this.ringing.cancelled = true;
    if (!off) this.farEndGone = false;
  }

  private receive(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.mode === 'command') this.commandByte(b);
      else if (this.mode === 'dialing') this.abortDial();
      else if (this.dlePending) {
        this.dlePending = false;
        if (this.mode === 'vtx') this.vtxCode(b);
        else if (b === 0x21 || b === 0x5e || b === ETX) this.vrxStop();
      } else if (b === DLE) this.dlePending = true;
      else if (this.mode === 'vtx') this.voice.txByte(b);
    }
  }

  private commandByte(b: number): void {
    if (this.st.echo && b !== 0x0a) this.write(Buffer.from([b]));
    if (b === 0x0d) {
      const text = this.lineBuf;
      this.lineBuf = '';
      const cmd = extractCommand(text);
      if (cmd) this.command(cmd);
    } else if (b !== 0x0a && this.lineBuf.length < 256) this.lineBuf += String.fromCharCode(b);
  }

  private command(cmd: string): void {
    this.commands.push({ at: Date.now(), command: cmd });
    const stall = this.stalls.find((s) => s.left > 0 && (typeof s.match === 'string' ? cmd.toUpperCase().startsWith(s.match.toUpperCase()) : s.match.test(cmd)));
    if (stall) {
      stall.left--;
      this.record('stalled', cmd);
      return;
    }
    const action = interpret(this.dialect, this.st, cmd);
    switch (action.kind) {
      case 'silent':
        return;
      case 'reply':
        for (const l of action.lines) this.line(l);
        return this.line(action.final);
      case 'hook':
        this.setHook(action.offHook);
        return this.line(action.final);
      case 'vrx':
        return this.vrxStart();
      case 'vtx':
        this.line('CONNECT');
        this.mode = 'vtx';
        this.stopCount = 0;
        this.dlePending = false;
        this.voice.txStart(this.st.encoding);
        return;
      case 'dial':
        return this.dial(action.number);
    }
  }

  private vrxStart(): void {
    this.line('CONNECT');
    this.mode = 'vrx';
    this.stopCount = 0;
    this.dlePending = false;
    this.voice.rxStart(this.st.encoding);
    if (this.farEndGone) this.sendHangupCodes();
    const script = this.progressDial;
    this.progressDial = null;
    if (script) this.voice.progress(script, () => this.record('remote-answer'));
  }

  private vrxStop(): void {
    this.stopCount++;
    if (this.stopCount < this.dialect.stopRepeat) return;
    this.voice.rxStop();
    this.write(dleCode(ETX));
    this.line('OK');
    this.mode = 'command';
  }

  private vtxCode(b: number): void {
    if (b === DLE) return this.voice.txByte(DLE);
    if (b === CAN || b === 0x21) return this.voice.txAbort();
    if (b !== ETX) return;
    this.stopCount++;
    if (this.stopCount < this.dialect.stopRepeat) return;
    this.mode = 'command';
    const waitMs = this.voice.txEnd();
    setTimeout(() => this.line('OK'), waitMs);
  }

  private dial(number: string): void {
    const script = this.dialScript ?? { outcome: 'answer' };
    this.setHook(true);
    this.record('dial', number);
    if (this.dialect.dialStyle === 'progress') {
      this.progressDial = script;
      return this.line('OK');
    }
    this.mode = 'dialing';
    const result = { answer: 'VCON', busy: 'BUSY', 'no-answer': 'NO ANSWER', 'no-dialtone': 'NO DIALTONE' }[script.outcome];
    this.dialTimer = setTimeout(() => {
      this.dialTimer = null;
      this.mode = 'command';
      if (script.outcome === 'answer') this.record('remote-answer');
      else this.setHook(false);
      this.line(result);
    }, script.delayMs ?? 300);
  }

  private abortDial(): void {
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    this.mode = 'command';
    this.setHook(false);
    this.line('NO CARRIER');
  }
}

/** A pty pair with a simulator on one end: what tests and `--demo` mode need. */
export async function startSimulatedModem(opts: Omit<SimulatorOptions, 'path' | 'pty'> = {}): Promise<{
  simulator: ModemSimulator;
  driverPath: string;
  pty: PtyPair;
  close(): Promise<void>;
}> {
  const pty = await createPtyPair();
  const simulator = await ModemSimulator.open({ ...opts, pty });
  return {
    simulator,
    driverPath: pty.driverPath,
    pty,
    async close() {
      await simulator.close();
      await pty.close();
    },
  };
}
