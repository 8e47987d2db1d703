/**
 * The speech-recogniser port: audio in, n-best text with confidence out.
 * Engines live one per folder under drivers/ (asr-pocketsphinx,
 * asr-sherpa-onnx); the IVR `listen` node and voice lookup of contacts use
 * them only through this interface.
 */

/** Audio handed to an engine: mono, signed 16-bit little-endian PCM. */
export interface AsrAudio {
  pcm: Buffer;
  /** Samples per second of `pcm` (8000 for telephone audio). The engine resamples to what its model wants. */
  sampleRate: number;
}

/**
 * What to listen for.
 * - `grammar`: the caller says one of these phrases (names, commands). The
 *   engine returns phrases from the list only (`phrase` is set).
 * - `free`: any text (engines with a language model; pocketsphinx's
 *   English model is not usable this way over the telephone).
 */
export type AsrMode = { kind: 'grammar'; phrases: readonly string[] } | { kind: 'free' };

/** One hypothesis, best first in {@link AsrResult.hypotheses}. */
export interface AsrHypothesis {
  /** What the engine heard, as it spells it (lower-case words for pocketsphinx, Han characters for a Mandarin model). */
  text: string;
  /** 0..1; how sure the engine is (its posterior, or 1 when it gives none). */
  confidence: number;
  /** In grammar mode: the phrase of the list this text stands for (index into `phrases`). */
  phraseIndex?: number;
}

/** What {@link Recognizer.recognize} returns. Empty `hypotheses`: nothing matched (no speech, or nothing from the grammar). */
export interface AsrResult {
  hypotheses: AsrHypothesis[];
  /** Length of the audio given (ms). */
  audioMs: number;
  /** Time the engine took (ms); audioMs / elapsedMs is the real-time factor's inverse. */
  elapsedMs: number;
}

/** Outcome of {@link Recognizer.check}: what `kefu diagnose` prints. */
export interface AsrCheck {
  ok: boolean;
  /** What was seen ("pocketsphinx 5prealpha, model en-us, self-test heard 'call john smith'"). */
  detail: string;
  /** What to try when not ok. */
  fix: string | null;
}

/**
 * A speech recogniser.
 *
 * Contract:
 * - `recognize` never overlaps itself on one call, but one engine instance
 *   serves many calls at once; engines bound their own work (child process
 *   time, output size) and reject with a `KefuError` (`MEDIA_ERROR` for an
 *   engine fault, `NOT_SUPPORTED` for a mode the engine lacks, `CANCELLED`
 *   when `signal` aborted). No speech or no match is not an error: it
 *   resolves with no hypotheses.
 * - `phrases` that the engine cannot say (words outside its dictionary) are
 *   left out of the grammar; {@link Recognizer.coverage} tells which ones.
 * - `check` looks at the installation (engine runs, model files present) and
 *   never rejects; the recognition self-test is `selfTest` in src/core/asr/self-test.ts.
 */
export interface Recognizer {
  /** Engine name as configured (`pocketsphinx`, `sherpa-onnx`). */
  readonly engine: string;
  /** Language of the model, BCP 47 (`en-US`, `zh-CN`). */
  readonly language: string;
  recognize(audio: AsrAudio, mode: AsrMode, opts?: { signal?: AbortSignal }): Promise<AsrResult>;
  /** Which of `phrases` the engine can recognise (same order); false for out-of-vocabulary words. */
  coverage(phrases: readonly string[]): Promise<boolean[]>;
  check(): Promise<AsrCheck>;
}

/** Most phrases one grammar may hold (an address book bigger than this is cut, longest-unused last). */
export const MAX_GRAMMAR_PHRASES = 5000;
/** Longest audio an engine is handed (ms); a longer utterance is cut. */
export const MAX_UTTERANCE_MS = 30_000;
