/**
 * Offline text-to-speech with espeak-ng, resampled by sox to telephone PCM
 * (8 kHz mono s16le, see src/core/audio.ts), cached in memory (LRU) and on disk.
 *
 * Voices: `en-us` (English) and `cmn` (Mandarin, run as espeak-ng's
 * `cmn-latn-pinyin` voice). Write Mandarin prompts in Han characters
 * ("欢迎致电"): the voice reads them through espeak-ng's own dictionary,
 * character by character (no word-level tone sandhi); tone-numbered pinyin
 * ("huan1 ying2") is read too, but nobody should have to write it. Any other espeak-ng
 * voice name is passed through as is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KefuError } from '../core/errors.ts';
import type { TextToSpeech } from '../core/ports.ts';
import { Lru } from '../core/lru.ts';
import { runTool } from './run-tool.ts';

/** Options of {@link EspeakTts}. */
export interface EspeakTtsOptions {
  /** Folder for the disk cache (created when missing). Default: none (memory only). */
  cacheDir?: string | null;
  /** Bound of the in-memory LRU, in bytes of PCM. Default 32 MiB (about 35 minutes of audio). */
  memoryCacheBytes?: number;
  /** Per tool run. Default 20 s. */
  timeoutMs?: number;
  /** espeak-ng speed in words per minute. Default 150 (a bit slower than espeak's 175, for phone lines). */
  wordsPerMinute?: number;
  /** Target peak level in dBFS after normalisation. Default -3. */
  peakDb?: number;
  /** Executables. Defaults: `espeak-ng`, `sox` from PATH. */
  espeakPath?: string;
  soxPath?: string;
  /** Longest text accepted. Default 2000 characters (as the flow schema). */
  maxTextLength?: number;
  /** Bound of the disk cache in bytes: past it the least recently used files go. Default 256 MiB. */
  diskCacheBytes?: number;
}

/** Cache counters. */
export interface TtsStats {
  memoryHits: number;
  diskHits: number;
  synthesized: number;
}

/** The espeak-ng voice used for a kefu voice name. */
export function espeakVoice(voice: string): string {
  if (voice === 'cmn' || voice === 'zh' || voice === 'zh-cn') return 'cmn-latn-pinyin';
  if (voice === 'en' || voice === 'en-us') return 'en-us';
  if (!/^[A-Za-z0-9_+-]{1,64}$/.test(voice)) throw new KefuError('BAD_REQUEST', `unknown voice "${voice}": expected en-us or cmn`);
  return voice;
}

const PINYIN_DIGITS = ['ling2', 'yao1', 'er4', 'san1', 'si4', 'wu3', 'liu4', 'qi1', 'ba1', 'jiu3'];

/**
 * A phone number spelled digit by digit so TTS does not read it as an amount:
 * `speakableDigits('13800138000')` → `'1 3 8 0 0 1 3 8 0 0 0'`. With
 * `groups` (e.g. `[3, 4, 4]`) a comma (a short pause) separates the groups.
 * With `voice: 'cmn'` digits come out in pinyin the way Chinese read phone
 * numbers ("yao1" for 1). Characters other than digits, `*` and `#` are dropped.
 */
