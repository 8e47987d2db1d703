/**
 * sherpa-onnx (npm `sherpa-onnx-node`) behind the recogniser port: an
 * offline model file the operator supplies (e.g. a Mandarin paraformer) —
 * the way to Chinese speech. Free text; grammar mode matches the text
 * against the phrases by sound (tone-less pinyin, src/core/asr/match.ts).
 *
 * NOT VERIFIED here: the package is not installed and no model exists on the
 * machines this was written on. `check()` says so plainly, and
 * `kefu diagnose` reports it; the calls below follow the package's
 * documented OfflineRecognizer API.
 */
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { KefuError } from '../../src/core/errors.ts';
import { soundKey } from '../../src/core/asr/match.ts';
import { MAX_UTTERANCE_MS, type AsrAudio, type AsrCheck, type AsrMode, type AsrResult, type Recognizer } from '../../src/core/asr/types.ts';

/** Options of {@link SherpaOnnxRecognizer}. */
export interface SherpaOnnxOptions {
  /** The model file (.onnx). */
  model?: string | undefined;
  /** Its tokens.txt. */
  tokens?: string | undefined;
  /** BCP 47 language of the model. Default zh-CN. */
  language?: string;
}

/** The part of sherpa-onnx-node used here. */
interface SherpaModule {
  OfflineRecognizer: new (config: unknown) => {
    createStream(): { acceptWaveform(w: { sampleRate: number; samples: Float32Array }): void };
    decode(stream: unknown): void;
    getResult(stream: unknown): { text: string };
  };
}

const PACKAGE = 'sherpa-onnx-node';

export class SherpaOnnxRecognizer implements Recognizer {
  readonly engine = 'sherpa-onnx';
  readonly language: string;
  private recognizer: InstanceType<SherpaModule['OfflineRecognizer']> | null = null;

  constructor(private readonly opts: SherpaOnnxOptions) {
    this.language = opts.language ?? 'zh-CN';
  }

  private load(): SherpaModule | null {
    try {
      return createRequire(import.meta.url)(PACKAGE) as SherpaModule;
    } catch {
      return null;
    }
  }

  async check(): Promise<AsrCheck> {
    const problems: string[] = [];
    if (!this.load()) problems.push(`npm package ${PACKAGE} not installed`);
    for (const [key, path] of [['model', this.opts.model], ['tokens', this.opts.tokens]] as const) {
      if (!path) problems.push(`asr.sherpaOnnx.${key} not set (model missing)`);
      else if (!(await access(path).then(() => true, () => false))) problems.push(`model file ${path} missing`);
    }
    return problems.length === 0
      ? { ok: true, detail: `${PACKAGE} loads; model ${this.opts.model}`, fix: null }
      : { ok: false, detail: problems.join('; '), fix: `npm install ${PACKAGE} in the kefu folder, download an offline model (e.g. a Mandarin paraformer) and set asr.sherpaOnnx.model and tokens` };
  }

  coverage(phrases: readonly string[]): Promise<boolean[]> {
    return Promise.resolve(phrases.map((p) => soundKey(p) !== ''));
  }

  recognize(audio: AsrAudio, mode: AsrMode): Promise<AsrResult> {
    const started = Date.now();
    const mod = this.load();
    if (!mod || !this.opts.model || !this.opts.tokens) {
      return Promise.reject(new KefuError('MEDIA_ERROR', `sherpa-onnx is not usable: ${!mod ? `npm package ${PACKAGE} not installed` : 'model missing (asr.sherpaOnnx.model, tokens)'}`));
    }
    this.recognizer ??= new mod.OfflineRecognizer({
      featConfig: { sampleRate: 16_000, featureDim: 80 },
      modelConfig: { paraformer: { model: this.opts.model }, tokens: this.opts.tokens, numThreads: 1, provider: 'cpu' },
    });
    const n = Math.min(audio.pcm.length >> 1, Math.floor((MAX_UTTERANCE_MS * audio.sampleRate) / 1000));
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = audio.pcm.readInt16LE(i * 2) / 32768;
    const stream = this.recognizer.createStream();
    stream.acceptWaveform({ sampleRate: audio.sampleRate, samples });
    this.recognizer.decode(stream);
    const text = this.recognizer.getResult(stream).text.trim();
    const audioMs = (n / audio.sampleRate) * 1000;
    if (text === '') return Promise.resolve({ hypotheses: [], audioMs, elapsedMs: Date.now() - started });
    let phraseIndex: number | undefined;
    if (mode.kind === 'grammar') {
      const key = soundKey(text);
      const i = mode.phrases.findIndex((p) => soundKey(p) === key);
      if (i >= 0) phraseIndex = i;
    }
    return Promise.resolve({ hypotheses: [{ text, confidence: 1, ...(phraseIndex !== undefined ? { phraseIndex } : {}) }], audioMs, elapsedMs: Date.now() - started });
  }
}
