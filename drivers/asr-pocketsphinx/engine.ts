/**
 * CMU pocketsphinx (Debian's `pocketsphinx` + `pocketsphinx-en-us`) behind the
 * recogniser port, grammar mode only. Each utterance runs
 * `pocketsphinx_continuous` as a child process on a 16 kHz WAV, bounded in
 * time and output.
 *
 * Telephone facts measured here (docs/asr.md): the en-us model is 16 kHz
 * wideband and hears nothing in 8 kHz audio, and almost nothing (10 of 60
 * names) in 8 kHz audio resampled to 16 kHz: the empty band above 4 kHz and
 * the digital silence around the words throw its features off. Bringing the
 * utterance to a fixed peak (`targetPeak`), padding it with silence and
 * adding low white noise (`noiseLevel`, about 38 dB under that peak) makes it
 * recognise 57-60 of the same 60 names; much louder noise (200+) breaks it again.
 */
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KefuError } from '../../src/core/errors.ts';
import { MAX_GRAMMAR_PHRASES, MAX_UTTERANCE_MS, type AsrAudio, type AsrCheck, type AsrMode, type AsrResult, type Recognizer } from '../../src/core/asr/types.ts';
import { runTool } from '../../src/media/run-tool.ts';
import { encodeWav } from '../../src/media/wav.ts';
import { buildGrammar, parseOutput, phraseWords } from './grammar.ts';
import { loadDictionaryWords } from './dictionary.ts';

/** Options of {@link PocketsphinxRecognizer}; defaults are Debian's paths. */
export interface PocketsphinxOptions {
  /** The decoder binary. Default `pocketsphinx_continuous`. */
  binary?: string;
  /** Acoustic model folder (`-hmm`). */
  hmm?: string;
  /** Pronouncing dictionary (`-dict`). */
  dict?: string;
  /** sox, used to resample to 16 kHz. */
  sox?: string;
  /** Peak of the white noise added to resampled audio (0 = none). Default 50 (of 32767). */
  noiseLevel?: number;
  /** Peak the utterance is scaled to before the noise is added. Default 4000 (of 32767, about -18 dBFS). */
  targetPeak?: number;
  /** More decoder options, e.g. `['-remove_silence', 'no']`. */
  extraArgs?: string[];
  /** Kill a decoder run after this long. Default 10 s. */
  timeoutMs?: number;
  /** Decoder runs at once; more wait their turn. Default 2. */
  maxConcurrent?: number;
}

const MODEL = '/usr/share/pocketsphinx/model/en-us';
const RATE = 16_000;
const PAD_BEFORE_MS = 300;
const PAD_AFTER_MS = 500;

export class PocketsphinxRecognizer implements Recognizer {
  readonly engine = 'pocketsphinx';
  readonly language = 'en-US';
  private words: Promise<Set<string>> | null = null;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly o: Required<PocketsphinxOptions>;

  constructor(opts: PocketsphinxOptions = {}) {
    this.o = {
      binary: opts.binary ?? 'pocketsphinx_continuous',
      hmm: opts.hmm ?? `${MODEL}/en-us`,
      dict: opts.dict ?? `${MODEL}/cmudict-en-us.dict`,
      sox: opts.sox ?? 'sox',
      noiseLevel: opts.noiseLevel ?? 50,
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxConcurrent: opts.maxConcurrent ?? 2,
      targetPeak: opts.targetPeak ?? 4000,
      extraArgs: opts.extraArgs ?? [],
    };
  }

  private dictionary(): Promise<Set<string>> {
    this.words ??= loadDictionaryWords(this.o.dict).catch((err: unknown) => {
      this.words = null;
      throw new KefuError('MEDIA_ERROR', `pocketsphinx dictionary ${this.o.dict} cannot be read: ${(err as Error).message}`, undefined, { cause: err });
    });
    return this.words;
  }

  async coverage(phrases: readonly string[]): Promise<boolean[]> {
    const words = await this.dictionary();
    return phrases.map((p) => {
      const w = phraseWords(p);
      return w.length > 0 && w.every((x) => words.has(x));
    });
  }

