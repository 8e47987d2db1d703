/**
 * Streaming WAV writer for recordings: writes a header with placeholder sizes
 * (0), appends samples as they come, and patches the sizes on close. If the
 * process dies first, `repairWavHeader` recovers the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { KefuError } from '../core/errors.ts';
import { TELEPHONE_FORMAT, WAV_HEADER_BYTES, wavHeader, type WavFormat } from './wav.ts';

const MAX_DATA = 0xffffffff - 36;

/** A WAV file being written. Writes are serialised; `close` waits for them. */
export class WavWriter {
  private dataBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    /** Path of the file. */
    readonly path: string,
    /** PCM format of the samples. */
    readonly format: WavFormat,
  ) {}

  /**
   * Creates (or replaces) `path` and writes the placeholder header.
   * `exclusive` fails with EEXIST instead of replacing an existing file;
   * `mode` is the new file's permission bits (default 0600: recordings are private).
   */
  static async open(path: string, format: WavFormat = TELEPHONE_FORMAT, opts: { exclusive?: boolean; mode?: number } = {}): Promise<WavWriter> {
    const fh = await open(path, opts.exclusive ? 'wx' : 'w', opts.mode ?? 0o600);
    try {
      const header = wavHeader(0, format);
      header.writeUInt32LE(0, 4); // placeholder RIFF size: "unknown yet"
      await fh.write(header, 0, header.length, 0);
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new WavWriter(fh, path, format);
  }

  /** Bytes of samples accepted so far. */
  get bytesWritten(): number {
    return this.dataBytes;
  }

  /** Appends samples (resolves once they reached the file). */
  write(pcm: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new KefuError('MEDIA_ERROR', `WAV writer for ${this.path} is closed`));
    if (this.dataBytes + pcm.length > MAX_DATA) return Promise.reject(new KefuError('MEDIA_ERROR', `recording ${this.path} exceeds the 4 GiB WAV limit`));
    const position = WAV_HEADER_BYTES + this.dataBytes;
    this.dataBytes += pcm.length;
    const copy = Buffer.from(pcm);
    return this.enqueue(async () => {
      await this.fh.write(copy, 0, copy.length, position);
    });
  }

  /** Patches the header with the sizes so far (call now and then so a crash loses less). */
  syncHeader(): Promise<void> {
    const bytes = this.dataBytes;
    return this.enqueue(() => this.patch(bytes));
  }

  /** Patches the sizes and closes the file. Idempotent. */
  async close(): Promise<{ dataBytes: number; durationMs: number }> {
    if (!this.closed) {
      this.closed = true;
      const bytes = this.dataBytes;
      try {
        await this.enqueue(async () => {
          await this.patch(bytes);
          await this.fh.sync();
        });
      } finally {
        await this.fh.close();
      }
    }
    const frame = this.format.channels * (this.format.bitsPerSample / 8);
    return { dataBytes: this.dataBytes, durationMs: (this.dataBytes / frame / this.format.sampleRate) * 1000 };
  }

  private async patch(bytes: number): Promise<void> {
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(36 + bytes, 0);
    await this.fh.write(sizes, 0, 4, 4);
    sizes.writeUInt32LE(bytes, 0);
    await this.fh.write(sizes, 0, 4, 40);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
