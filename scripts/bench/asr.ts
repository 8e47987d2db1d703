/**
 * Speech recognition per engine over the name set (test/fixtures/asr-names.ts):
 * each name spoken by espeak-ng, made telephone PCM (8 kHz), recognised
 * against a grammar of all the names. Conditions: espeak's default pace for
 * our prompts (150 wpm), a faster speaker (190 wpm), and line noise (white
 * noise about 30 dB under the speech peak, added at 8 kHz). Accuracy and
 * real-time factor (engine time / audio time); writes bench/results/asr.json.
 * An engine that is not installed is listed with the reason.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PocketsphinxRecognizer } from '../../drivers/asr-pocketsphinx/engine.ts';
import { SherpaOnnxRecognizer } from '../../drivers/asr-sherpa-onnx/engine.ts';
import type { Recognizer } from '../../src/core/asr/types.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import { ASR_NAMES } from '../../test/fixtures/asr-names.ts';
import { table } from './load.ts';

function noisy(pcm: Buffer, level: number): Buffer {
  const out = Buffer.alloc(pcm.length);
  let seed = 12345;
  for (let i = 0; i < pcm.length; i += 2) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const v = pcm.readInt16LE(i) + Math.round(((seed / 0xffffffff) * 2 - 1) * level);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i);
  }
  return out;
}

export async function run(): Promise<unknown> {
  const normal = new EspeakTts();
  const fast = new EspeakTts({ wordsPerMinute: 190 });
  const conditions: Array<{ name: string; audio: Buffer[] }> = [];
  const at150 = await Promise.all(ASR_NAMES.map((n) => normal.synthesize(n, 'en-us')));
  conditions.push({ name: 'espeak-ng 150 wpm', audio: at150 });
  conditions.push({ name: 'espeak-ng 190 wpm', audio: await Promise.all(ASR_NAMES.map((n) => fast.synthesize(n, 'en-us'))) });
  conditions.push({ name: '150 wpm + line noise (-30 dB)', audio: at150.map((p) => noisy(p, 700)) });

  const engines: Array<[string, Recognizer]> = [
    ['pocketsphinx', new PocketsphinxRecognizer({ maxConcurrent: 1 })],
    ['sherpa-onnx', new SherpaOnnxRecognizer({})],
  ];
  const rows: Array<Record<string, unknown>> = [];
  for (const [name, asr] of engines) {
    const check = await asr.check();
    if (!check.ok) {
      rows.push({ engine: name, condition: '-', names: 0, right: '-', accuracy: `not available: ${check.detail}`, rtf: '-', msPerName: '-' });
      continue;
    }
    for (const c of conditions) {
      let right = 0;
      let audioMs = 0;
      let elapsedMs = 0;
      const wrong: string[] = [];
      for (const [i, pcm] of c.audio.entries()) {
        const r = await asr.recognize({ pcm, sampleRate: 8000 }, { kind: 'grammar', phrases: ASR_NAMES });
        audioMs += r.audioMs;
        elapsedMs += r.elapsedMs;
        if (r.hypotheses[0]?.phraseIndex === i) right++;
        else wrong.push(`${ASR_NAMES[i]} → ${r.hypotheses[0]?.text ?? '(nothing)'}`);
      }
      rows.push({
        engine: name, condition: c.name, names: c.audio.length, right, accuracy: `${((right / c.audio.length) * 100).toFixed(1)} %`,
        rtf: (elapsedMs / audioMs).toFixed(3), msPerName: Math.round(elapsedMs / c.audio.length), wrong: wrong.join('; '),
      });
    }
  }
  console.log(table(rows.map(({ wrong: _w, ...r }) => r)));
  const result = { at: new Date().toISOString(), cores: (await import('node:os')).cpus().length, grammar: ASR_NAMES.length, rows };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/asr.json', JSON.stringify(result, null, 2));
  return result;
}