export function speakableDigits(number: string, opts: { groups?: number[]; voice?: 'en-us' | 'cmn' } = {}): string {
  const keys = [...number].filter((c) => /[0-9*#]/.test(c));
  const word = (c: string): string => {
    if (opts.voice === 'cmn') return c === '*' ? 'xing1' : c === '#' ? 'jing3' : (PINYIN_DIGITS[Number(c)] ?? c);
    return c === '*' ? 'star' : c === '#' ? 'hash' : c;
  };
  const words = keys.map(word);
  if (!opts.groups || opts.groups.length === 0) return words.join(' ');
  const out: string[] = [];
  let i = 0;
  for (const size of opts.groups) {
    if (i >= words.length) break;
    out.push(words.slice(i, i + size).join(' '));
    i += size;
  }
  if (i < words.length) out.push(words.slice(i).join(' '));
  return out.join(', ');
}

/** {@link TextToSpeech} over espeak-ng and sox, with a two-level cache. */
export class EspeakTts implements TextToSpeech {
  private readonly memory: Lru<string, Buffer>;
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private readonly counters: TtsStats = { memoryHits: 0, diskHits: 0, synthesized: 0 };
  private readonly opts: Required<Omit<EspeakTtsOptions, 'cacheDir'>> & { cacheDir: string | null };
  /** Bytes written to the disk cache since its last trim. */
  private diskWritten = 0;

  constructor(opts: EspeakTtsOptions = {}) {
    this.opts = {
      cacheDir: opts.cacheDir ?? null,
      memoryCacheBytes: opts.memoryCacheBytes ?? 32 * 1024 * 1024,
      timeoutMs: opts.timeoutMs ?? 20_000,
      wordsPerMinute: opts.wordsPerMinute ?? 150,
      peakDb: opts.peakDb ?? -3,
      espeakPath: opts.espeakPath ?? 'espeak-ng',
      soxPath: opts.soxPath ?? 'sox',
      maxTextLength: opts.maxTextLength ?? 2000,
      diskCacheBytes: opts.diskCacheBytes ?? 256 * 1024 * 1024,
    };
    this.memory = new Lru<string, Buffer>(this.opts.memoryCacheBytes, (b) => b.length);
  }

  /** Cache counters since construction. */
  stats(): TtsStats {
    return { ...this.counters };
  }

  /** Cache key: sha256 of everything that changes the audio. */
  cacheKey(text: string, voice: string): string {
    const { wordsPerMinute, peakDb } = this.opts;
    return createHash('sha256').update(JSON.stringify(['v1', espeakVoice(voice), wordsPerMinute, peakDb, text])).digest('hex');
  }

  /**
   * Telephone PCM for `text` in `voice` (`en-us` or `cmn`). Rejects with
   * BAD_REQUEST for empty or too long text or a malformed voice name, and with
   * MEDIA_ERROR (naming the tool) when espeak-ng or sox is missing, fails or
   * times out. Concurrent calls for the same text share one synthesis.
   */
  async synthesize(text: string, voice: string): Promise<Buffer> {
    const clean = text.trim();
    if (clean === '') throw new KefuError('BAD_REQUEST', 'text is empty: expected words to speak');
    if (clean.length > this.opts.maxTextLength) {
      throw new KefuError('BAD_REQUEST', `text is ${clean.length} characters long: expected at most ${this.opts.maxTextLength}`);
    }
    const key = this.cacheKey(clean, voice);
    const hit = this.memory.get(key);
    if (hit) {
      this.counters.memoryHits++;
      return hit;
    }
    let job = this.inflight.get(key);
    if (!job) {
      job = this.load(key, clean, voice).finally(() => this.inflight.delete(key));
      this.inflight.set(key, job);
    }
    return job;
  }

  private async load(key: string, text: string, voice: string): Promise<Buffer> {
    const file = this.opts.cacheDir !== null ? join(this.opts.cacheDir, `${key}.s16`) : null;
    if (file !== null) {
      const cached = await readFile(file).catch(() => null);
      if (cached !== null && cached.length > 0 && cached.length % 2 === 0) {
        this.counters.diskHits++;
        // The file's time says when it was last used: the disk cache drops the least recently used.
        const now = new Date();
        await utimes(file, now, now).catch(() => undefined); // a cache file whose time cannot be set only ages sooner
        this.memory.set(key, cached);
        return cached;
      }
    }
    const pcm = await this.render(text, espeakVoice(voice));
    this.counters.synthesized++;
    this.memory.set(key, pcm);
    if (file !== null) await this.store(file, pcm);
    return pcm;
  }

  private async render(text: string, voice: string): Promise<Buffer> {
    const { espeakPath, soxPath, timeoutMs, wordsPerMinute, peakDb } = this.opts;
    const wav = await runTool(espeakPath, ['-v', voice, '-s', String(wordsPerMinute), '--stdin', '--stdout'], {
      input: text,
      timeoutMs,
      packageName: 'espeak-ng',
    });
    if (wav.length <= 44) throw new KefuError('MEDIA_ERROR', `espeak-ng produced no audio for voice ${voice}`);
    const pcm = await runTool(
      soxPath,
      ['-q', '-t', 'wav', '-', '-t', 'raw', '-r', '8000', '-c', '1', '-e', 'signed-integer', '-b', '16', '-L', '-', 'gain', '-n', String(peakDb)],
      { input: wav, timeoutMs, packageName: 'sox' },
    );
    if (pcm.length === 0) throw new KefuError('MEDIA_ERROR', 'sox produced no audio');
    return pcm.length % 2 === 0 ? pcm : pcm.subarray(0, pcm.length - 1);
  }

  /** Writes a cache file atomically; a cache that cannot be written only costs speed. */
  private async store(file: string, pcm: Buffer): Promise<void> {
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.opts.cacheDir as string, { recursive: true });
      await writeFile(tmp, pcm);
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
      return;
    }
    this.diskWritten += pcm.length;
    // A scan now and then (a tenth of the bound written since the last one) keeps the folder under its bound.
    if (this.diskWritten >= this.opts.diskCacheBytes / 10) {
      this.diskWritten = 0;
      await this.trimDisk();
    }
  }

  /** Deletes the least recently used cache files until the folder is at most 80 % of its bound. */
  async trimDisk(): Promise<{ files: number; bytes: number; removed: number }> {
    const dir = this.opts.cacheDir;
    if (dir === null) return { files: 0, bytes: 0, removed: 0 };
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.s16'));
    const files = (await Promise.all(names.map(async (n) => {
      const st = await stat(join(dir, n)).catch(() => null);
      return st ? { path: join(dir, n), size: st.size, used: st.mtimeMs } : null;
    }))).filter((f): f is { path: string; size: number; used: number } => f !== null);
    let bytes = files.reduce((a, f) => a + f.size, 0);
    let removed = 0;
    if (bytes > this.opts.diskCacheBytes) {
      for (const f of files.sort((a, b) => a.used - b.used)) {
        if (bytes <= this.opts.diskCacheBytes * 0.8) break;
        await rm(f.path, { force: true }).catch(() => undefined); // a file that cannot go is tried again on the next trim
        bytes -= f.size;
        removed++;
      }
    }
    return { files: files.length - removed, bytes, removed };
  }
}
