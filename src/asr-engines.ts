/** Picks the speech recogniser for `asr.engine`. One engine per folder under drivers/ (a composition point like src/drivers.ts). */
import type { Config } from './config/schema.ts';
import type { Recognizer } from './core/asr/types.ts';
import { PocketsphinxRecognizer } from '../drivers/asr-pocketsphinx/engine.ts';
import { SherpaOnnxRecognizer } from '../drivers/asr-sherpa-onnx/engine.ts';

/** The configured speech recogniser, or null for `asr.engine: none`. */
export function createRecognizer(asr: Config['asr']): Recognizer | null {
  switch (asr.engine) {
    case 'none':
      return null;
    case 'pocketsphinx':
      return new PocketsphinxRecognizer({ ...asr.pocketsphinx, timeoutMs: asr.timeoutMs, maxConcurrent: asr.maxConcurrent });
    case 'sherpa-onnx':
      return new SherpaOnnxRecognizer({ model: asr.sherpaOnnx.model, tokens: asr.sherpaOnnx.tokens, language: asr.sherpaOnnx.language });
  }
}
