/**
 * `kefu diagnose`: the configured speech recogniser — installed, model
 * present, and a self-test recognising a phrase spoken by espeak-ng at 8 kHz.
 */
import type { Config } from '../config/schema.ts';
import { createRecognizer } from '../asr-engines.ts';
import { EspeakTts } from '../media/tts.ts';
import { SAMPLE_RATE } from '../core/audio.ts';
import type { Check } from './check.ts';

const SELF_TEST = ['John Smith', 'Mary Johnson', 'Robert Brown'];

export async function asrChecks(config: Readonly<Config>): Promise<Check[]> {
  const asr = createRecognizer(config.asr);
  const title = `speech recognition (${config.asr.engine})`;
  if (!asr) return [{ id: 'asr', title, ok: true, detail: 'off (asr.engine: none): listen and directory nodes take keys only', fix: null }];
  const c = await asr.check();
  if (!c.ok) return [{ id: 'asr', title, ok: false, detail: c.detail, fix: c.fix }];
  const checks: Check[] = [{ id: 'asr', title, ok: true, detail: c.detail, fix: null }];
  if (!asr.language.toLowerCase().startsWith('en')) return checks; // the self-test speaks English
  try {
    const pcm = await new EspeakTts().synthesize(SELF_TEST[0]!, 'en-us');
    const r = await asr.recognize({ pcm, sampleRate: SAMPLE_RATE }, { kind: 'grammar', phrases: SELF_TEST });
    const heard = r.hypotheses[0];
    const ok = heard?.phraseIndex === 0;
    checks.push({
      id: 'asr-self-test', title: `${title}: self-test`, ok,
      detail: `said "${SELF_TEST[0]}" (espeak-ng, 8 kHz), heard ${heard ? `"${heard.text}"` : 'nothing'} in ${r.elapsedMs} ms`,
      fix: ok ? null : 'check asr.pocketsphinx.noiseLevel / targetPeak (defaults 50 / 4000) and that the model is the 16 kHz en-us one',
    });
  } catch (err) {
    checks.push({ id: 'asr-self-test', title: `${title}: self-test`, ok: false, detail: (err as Error).message, fix: 'install espeak-ng and sox (the self-test speaks with them)' });
  }
  return checks;
}
