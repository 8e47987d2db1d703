/**
 * The simulated modem's wire side: the serial port, AT command lines, +VRX and
 * +VTX streams, dialling. `ModemSimulator` adds the scripting API on top.
 */
import { SerialPort } from 'serialport';
import { dialect as loadDialect, type Dialect, type DialectName } from './dialects.ts';
import { CAN, DLE, ETX, dleCode } from './dle.ts';
import { encodePcm } from './codec.ts';
import { farEndClip, toPcm } from '../../src/core/call-progress/far-end-audio.ts';
import type { PtyPair } from './pty.ts';
import { extractCommand, initialState, interpret, type SimModemState } from './sim-commands.ts';
import { VoiceStreams } from './sim-voice.ts';
import type { DialScript, FarEndScript, SimEventName } from './sim-types.ts';

export type { DialScript, FarEndScript, SimEventName } from './sim-types.ts';

/** On a modem that reports nothing, each outcome still sounds like something. */
const BLIND_DEFAULT: Record<DialScript['outcome'], FarEndScript> = {
  answer: { kind: 'live', ringMs: 6000 },
  busy: { kind: 'busy', totalMs: 60_000 },
  'no-answer': { kind: 'no-answer', totalMs: 180_000 },
  'no-dialtone': { kind: 'dead', totalMs: 60_000 },
};

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

export interface SimRecord {
  /** Date.now() when it happened. */
  at: number;
  event: SimEventName;
  detail?: string;
}


/** The wire side of one simulated modem (see ModemSimulator for the API). */
export class SimEngine {
  readonly dialect: Dialect;
  /** Every AT command received, in order. */
  readonly commands: Array<{ at: number; command: string }> = [];
  /** What happened on the line, in order. */
  readonly history: SimRecord[] = [];
  protected port: SerialPort | null = null;
  protected st: SimModemState;
  protected mode: 'command' | 'vrx' | 'vtx' | 'dialing' = 'command';
  protected lineBuf = '';
  protected dlePending = false;
  protected stopCount = 0;
  protected ringing: { cancelled: boolean } | null = null;
  protected dialScript: DialScript | null = null;
  /** Scripts for particular dialled numbers (they win over `dialScript`). */
  protected numberScripts = new Map<string, DialScript>();
  protected dialTimer: NodeJS.Timeout | null = null;
  protected stalls: Array<{ match: string | RegExp; left: number }> = [];
  protected farEndGone = false;
  /** A progress-style dial waits for +VRX to report call progress. */
  protected progressDial: DialScript | null = null;
  protected rng: number;
  protected readonly voice: VoiceStreams;

  constructor(protected readonly opts: SimulatorOptions & { path: string }) {
    this.dialect = typeof opts.dialect === 'object' ? opts.dialect : loadDialect(opts.dialect ?? 'conexant');
    this.st = initialState(this.dialect);
    this.rng = opts.seed ?? 1;
    this.voice = new VoiceStreams((b) => this.write(b), (e, d) => this.record(e, d));
  }
  protected record(event: SimEventName, detail?: string): void {
    this.history.push(detail === undefined ? { at: Date.now(), event } : { at: Date.now(), event, detail });
  }
  protected random(): number {
    // mulberry32
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  protected async openPort(): Promise<void> {
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
  protected async closePort(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }
  protected resetLine(): void {
    if (this.ringing) this.ringing.cancelled = true;
    this.voice.stopAll();
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    this.mode = 'command';
    this.farEndGone = false;
    this.progressDial = null;
  }
  protected write(data: Buffer): void {
    if (this.port?.isOpen) this.port.write(data);
  }
  protected line(text: string): void {
    this.write(Buffer.from(`\r\n${text}\r\n`, 'latin1'));
  }
  protected sendHangupCodes(): void {
    this.write(Buffer.concat(this.dialect.hangupCodes.map((c) => dleCode(c))));
  }
  protected setHook(off: boolean): void {
    if (off === this.st.offHook) return;
    this.st.offHook = off;
    // Detail says whether the line went off-hook in voice class (8) or data class.
    this.record(off ? 'offhook' : 'onhook', this.st.fclass === '8' ? 'voice' : 'data');
    if (off && this.ringing) this.ringing.cancelled = true;
    if (!off) {
      this.farEndGone = false;
      this.voice.clearRx();
    }
  }
  protected receive(chunk: Buffer): void {
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
  protected commandByte(b: number): void {
    if (this.st.echo && b !== 0x0a) this.write(Buffer.from([b]));
    if (b === 0x0d) {
      const text = this.lineBuf;
      this.lineBuf = '';
      const cmd = extractCommand(text);
      if (cmd) this.command(cmd);
    } else if (b !== 0x0a && this.lineBuf.length < 256) this.lineBuf += String.fromCharCode(b);
  }
  protected command(cmd: string): void {
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
  protected vrxStart(): void {
    this.line('CONNECT');
    this.mode = 'vrx';
    this.stopCount = 0;
    this.dlePending = false;
    this.voice.rxStart(this.st.encoding);
    if (this.farEndGone) this.sendHangupCodes();
    const script = this.progressDial;
    this.progressDial = null;
    if (!script) return;
    if (this.dialect.dialStyle === 'progress') this.voice.progress(script, () => this.record('remote-answer'));
    const far = script.farEnd ?? (this.dialect.dialStyle === 'blind' ? BLIND_DEFAULT[script.outcome] : null);
    if (far) {
      const { kind, seed, ...o } = far;
      const clip = farEndClip(kind, seed ?? 1, o);
      this.voice.farEnd(encodePcm(toPcm(clip.audio), this.st.encoding), clip.answerAtMs, () => this.record('remote-answer', kind));
    }
  }
  protected vrxStop(): void {
    this.stopCount++;
    if (this.stopCount < this.dialect.stopRepeat) return;
    this.voice.rxStop();
    this.write(dleCode(ETX));
    this.line('OK');
    this.mode = 'command';
  }
  protected vtxCode(b: number): void {
    if (b === DLE) return this.voice.txByte(DLE);
    if (b === CAN || b === 0x21) return this.voice.txAbort();
    if (b !== ETX) return;
    this.stopCount++;
    if (this.stopCount < this.dialect.stopRepeat) return;
    this.mode = 'command';
    const waitMs = this.voice.txEnd();
    setTimeout(() => this.line('OK'), waitMs);
  }
  protected dial(number: string): void {
    if (this.st.offHook && number.startsWith('!')) {
      // Hook flash then digits during a call: the exchange transfers the caller once we hang up.
      this.record('transfer', number.slice(1));
      return this.line('OK');
    }
    const script = this.numberScripts.get(number) ?? this.dialScript ?? { outcome: 'answer' };
    this.setHook(true);
    this.record('dial', number);
    if (this.dialect.dialStyle !== 'vcon') {
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
  protected abortDial(): void {
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    this.mode = 'command';
    this.setHook(false);
    this.line('NO CARRIER');
  }
}
