/**
 * The call-progress classifier on real voices: espeak-ng through the
 * project's TTS (Mandarin and English), after ringback, as a person's
 * "喂？" and a machine's announcement.
 */
import { describe, expect, it } from 'vitest';
import { CallProgressDetector } from '../../src/core/call-progress/detector.ts';
import { pcmToFloat } from '../../src/core/call-progress/dsp.ts';
import { farEnd, toPcm } from '../../src/core/call-progress/far-end-audio.ts';
import { EspeakTts } from '../../src/media/tts.ts';

const tts = new EspeakTts();

async function heard(kind: 'live' | 'crbt-live' | 'machine', text: string, voice: string): Promise<string[]> {
  const v = pcmToFloat(await tts.synthesize(text, voice));
  // The TTS peaks at -3 dBFS; a phone line is quieter.
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * 0.3;
  const d = new CallProgressDetector();
  d.push(toPcm(farEnd(kind, 3, { country: 'CN', voice: v, noiseDb: -50 })));
  return d.decisions.map((h) => h.kind);
}

describe('answer detection on TTS voices', () => {
  it('"喂，你好" after ringback: a person', async () => {
    expect(await heard('live', '喂，你好。', 'cmn')).toEqual(['ringback', 'answered-live']);
  });

  it('"Hello?" after colour ring-back music: a person', async () => {
    expect(await heard('crbt-live', 'Hello?', 'en-us')).toEqual(['colour-ringback', 'answered-live']);
  });

  it('a voicemail announcement: a machine', async () => {
    expect(await heard('machine', '你好，我现在不方便接听电话，请在提示音后留言，谢谢。', 'cmn')).toEqual(['ringback', 'answered-machine']);
  });
});
