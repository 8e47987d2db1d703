/**
 * The PromptResolver the daemon gives to its IVR media adapters: `{ text }`
 * prompts through TTS, `{ file }` prompts through a loader of stored audio.
 */
import type { PromptResolver } from '../core/ivr/media.ts';
import type { Prompt } from '../core/ivr/schema.ts';
import type { TextToSpeech } from '../core/ports.ts';

/** Loads a stored audio file by id as telephone PCM (rejects NOT_FOUND when missing). */
export type AudioLoader = (fileId: string) => Promise<Buffer>;

/** Resolves prompts to telephone PCM; text prompts default to the `en-us` voice. */
export class TtsPromptResolver implements PromptResolver {
  constructor(
    private readonly tts: TextToSpeech,
    private readonly loadAudio: AudioLoader,
  ) {}

  resolve(prompt: Prompt): Promise<Buffer> {
    if ('file' in prompt) return this.loadAudio(prompt.file);
    return this.tts.synthesize(prompt.text, prompt.voice ?? 'en-us');
  }
}
