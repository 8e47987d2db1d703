/**
 * Energy-based end-of-utterance detection on telephone PCM (8 kHz mono
 * s16le), clocked by the audio itself (no timers): 20 ms frames, a frame is
 * speech when its RMS is above `threshold`; an utterance starts after
 * `startMs` of speech and ends after `silenceMs` of non-speech.
 */
import { SAMPLE_RATE } from '../audio.ts';

const FRAME = SAMPLE_RATE / 50;
const FRAME_MS = 20;

/** Options of {@link Endpointer}. */
export interface EndpointOptions {
  /** Non-speech after speech that ends the utterance (ms). */
  silenceMs: number;
  /** No speech at all within this much audio: no input (ms). */
  noInputMs: number;
  /** RMS level of a speech frame. Default 500 (of 32767). */
  threshold?: number;
  /** Speech needed to count as the start of an utterance (ms). Default 60. */
  startMs?: number;
}

/** What {@link Endpointer.push} says after each chunk. */
export type EndpointState = 'waiting' | 'speaking' | 'done' | 'no-input';

/** RMS of one frame of s16le samples starting at byte `off`. */
function frameRms(pcm: Buffer, off: number, samples: number): number {
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const v = pcm.readInt16LE(off + i * 2);
    sum += v * v;
  }
  return Math.sqrt(sum / samples);
}

export class Endpointer {
  private state: EndpointState = 'waiting';
  private carry = Buffer.alloc(0);
  private heardMs = 0;
  private speechRun = 0;
  private silenceRun = 0;
  private readonly threshold: number;
  private readonly startMs: number;

  constructor(private readonly opts: EndpointOptions) {
    this.threshold = opts.threshold ?? 500;
    this.startMs = opts.startMs ?? 60;
  }

  get current(): EndpointState {
    return this.state;
  }

  /** Feeds audio; returns the state after it. Once `done` or `no-input`, further audio changes nothing. */
  push(pcm: Buffer): EndpointState {
    if (this.state === 'done' || this.state === 'no-input') return this.state;
    let buf = this.carry.length ? Buffer.concat([this.carry, pcm]) : pcm;
    let off = 0;
    while (buf.length - off >= FRAME * 2) {
      const speech = frameRms(buf, off, FRAME) >= this.threshold;
      off += FRAME * 2;
      this.heardMs += FRAME_MS;
      if (speech) { this.speechRun += FRAME_MS; this.silenceRun = 0; } else { this.silenceRun += FRAME_MS; this.speechRun = 0; }
      if (this.state === 'waiting') {
        if (this.speechRun >= this.startMs) this.state = 'speaking';
        else if (this.heardMs >= this.opts.noInputMs) { this.state = 'no-input'; break; }
      } else if (this.silenceRun >= this.opts.silenceMs) { this.state = 'done'; break; }
    }
    buf = buf.subarray(off);
    this.carry = Buffer.from(buf);
    return this.state;
  }
}

/** Whether telephone PCM holds speech at all (at least `minMs` of frames above the threshold). */
export function hasSpeech(pcm: Buffer, opts: { threshold?: number; minMs?: number } = {}): boolean {
  const threshold = opts.threshold ?? 500;
  let speechMs = 0;
  for (let off = 0; off + FRAME * 2 <= pcm.length; off += FRAME * 2) {
    if (frameRms(pcm, off, FRAME) >= threshold) speechMs += FRAME_MS;
    if (speechMs >= (opts.minMs ?? 100)) return true;
  }
  return false;
}
