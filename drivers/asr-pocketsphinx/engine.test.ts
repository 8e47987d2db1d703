/**
 * The real pocketsphinx (Debian) over telephone audio: 60 names spoken by
 * espeak-ng at 8 kHz, recognised against a grammar of all 60. Prints the
 * accuracy and asserts the floor it meets on this machine.
 */
import { describe, expect, it } from 'vitest';
import { PocketsphinxRecognizer } from './engine.ts';
import { buildGrammar, parseOutput, phraseWords } from './grammar.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import { SAMPLE_RATE } from '../../src/core/audio.ts';
import { ASR_NAMES } from '../../test/fixtures/asr-names.ts';

describe('pocketsphinx grammar helpers', () => {
  it('normalises phrases to dictionary words', () => {
    expect(phraseWords("  Mary-Ann O'Brien! ")).toEqual(['mary', 'ann', "o'brien"]);
    expect(phraseWords('王芳')).toEqual([]);
  });

  it('builds a grammar of the phrases the dictionary knows, mapping back to the list', () => {
    const g = buildGrammar(['John Smith', 'Zzyx Qwv', 'john  smith', 'Amy Cook'], (w) => w !== 'zzyx');
    expect(g.jsgf).toContain('public <utterance> = john smith | amy cook;');
    expect([...g.index]).toEqual([['john smith', 0], ['amy cook', 3]]);
    expect(buildGrammar(['王芳'], () => true).jsgf).toBeNull();
  });

  it('reads the hypothesis and the word posteriors', () => {
    expect(parseOutput('amy cook\n<sil> 0.000 0.260 1.000000\namy 0.27 0.65 0.900000\ncook 0.66 0.98 0.500000\n')).toEqual({ text: 'amy cook', confidence: 0.45 });
    expect(parseOutput('\n\n')).toBeNull();
  });
});

describe('pocketsphinx on telephone audio (real engine)', () => {
  const asr = new PocketsphinxRecognizer();

  it('reports its installation', async () => {
    const c = await asr.check();
    expect(c.ok, c.detail).toBe(true);
    expect(await asr.coverage(['John Smith', 'Qxzzy Vwwq'])).toEqual([true, false]);
  });

  it('returns no hypothesis for silence and refuses free text', async () => {
    const r = await asr.recognize({ pcm: Buffer.alloc(SAMPLE_RATE), sampleRate: SAMPLE_RATE }, { kind: 'grammar', phrases: ASR_NAMES });
    expect(r.hypotheses).toEqual([]);
    await expect(asr.recognize({ pcm: Buffer.alloc(10), sampleRate: SAMPLE_RATE }, { kind: 'free' })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('recognises at least 90 % of 60 espeak-ng names at 8 kHz', async () => {
    const tts = new EspeakTts();
    let right = 0;
    const wrong: string[] = [];
    let audioMs = 0;
    let elapsedMs = 0;
    for (const [i, name] of ASR_NAMES.entries()) {
      const pcm = await tts.synthesize(name, 'en-us');
      const r = await asr.recognize({ pcm, sampleRate: SAMPLE_RATE }, { kind: 'grammar', phrases: ASR_NAMES });
      audioMs += r.audioMs;
      elapsedMs += r.elapsedMs;
      if (r.hypotheses[0]?.phraseIndex === i) right++;
      else wrong.push(`${name} → ${r.hypotheses[0]?.text ?? '(nothing)'}`);
    }
    const accuracy = right / ASR_NAMES.length;
    console.log(`pocketsphinx: ${right}/${ASR_NAMES.length} names right (${(accuracy * 100).toFixed(1)} %), real-time factor ${(elapsedMs / audioMs).toFixed(3)}; wrong: ${wrong.join('; ') || 'none'}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
