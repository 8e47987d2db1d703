/**
 * The simulated modem's voice streams: +VRX sends the caller's audio at real
 * time (8000 bytes/s, DLE-shielded), +VTX records what the host plays and
 * answers OK once it would have played out.
 */
import { decodeToPcm, silenceByte, type Encoding } from './codec.ts';
import { dleCode, shield } from './dle.ts';
import type { DialScript, SimEventName } from './sim-types.ts';

export interface PlayedAudio {
  /** Date.now() at +VTX CONNECT. */
  at: number;
  encoding: Encoding;
  /** What was played, decoded back to telephone PCM. */
  pcm: Buffer;
  /** Playing time of `pcm`. */
  durationMs: number;
  /** DLE CAN / DLE ! cut it short. */
  aborted: boolean;
  /** Times the modem's buffer ran dry while data was still coming. */
  underruns: number;
}

const BPS = 8000;
const TICK_MS = 20;

interface RxItem {
  data: Buffer;
  off: number;
  done(): void;
}

export class VoiceStreams {
  readonly played: PlayedAudio[] = [];
  private rxTimer: NodeJS.Timeout | null = null;
  private rxQueue: RxItem[] = [];
  private rxEnc: Encoding = 'u8';
  private progressTimers: NodeJS.Timeout[] = [];
  private tx: { at: number; firstAt: number; enc: Encoding; bytes: number[]; aborted: boolean; underruns: number; lastCheck: number } | null = null;

  constructor(
    private readonly write: (b: Buffer) => void,
    private readonly record: (e: SimEventName, detail?: string) => void,
  ) {}

  queueRx(data: Buffer): Promise<void> {
    return new Promise<void>((done) => this.rxQueue.push({ data, off: 0, done }));
  }

  rxStart(enc: Encoding): void {
    this.rxStop();
    this.rxEnc = enc;
    this.record('vrx-start');
    const t0 = Date.now();
    let sent = 0;
    this.rxTimer = setInterval(() => {
      const due = Math.min(Math.floor(((Date.now() - t0) * BPS) / 1000) - sent, BPS / 10);
      if (due <= 0) return;
      this.write(shield(this.takeRx(due)));
      sent += due;
    }, TICK_MS);
  }

  rxStop(): void {
    for (const t of this.progressTimers) clearTimeout(t);
    this.progressTimers = [];
    if (!this.rxTimer) return;
    clearInterval(this.rxTimer);
    this.rxTimer = null;
    this.record('vrx-stop');
  }

  /** Call progress for a dial on a progress-style modem, reported as DLE codes in +VRX. */
  progress(script: DialScript, onAnswer: () => void): void {
    const gap = script.delayMs ?? 300;
    const at = (ms: number, fn: () => void): void => void this.progressTimers.push(setTimeout(fn, ms));
    if (script.outcome === 'busy') for (let i = 0; i < 4; i++) at(gap * (i + 1), () => this.write(dleCode('b')));
    else if (script.outcome === 'no-dialtone') for (let i = 0; i < 3; i++) at(gap * (i + 1), () => this.write(dleCode('d')));
    else if (script.outcome === 'no-answer') for (let i = 0; i < 200; i++) at(gap * (i + 1), () => this.write(dleCode('r')));
    else {
      const n = script.ringbacks ?? 2;
      for (let i = 0; i < n; i++) at(gap * (i + 1), () => this.write(dleCode('r')));
      at(gap * (n + 1), onAnswer);
    }
  }

  /**
   * The far end's audio after a dial: queued as received audio from now on
   * (the line is heard from the moment the modem dials), with the moment it
   * answers reported to `onAnswer`.
   */
  farEnd(audio: Buffer, answerAtMs: number | null, onAnswer: () => void): void {
    void this.queueRx(audio);
    if (answerAtMs !== null) this.progressTimers.push(setTimeout(onAnswer, answerAtMs));
  }

  /** Drops received audio not sent yet (the line went on-hook: nobody is there any more). */
  clearRx(): void {
    for (const item of this.rxQueue.splice(0)) item.done();
  }

  txStart(enc: Encoding): void {
    this.record('vtx-start');
    const now = Date.now();
    this.tx = { at: now, firstAt: 0, enc, bytes: [], aborted: false, underruns: 0, lastCheck: 0 };
  }

  txByte(b: number): void {
    const tx = this.tx;
    if (!tx || tx.aborted) return;
    const now = Date.now();
    if (tx.firstAt === 0) tx.firstAt = now;
    else if (now - tx.lastCheck >= 10) {
      tx.lastCheck = now;
      // Playout position versus what has arrived: an empty buffer is an underrun.
      if (tx.bytes.length < ((now - tx.firstAt) * BPS) / 1000 - BPS / 100) {
        tx.underruns++;
        tx.firstAt = now - (tx.bytes.length * 1000) / BPS;
      }
    }
    tx.bytes.push(b);
  }

  /** DLE CAN: drop what has not played yet. */
  txAbort(): void {
    const tx = this.tx;
    if (!tx || tx.aborted) return;
    const playedBytes = tx.firstAt ? Math.floor(((Date.now() - tx.firstAt) * BPS) / 1000) : 0;
    tx.bytes.length = Math.min(tx.bytes.length, playedBytes);
    tx.aborted = true;
  }

  /** DLE ETX: the recording is complete; returns how long until it has played out. */
  txEnd(): number {
    const tx = this.tx;
    this.tx = null;
    if (!tx) return 0;
    const data = Buffer.from(tx.bytes);
    const durationMs = (data.length * 1000) / BPS;
    this.played.push({ at: tx.at, encoding: tx.enc, pcm: decodeToPcm(data, tx.enc), durationMs, aborted: tx.aborted, underruns: tx.underruns });
    this.record('vtx-end', `${Math.round(durationMs)} ms`);
    if (tx.aborted || !tx.firstAt) return 0;
    return Math.max(0, tx.firstAt + durationMs - Date.now());
  }

  stopAll(): void {
    this.rxStop();
    this.tx = null;
  }

  private takeRx(n: number): Buffer {
    const out = Buffer.alloc(n, silenceByte(this.rxEnc));
    let filled = 0;
    while (filled < n && this.rxQueue.length) {
      const item = this.rxQueue[0] as RxItem;
      const take = Math.min(n - filled, item.data.length - item.off);
      item.data.copy(out, filled, item.off, item.off + take);
      item.off += take;
      filled += take;
      if (item.off >= item.data.length) {
        this.rxQueue.shift();
        item.done();
      }
    }
    return out;
  }
}
