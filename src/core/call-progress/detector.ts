/**
 * Call-progress detection by ear: fed the audio heard after dialling, it
 * says what the line is doing (ringing and in which country's cadence, colour
 * ring-back music, busy, congestion, a person or a machine answering, a dead
 * line). Pure and clock-free: time is the audio's own (samples pushed), so
 * the same audio always gives the same decisions.
 *
 * Decisions come as a stream; `final` ones end the detection:
 *   ringback, colour-ringback                    → still ringing (not final)
 *   busy, congestion                             → final after two cadence cycles
 *   answered-live                                → a short greeting (≤ 2.5 s) then a pause (≥ 0.7 s)
 *   answered-machine                             → ≥ 4 s of speech without such a pause, a long greeting,
 *                                                  or a fax/modem answer tone
 *   silence                                      → nothing at all for `deadLineMs` (dead line),
 *                                                  or ringing that stopped for `ringingStoppedMs`
 */
import { FRAME_MS, FRAME_SAMPLES, TONE_MIN_SCORE, analyseFrame, pcmToFloat, type FrameFeatures } from './dsp.ts';
import type { ToneCountry } from './plans.ts';
import type { Heard, HeardKind } from './types.ts';
import { judgeSound } from './sound.ts';
import { Runs } from './runs.ts';
import { toneDecision } from './tone-decision.ts';

export type { Heard, HeardKind } from './types.ts';

export interface DetectorOptions {
  /** Silence that ends a greeting. Default 700 ms: people pause 0.5–1 s after "喂?" waiting for an answer; a machine's comma pauses are shorter. */
  pauseMs?: number;
  /** Longest greeting still taken for a person. Default 2500 ms ("喂，你好，哪位？" is 1–2 s). */
  liveMaxGreetingMs?: number;
  /** Speech this long without a pause is a machine. Default 4000 ms. */
  machineSpeechMs?: number;
  /** Nothing heard at all for this long: a dead line. Default 12000 ms (Chinese mobile call set-up can be silent for 5–8 s). */
  deadLineMs?: number;
  /** Ringing heard, then silence this long: the ringing stopped (answered without a word, or the network gave up). Default 6000 ms (longest ringback gap 4 s + 30 %, and margin). */
  ringingStoppedMs?: number;
  /** Frames quieter than this are silence whatever the noise floor. Default -45 dBFS (8-bit modem PCM has its quantisation floor at about -53 dBFS). */
  silenceDb?: number;
}

const MIN_GREETING_MS = 120;
/** A fax or data modem answers with 2100 Hz for 2.6–4 s; 400 ms of it is unmistakable. */
const ANSWER_TONE_MS = 400;
/** Sound this short next to a tone frame is the tone's edge (Goertzel leaks on a partly filled frame). */
const TONE_EDGE_MS = 200;
/**
 * A voice rises well above the line: its loudest syllable is ≥ 4 dB over the
 * activity threshold. Noise flickering across the threshold while the floor
 * settles never does.
 */
const MIN_PEAK_DB = 4;
const MUSIC_WINDOW_MS = 1600;
const MAX_FLOOR_DB = -40;
const ACTIVE_OVER_FLOOR_DB = 6;

export class CallProgressDetector {
  private readonly o: Required<DetectorOptions>;
  private buf = new Float64Array(FRAME_SAMPLES);
  private fill = 0;
  private odd: Buffer | null = null;
  private t = 0;
  private floorDb = Number.NaN;
  private readonly runs = new Runs();
  private done = false;
  private lastKind: HeardKind | null = null;
  private lastCountry: ToneCountry | undefined;
  private ringing = false;
  private heardAnything = false;
  private lastActive = 0;
  private lastTone = -1;
  /** Consecutive frames of fax/modem answer tone. */
  private ansFrames = 0;
  /** The sound episode in progress (speech or music), from its first frame. */
  private episode: {
    start: number;
    lastSound: number;
    frames: FrameFeatures[];
    music: boolean;
    afterGap: number | null;
    /** Loudest frame, dB above the activity threshold. */
    peakDb: number;
    /** It began on the frame after a tone frame. */
    afterTone: boolean;
  } | null = null;
  /** Every decision so far. */
  readonly decisions: Heard[] = [];