  async recognize(audio: AsrAudio, mode: AsrMode, opts: { signal?: AbortSignal } = {}): Promise<AsrResult> {
    if (mode.kind !== 'grammar') throw new KefuError('NOT_SUPPORTED', 'pocketsphinx runs in grammar mode only here (its English language model hears almost nothing over the telephone)');
    if (!Number.isInteger(audio.sampleRate) || audio.sampleRate < 8000 || audio.sampleRate > 48_000) {
      throw new KefuError('BAD_REQUEST', `sampleRate ${audio.sampleRate}: expected an integer from 8000 to 48000`);
    }
    const started = Date.now();
    const maxBytes = Math.floor((MAX_UTTERANCE_MS * audio.sampleRate) / 1000) * 2;
    const pcm = audio.pcm.subarray(0, Math.min(audio.pcm.length - (audio.pcm.length % 2), maxBytes));
    const audioMs = (pcm.length / 2 / audio.sampleRate) * 1000;
    const words = await this.dictionary();
    const grammar = buildGrammar(mode.phrases.slice(0, MAX_GRAMMAR_PHRASES), (w) => words.has(w));
    if (grammar.jsgf === null || pcm.length === 0) return { hypotheses: [], audioMs, elapsedMs: Date.now() - started };

    await this.acquire(opts.signal);
    const dir = await mkdtemp(join(tmpdir(), 'kefu-asr-'));
    try {
      const wide = await this.to16k(pcm, audio.sampleRate, opts.signal);
      await writeFile(join(dir, 'u.wav'), encodeWav(wide, { sampleRate: RATE, channels: 1, bitsPerSample: 16 }));
      await writeFile(join(dir, 'g.gram'), grammar.jsgf);
      const out = await runTool(this.o.binary, [
        '-infile', join(dir, 'u.wav'), '-jsgf', join(dir, 'g.gram'), '-hmm', this.o.hmm, '-dict', this.o.dict,
        '-time', 'yes', '-logfn', '/dev/null', ...this.o.extraArgs,
      ], { timeoutMs: this.o.timeoutMs, maxOutputBytes: 64 * 1024, packageName: 'pocketsphinx', ...(opts.signal ? { signal: opts.signal } : {}) });
      const heard = parseOutput(out.toString('utf8'));
      const elapsedMs = Date.now() - started;
      if (!heard) return { hypotheses: [], audioMs, elapsedMs };
      const phraseIndex = grammar.index.get(heard.text);
      return { hypotheses: [{ text: heard.text, confidence: heard.confidence, ...(phraseIndex !== undefined ? { phraseIndex } : {}) }], audioMs, elapsedMs };
    } finally {
      await rm(dir, { recursive: true, force: true });
      this.release();
    }
  }

  async check(): Promise<AsrCheck> {
    const missing: string[] = [];
    for (const f of [join(this.o.hmm, 'mdef'), join(this.o.hmm, 'means'), this.o.dict]) {
      try { await access(f); } catch { missing.push(f); }
    }
    if (missing.length > 0) {
      return { ok: false, detail: `model files missing: ${missing.join(', ')}`, fix: 'install the model: apt-get install pocketsphinx-en-us (or set asr.pocketsphinx.hmm / dict)' };
    }
    try {
      // Without arguments the decoder prints its option list and exits 1: run it on an empty grammar-less call instead.
      await runTool(this.o.binary, ['-infile', '/dev/null', '-hmm', this.o.hmm, '-dict', this.o.dict, '-logfn', '/dev/null'], { timeoutMs: this.o.timeoutMs, maxOutputBytes: 64 * 1024, packageName: 'pocketsphinx' });
    } catch (err) {
      return { ok: false, detail: (err as Error).message, fix: 'apt-get install pocketsphinx pocketsphinx-en-us (or set asr.pocketsphinx.binary)' };
    }
    const words = await this.dictionary().catch(() => null);
    return { ok: true, detail: `${this.o.binary} runs; model ${this.o.hmm}; dictionary of ${words?.size ?? 0} words`, fix: null };
  }

  /** Resamples to 16 kHz with sox, pads with silence, and fills the empty upper band with low white noise (seeded: the same audio gives the same result). */
  private async to16k(pcm: Buffer, rate: number, signal?: AbortSignal): Promise<Buffer> {
    const raw = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1'];
    const resampled = rate === RATE ? pcm : await runTool(this.o.sox, [...raw, '-r', String(rate), '-', ...raw, '-r', String(RATE), '-'], {
      input: pcm, timeoutMs: this.o.timeoutMs, maxOutputBytes: 4 * pcm.length * Math.ceil(RATE / rate) + 1024, packageName: 'sox', ...(signal ? { signal } : {}),
    });
    const before = (PAD_BEFORE_MS * RATE) / 1000;
    const after = (PAD_AFTER_MS * RATE) / 1000;
    const n = before + resampled.length / 2 + after;
    const out = Buffer.alloc(n * 2);
    resampled.copy(out, before * 2);
    let seed = 0x2545f491;
    const level = this.o.noiseLevel;
    // Level: the loudest sample brought to `targetPeak` (at most 20 times louder, so a silent line stays quiet).
    let peak = 1;
    for (let i = 0; i < resampled.length; i += 2) peak = Math.max(peak, Math.abs(resampled.readInt16LE(i)));
    const gain = Math.min(20, this.o.targetPeak / peak);
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const white = (seed / 0xffffffff) * 2 - 1;
      const noise = level > 0 ? Math.round(white * level) : 0;
      const v = Math.round(out.readInt16LE(i * 2) * gain) + noise;
      out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i * 2);
    }
    return out;
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    while (this.running >= this.o.maxConcurrent) {
      if (signal?.aborted) throw new KefuError('CANCELLED', 'recognition cancelled while waiting for a decoder');
      await new Promise<void>((r) => this.waiting.push(r));
    }
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
