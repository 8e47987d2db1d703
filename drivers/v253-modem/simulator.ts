/**
 * The far side: a V.253 voice modem simulated on the other end of a pty
 * pair, with scriptable behaviours. Every instance is independent.
 */
import { encodePcm } from './codec.ts';
import { dleCode } from './dle.ts';
import { createPtyPair, type PtyPair } from './pty.ts';
import { callerIdLines, type RingOptions } from './sim-callerid.ts';
import { initialState, type SimModemState } from './sim-commands.ts';
import { SimEngine, type DialScript, type SimEventName, type SimRecord, type SimulatorOptions } from './sim-engine.ts';
import type { PlayedAudio } from './sim-voice.ts';

export type { RingOptions, CallerIdFormat } from './sim-callerid.ts';
export type { PlayedAudio } from './sim-voice.ts';
export type { DialScript, FarEndScript, SimEventName, SimRecord, SimulatorOptions } from './sim-engine.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ModemSimulator extends SimEngine {
  private constructor(opts: SimulatorOptions & { path: string }) {
    super(opts);
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

  /**
   * Far end presses digits: DLE codes while in +VRX/+VTX. Off hook, a caller
   * waits for the modem to play or listen before each key (up to `waitMs`,
   * default 20 s), as a person waits for the prompt: a key sent while the
   * modem is between modes (in command mode) would be lost, and on a loaded
   * machine that moment can last long. On hook, the key goes nowhere.
   */
  async pressDigits(digits: string, opts: { gapMs?: number; waitMs?: number } = {}): Promise<void> {
    for (const d of digits) {
      const until = Date.now() + (opts.waitMs ?? 20_000);
      while (this.st.offHook && this.mode !== 'vrx' && this.mode !== 'vtx' && Date.now() < until) await sleep(10);
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

  /**
   * What dialling `number` does from now on (exactly as the driver sends it),
   * e.g. `{ outcome: 'answer', farEnd: { kind: 'crbt-live', country: 'CN' } }`.
   * Wins over onDial().
   */
  scriptNumber(number: string, script: DialScript): void {
    this.numberScripts.set(number, script);
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

















}

/** A pty pair with a simulator on one end: what tests and `--demo` mode need. */
export async function startSimulatedModem(opts: Omit<SimulatorOptions, 'path' | 'pty'> & { ptyDir?: string } = {}): Promise<{
  simulator: ModemSimulator;
  driverPath: string;
  pty: PtyPair;
  close(): Promise<void>;
}> {
  const { ptyDir, ...simOpts } = opts;
  const pty = await createPtyPair(ptyDir ? { dir: ptyDir } : {});
  const simulator = await ModemSimulator.open({ ...simOpts, pty });
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