  constructor(opts: DetectorOptions = {}) {
    this.o = {
      pauseMs: opts.pauseMs ?? 700,
      liveMaxGreetingMs: opts.liveMaxGreetingMs ?? 2500,
      machineSpeechMs: opts.machineSpeechMs ?? 4000,
      deadLineMs: opts.deadLineMs ?? 12_000,
      ringingStoppedMs: opts.ringingStoppedMs ?? 6000,
      silenceDb: opts.silenceDb ?? -45,
    };
  }

  /** Audio time consumed so far, ms. */
  get elapsedMs(): number {
    return this.t;
  }

  /** The final decision, once there is one. */
  get final(): Heard | null {
    return this.done ? (this.decisions[this.decisions.length - 1] as Heard) : null;
  }

  /** Feeds telephone PCM (s16le, 8 kHz); returns the decisions it led to. */
  push(pcm: Buffer): Heard[] {
    const out: Heard[] = [];
    // A chunk may end inside a sample: keep the odd byte for the next one.
    const bytes = this.odd ? Buffer.concat([this.odd, pcm]) : pcm;
    this.odd = bytes.length % 2 ? Buffer.from(bytes.subarray(bytes.length - 1)) : null;
    const x = pcmToFloat(bytes);
    for (let i = 0; i < x.length && !this.done; i++) {
      this.buf[this.fill++] = x[i] as number;
      if (this.fill === FRAME_SAMPLES) {
        this.fill = 0;
        this.t += FRAME_MS;
        this.frame(analyseFrame(this.buf), out);
      }
    }
    return out;
  }

  private emit(out: Heard[], h: Omit<Heard, 'atMs'>): void {
    if (this.done) return;
    if (!h.final && h.kind === this.lastKind && h.country === this.lastCountry) return;
    const d: Heard = { ...h, atMs: this.t };
    if (d.country === undefined) delete d.country;
    this.lastKind = h.kind;
    this.lastCountry = h.country;
    this.decisions.push(d);
    out.push(d);
    if (h.final) this.done = true;
  }

  private frame(f: FrameFeatures, out: Heard[]): void {
    // The noise floor is measured on frames without tone: it starts at the first of
    // them, follows quieter frames down at once and creeps up 1.25 dB/s, so a steady
    // hiss becomes the floor and anything 6 dB above it counts (a voice at 10 dB SNR
    // still has most syllables there; steady noise that crosses it is judged noise
    // and ignored, see sound.ts). The floor never rises above
    // -40 dBFS: a line hissing louder is broken, while music heard from the first
    // frame on must not become the floor.
    if (!f.tone) {
      const floor = Number.isNaN(this.floorDb) || f.levelDb < this.floorDb ? f.levelDb : this.floorDb + 0.05;
      this.floorDb = Math.min(MAX_FLOOR_DB, floor);
    }
    const threshold = Number.isNaN(this.floorDb) ? this.o.silenceDb : Math.max(this.o.silenceDb, this.floorDb + ACTIVE_OVER_FLOOR_DB);
    const active = f.levelDb > threshold;
    const kind = !active ? 'quiet' : f.tone ? 'tone' : 'sound';
    if (active) this.lastActive = this.t;
    const opened = this.runs.push(kind === 'tone', f.tone?.freqs ?? [], this.t);
    if (opened?.on) {
      // A tone began: whatever sound came before it was not an answer.
      this.episode = null;
      this.heardAnything = true;
    }
    this.ansFrames = active && f.answerTone >= TONE_MIN_SCORE ? this.ansFrames + 1 : 0;
    if (this.ansFrames * FRAME_MS >= ANSWER_TONE_MS) {
      return this.emit(out, { kind: 'answered-machine', final: true, detail: `fax/modem answer tone (2100 Hz) for ${ANSWER_TONE_MS} ms` });
    }
    this.tones(out);
    this.sound(kind, f, f.levelDb - threshold, out);
    if (!this.heardAnything && this.t >= this.o.deadLineMs) {
      this.emit(out, { kind: 'silence', final: true, deadLine: true, detail: `nothing heard for ${this.t} ms (dead line)` });
    }
    if (this.ringing && !this.episode && this.t - this.lastActive >= this.o.ringingStoppedMs) {
      this.emit(out, { kind: 'silence', final: true, detail: `ringing stopped: ${this.t - this.lastActive} ms of silence` });
    }
  }

