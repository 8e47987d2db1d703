/**
 * WAV (RIFF/WAVE, PCM) encoding and decoding for telephone audio, and header
 * repair for files whose writer died. The streaming writer for recordings is
 * `WavWriter` in ./wav-writer.ts.
 *
 * Canonical layout written here (44-byte header):
 *   0 "RIFF" | 4 u32 fileSize-8 | 8 "WAVE" | 12 "fmt " | 16 u32 16 | 20 u16 1 (PCM)
 *   22 u16 channels | 24 u32 sampleRate | 28 u32 byteRate | 32 u16 blockAlign
 *   34 u16 bitsPerSample | 36 "data" | 40 u32 dataSize | 44 samples (little-endian)
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import { KefuError } from '../core/errors.ts';
import { BYTES_PER_SAMPLE, SAMPLE_RATE } from '../core/audio.ts';

/** PCM format of a WAV file. */
export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** kefu's telephone format: 8 kHz, mono, 16-bit. */
export const TELEPHONE_FORMAT: Readonly<WavFormat> = Object.freeze({ sampleRate: SAMPLE_RATE, channels: 1, bitsPerSample: BYTES_PER_SAMPLE * 8 });
/** Size of the header {@link wavHeader} writes. */
export const WAV_HEADER_BYTES = 44;
const MAX_DATA = 0xffffffff - 36;

const bad = (message: string, details?: unknown): KefuError => new KefuError('MEDIA_ERROR', message, details);
const blockAlign = (f: WavFormat): number => f.channels * (f.bitsPerSample / 8);

/** A 44-byte canonical PCM header for `dataBytes` of samples. */
export function wavHeader(dataBytes: number, format: WavFormat = TELEPHONE_FORMAT): Buffer {
  if (dataBytes < 0 || dataBytes > MAX_DATA) throw bad(`WAV data of ${dataBytes} bytes does not fit a RIFF file`);
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(format.channels, 22);
  h.writeUInt32LE(format.sampleRate, 24);
  h.writeUInt32LE(format.sampleRate * blockAlign(format), 28);
  h.writeUInt16LE(blockAlign(format), 32);
  h.writeUInt16LE(format.bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A complete WAV file of `pcm` (telephone format by default). */
export function encodeWav(pcm: Buffer, format: WavFormat = TELEPHONE_FORMAT): Buffer {
  return Buffer.concat([wavHeader(pcm.length, format), pcm]);
}

/** Where the parts of a WAV file are. */
export interface WavLayout {
  format: WavFormat;
  /** Offset of the first sample. */
  dataOffset: number;
  /** Data size the header claims. */
  declaredDataBytes: number;
  /** RIFF size the header claims. */
  declaredRiffBytes: number;
}

/**
 * Walks the RIFF chunks of a file's first bytes (skipping LIST and other
 * chunks) up to the `data` chunk. Throws MEDIA_ERROR when it is not a PCM WAV.
 */
export function parseWavLayout(head: Buffer): WavLayout {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('not a WAV file: expected a RIFF/WAVE header');
  }
  let format: WavFormat | null = null;
  let pos = 12;
  while (pos + 8 <= head.length) {
    const id = head.toString('ascii', pos, pos + 4);
    const size = head.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      if (size < 16 || pos + 8 + 16 > head.length) throw bad('WAV fmt chunk is truncated');
      const tag = head.readUInt16LE(pos + 8);
      const ext = tag === 0xfffe && size >= 40 && pos + 8 + 26 <= head.length ? head.readUInt16LE(pos + 8 + 24) : null;
      if (tag !== 1 && ext !== 1) throw bad(`WAV encoding ${tag} is not supported: expected PCM (1)`, { formatTag: tag });
      format = { channels: head.readUInt16LE(pos + 10), sampleRate: head.readUInt32LE(pos + 12), bitsPerSample: head.readUInt16LE(pos + 22) };
      if (format.channels < 1 || ![8, 16, 24, 32].includes(format.bitsPerSample)) throw bad('WAV fmt chunk is not valid PCM', format);
    } else if (id === 'data') {
      if (!format) throw bad('WAV data chunk comes before its fmt chunk');
      return { format, dataOffset: pos + 8, declaredDataBytes: size, declaredRiffBytes: head.readUInt32LE(4) };
    }
    pos += 8 + size + (size % 2);
  }
  throw bad('WAV file has no data chunk in its first bytes');
}

/**
 * Decodes a WAV file held in memory. A data size larger than the file (a
 * writer that died before patching the header) is clamped to what is there,
 * cut to whole sample frames.
 */
export function decodeWav(file: Buffer): { format: WavFormat; pcm: Buffer } {
  const layout = parseWavLayout(file);
  const available = file.length - layout.dataOffset;
  let bytes = Math.min(layout.declaredDataBytes, available);
  bytes -= bytes % blockAlign(layout.format);
  return { format: layout.format, pcm: file.subarray(layout.dataOffset, layout.dataOffset + bytes) };
}

/** Reads a WAV file from disk (see {@link decodeWav}). */
export async function readWav(path: string): Promise<{ format: WavFormat; pcm: Buffer }> {
  return decodeWav(await readFile(path));
}

/** Writes `pcm` as a WAV file (telephone format by default). */
export async function writeWav(path: string, pcm: Buffer, format: WavFormat = TELEPHONE_FORMAT, mode = 0o600): Promise<void> {
  await writeFile(path, encodeWav(pcm, format), { mode });
}

/** What {@link repairWavHeader} did. */
export interface WavRepair {
  repaired: boolean;
  dataBytes: number;
  /** Bytes of a trailing partial sample frame that were cut off. */
  truncatedBytes: number;
}

/**
 * Fixes the RIFF and data sizes of a WAV file whose writer crashed (sizes
 * still 0 or otherwise wrong): the data chunk is taken to run to the end of
 * the file, cut to whole sample frames. Files that are already consistent are
 * left untouched. Throws MEDIA_ERROR when the header itself is unreadable.
 */
export async function repairWavHeader(path: string): Promise<WavRepair> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
    const layout = parseWavLayout(head);
    const frame = blockAlign(layout.format);
    const consistent =
      layout.declaredRiffBytes === size - 8 &&
      layout.dataOffset + layout.declaredDataBytes <= size &&
      layout.declaredDataBytes % frame === 0;
    if (consistent) return { repaired: false, dataBytes: layout.declaredDataBytes, truncatedBytes: 0 };
    const raw = size - layout.dataOffset;
    const truncatedBytes = raw % frame;
    const dataBytes = raw - truncatedBytes;
    if (dataBytes > MAX_DATA) throw bad(`WAV data of ${dataBytes} bytes does not fit a RIFF file`);
    if (truncatedBytes > 0) await fh.truncate(size - truncatedBytes);
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(size - truncatedBytes - 8, 0);
    await fh.write(sizes, 0, 4, 4);
    sizes.writeUInt32LE(dataBytes, 0);
    await fh.write(sizes, 0, 4, layout.dataOffset - 4);
    await fh.sync();
    return { repaired: true, dataBytes, truncatedBytes };
  } finally {
    await fh.close();
  }
}
