import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcmDurationMs } from '../core/audio.ts';
import { isKefuError } from '../core/errors.ts';
import { EspeakTts, espeakVoice, speakableDigits } from './tts.ts';
import { TtsPromptResolver } from './prompts.ts';

/** Root-mean-square level of s16le PCM, 0..32767. */
const rms = (pcm: Buffer): number => {
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(sum / (pcm.length / 2));
};

describe('EspeakTts (real espeak-ng + sox)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kefu-tts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks English as 8 kHz s16le PCM of plausible length', async () => {
    const tts = new EspeakTts();
    const pcm = await tts.synthesize('For sales, press 1. For support, press 2.', 'en-us');
    expect(pcm.length % 2).toBe(0);
    const ms = pcmDurationMs(pcm.length);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(6000);
    expect(rms(pcm)).toBeGreaterThan(500); // speech, not silence
  });

  it('speaks pinyin with the Mandarin voice, and Han characters too', async () => {
    const tts = new EspeakTts();
    const pinyin = await tts.synthesize('huan1 ying2 zhi4 dian4', 'cmn');
    expect(pcmDurationMs(pinyin.length)).toBeGreaterThan(700);
    expect(pcmDurationMs(pinyin.length)).toBeLessThan(4000);
    expect(rms(pinyin)).toBeGreaterThan(500);
    const han = await tts.synthesize('欢迎致电', 'cmn');
    // the same four syllables: about as long as the pinyin
    expect(Math.abs(pcmDurationMs(han.length) - pcmDurationMs(pinyin.length))).toBeLessThan(1000);
  });

  it('serves the second request from memory and a new instance from disk', async () => {
    const tts = new EspeakTts({ cacheDir: dir });
    const a = await tts.synthesize('Hello', 'en-us');
    const b = await tts.synthesize('Hello', 'en-us');
    expect(b).toBe(a);
    expect(tts.stats()).toEqual({ memoryHits: 1, diskHits: 0, synthesized: 1 });
    expect(await readdir(dir)).toEqual([`${tts.cacheKey('Hello', 'en-us')}.s16`]);

    const again = new EspeakTts({ cacheDir: dir });
    const c = await again.synthesize('Hello', 'en-us');
    expect(c.equals(a)).toBe(true);
    expect(again.stats()).toEqual({ memoryHits: 0, diskHits: 1, synthesized: 0 });
    expect(again.cacheKey('Hello', 'cmn')).not.toBe(again.cacheKey('Hello', 'en-us'));
  });

  it('keeps the disk cache under its bound, dropping the least recently used', async () => {
    const own = await mkdtemp(join(tmpdir(), 'kefu-tts-bound-'));
    try {
      // about 10-20 KB of PCM per short word: a 60 KB bound holds only a few
      const tts = new EspeakTts({ cacheDir: own, diskCacheBytes: 60_000 });
      const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
      for (const w of words) await tts.synthesize(w, 'en-us');
      const after = await tts.trimDisk();
      expect(after.bytes).toBeLessThanOrEqual(60_000);
      const left = await readdir(own);
      expect(left.length).toBeLessThan(words.length);
      // the newest survives, the oldest went
      expect(left).toContain(`${tts.cacheKey('ten', 'en-us')}.s16`);
      expect(left).not.toContain(`${tts.cacheKey('one', 'en-us')}.s16`);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('shares one synthesis between concurrent requests', async () => {
    const tts = new EspeakTts();
    const [a, b] = await Promise.all([tts.synthesize('Please hold', 'en-us'), tts.synthesize('Please hold', 'en-us')]);
    expect(a).toBe(b);
    expect(tts.stats().synthesized).toBe(1);
  });

  it('says which tool is missing', async () => {
    const tts = new EspeakTts({ espeakPath: 'espeak-ng-not-here' });
    const err: unknown = await tts.synthesize('Hello', 'en-us').catch((e: unknown) => e);
    expect(isKefuError(err, 'MEDIA_ERROR')).toBe(true);
    expect((err as Error).message).toMatch(/espeak-ng-not-here is not installed \(install the Debian package "espeak-ng"\)/);
    const noSox = new EspeakTts({ soxPath: '/nonexistent/sox' });
    await expect(noSox.synthesize('Hello', 'en-us')).rejects.toThrow(/sox is not installed|package "sox"/);
  });

  it('rejects empty text and bad voices before running anything', async () => {
    const tts = new EspeakTts();
    await expect(tts.synthesize('   ', 'en-us')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(tts.synthesize('hi', 'en us; rm')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(tts.synthesize('hi', 'xx-nope')).rejects.toMatchObject({ code: 'MEDIA_ERROR' });
  });

  it('resolves prompts through TTS or the audio loader', async () => {
    const tts = new EspeakTts();
    const resolver = new TtsPromptResolver(tts, (id) => Promise.resolve(Buffer.from(id)));
    expect((await resolver.resolve({ file: 'abc' })).toString()).toBe('abc');
    expect((await resolver.resolve({ text: 'Goodbye' })).length).toBeGreaterThan(4000);
  });
});

describe('speakableDigits and voices', () => {
  it('spaces out digits', () => {
    expect(speakableDigits('13800138000')).toBe('1 3 8 0 0 1 3 8 0 0 0');
    expect(speakableDigits('+86 138-0013-8000', { groups: [2, 3, 4, 4] })).toBe('8 6, 1 3 8, 0 0 1 3, 8 0 0 0');
    expect(speakableDigits('95588', { groups: [3] })).toBe('9 5 5, 8 8');
    expect(speakableDigits('110#', { voice: 'cmn' })).toBe('yao1 yao1 ling2 jing3');
  });

  it('maps kefu voices to espeak-ng voices', () => {
    expect(espeakVoice('cmn')).toBe('cmn-latn-pinyin');
    expect(espeakVoice('en-us')).toBe('en-us');
    expect(espeakVoice('de')).toBe('de');
  });
});