  private tones(out: Heard[]): void {
    const d = toneDecision(this.runs.closed(), this.runs.withOpen());
    if (!d) return;
    if (d.kind === 'ringback') this.ringing = true;
    this.emit(out, d);
  }

  private sound(kind: 'quiet' | 'tone' | 'sound', f: FrameFeatures, marginDb: number, out: Heard[]): void {
    const ep = this.episode;
    if (kind === 'sound') {
      if (!ep) this.episode = { start: this.t - FRAME_MS, lastSound: this.t, frames: [f], music: false, afterGap: null, peakDb: marginDb, afterTone: this.lastTone === this.t - FRAME_MS };
      else {
        ep.peakDb = Math.max(ep.peakDb, marginDb);
        // Sound again after a short gap: where speech would start if music just gave way to it.
        if (this.t - ep.lastSound >= MIN_GREETING_MS) ep.afterGap = this.t - FRAME_MS;
        ep.lastSound = this.t;
        ep.frames.push(f);
        // Long music would grow this without end; the judgements look at the last few seconds only.
        if (ep.frames.length > 250) ep.frames.splice(0, 50);
      }
      return this.judge(out);
    }
    if (kind === 'tone') this.lastTone = this.t;
    if (!ep) return;
    // The edges of a tone (a frame the tone fills only in part) are no voice.
    if (kind === 'tone' && this.t - ep.start <= TONE_EDGE_MS) {
      this.episode = null;
      return;
    }
    ep.frames.push(f);
    if (this.t - ep.lastSound < this.o.pauseMs) return;
    // A pause ended the episode.
    const len = ep.lastSound - ep.start;
    this.episode = null;
    if (len < MIN_GREETING_MS) return;
    const frames = ep.frames.slice(0, ep.frames.length - Math.round((this.t - ep.lastSound) / FRAME_MS));
    const verdict = judgeSound(frames).kind;
    if (verdict === 'noise' || ep.peakDb < MIN_PEAK_DB || (ep.afterTone && len <= TONE_EDGE_MS)) return;
    this.heardAnything = true;
    if (ep.music || (len >= MUSIC_WINDOW_MS && verdict === 'music')) {
      this.ringing = true;
      this.lastActive = ep.lastSound;
      return;
    }
    if (len <= this.o.liveMaxGreetingMs) {
      this.emit(out, { kind: 'answered-live', final: true, detail: `greeting ${len} ms then ${this.o.pauseMs} ms pause` });
    } else {
      this.emit(out, { kind: 'answered-machine', final: true, detail: `long greeting: ${len} ms before the first pause` });
    }
  }

  /** During sound: music (still ringing) or, after long enough, a machine. */
  private judge(out: Heard[]): void {
    const ep = this.episode as NonNullable<CallProgressDetector['episode']>;
    const len = this.t - ep.start;
    if (len >= MUSIC_WINDOW_MS) {
      const window = ep.frames.slice(-Math.round(MUSIC_WINDOW_MS / FRAME_MS));
      const v = judgeSound(window);
      // Steady noise is nobody: forget it (speech starting in it is judged afresh).
      if (v.kind === 'noise') {
        this.episode = null;
        return;
      }
      if (v.kind === 'music' && !ep.music) {
        ep.music = true;
        this.ringing = true;
        this.heardAnything = true;
        this.emit(out, { kind: 'colour-ringback', final: false, detail: `music: dips ${v.dips.toFixed(2)}, steadiness ${v.steadiness.toFixed(2)}` });
      } else if (v.kind === 'speech' && ep.music) {
        // The music gave way to speech: the greeting starts after the last gap in the
        // window, or (music running straight into speech) about where the window turned.
        ep.music = false;
        ep.start = ep.afterGap !== null && ep.afterGap >= this.t - MUSIC_WINDOW_MS ? ep.afterGap : this.t - MUSIC_WINDOW_MS / 2;
        ep.frames = ep.frames.slice(-Math.round((this.t - ep.start) / FRAME_MS));
      }
    }
    if (!ep.music && ep.peakDb >= MIN_PEAK_DB && this.t - ep.start >= this.o.machineSpeechMs) {
      this.emit(out, { kind: 'answered-machine', final: true, detail: `${this.t - ep.start} ms of speech without a ${this.o.pauseMs} ms pause` });
    }
  }
}
