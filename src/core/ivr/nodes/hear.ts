/**
 * One question-and-answer turn shared by `listen` and `directory`: play the
 * question (a key interrupts it), record the answer until silence, then
 * recognise it against the phrases. Keys win over speech.
 */
import { SAMPLE_RATE } from '../../audio.ts';
import { hasSpeech } from '../../asr/vad.ts';
import type { Prompt } from '../schema.ts';
import type { NodeEnv } from './types.ts';

/** What the caller did in one turn. */
export type Heard =
  | { kind: 'phrase'; index: number; text: string; confidence: number }
  | { kind: 'text'; text: string; confidence: number }
  | { kind: 'key'; key: string }
  | { kind: 'no-match'; text: string | null }
  | { kind: 'no-input' }
  | { kind: 'hangup' };

/** Timing and threshold of a turn (the node's fields with their defaults). */
export interface HearOptions {
  minConfidence: number;
  maxMs: number;
  silenceMs: number;
  noInputMs: number;
}

export const hearDefaults = (n: { minConfidence?: number | undefined; maxMs?: number | undefined; silenceMs?: number | undefined; noInputMs?: number | undefined }): HearOptions => ({
  minConfidence: n.minConfidence ?? 0.5,
  maxMs: n.maxMs ?? 5000,
  silenceMs: n.silenceMs ?? 800,
  noInputMs: n.noInputMs ?? 4000,
});

/**
 * Runs one turn. `phrases` empty or no recogniser: keys only (the answer is
 * still recorded so the caller's silence ends the turn). `free`: engines
 * without grammar support return text (`kind: 'text'`) for the caller to match.
 */
export async function hear(env: NodeEnv, prompt: Prompt, phrases: readonly string[], o: HearOptions, free = false): Promise<Heard> {
  const played = await env.media.play(prompt, { interruptible: true });
  if (played.hungUp || env.media.signal.aborted) return { kind: 'hangup' };
  if (played.interruptedBy !== null) {
    const key = await env.readDigit(o.noInputMs);
    return key === null ? { kind: 'no-input' } : { kind: 'key', key };
  }
  const rec = await env.media.record({ maxMs: o.maxMs, beep: false, silenceMs: o.silenceMs, noInputMs: o.noInputMs, anyKey: true });
  if (rec.endedBy === 'hangup' || env.media.signal.aborted) return { kind: 'hangup' };
  if (rec.endedBy === 'dtmf') {
    const key = await env.readDigit(o.noInputMs);
    return key === null ? { kind: 'no-input' } : { kind: 'key', key };
  }
  if (!hasSpeech(rec.pcm)) return { kind: 'no-input' };
  const asr = env.ctx.speech?.recognizer;
  if (!asr || (phrases.length === 0 && !free)) return { kind: 'no-match', text: null };
  const r = await asr.recognize({ pcm: rec.pcm, sampleRate: SAMPLE_RATE }, free ? { kind: 'free' } : { kind: 'grammar', phrases }, { signal: env.media.signal });
  if (env.media.signal.aborted) return { kind: 'hangup' };
  const best = r.hypotheses[0];
  if (!best || best.confidence < o.minConfidence) return { kind: 'no-match', text: best?.text ?? null };
  if (best.phraseIndex !== undefined) return { kind: 'phrase', index: best.phraseIndex, text: best.text, confidence: best.confidence };
  return free ? { kind: 'text', text: best.text, confidence: best.confidence } : { kind: 'no-match', text: best.text };
}
