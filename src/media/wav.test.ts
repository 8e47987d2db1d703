import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, parseWavLayout, readWav, repairWavHeader, TELEPHONE_FORMAT, wavHeader, writeWav } from './wav.ts';
import { WavWriter } from './wav-writer.ts';

/** A 440 Hz tone, `ms` long, telephone PCM. */
const tone = (ms: number): Buffer => {
  const n = (ms * 8000) / 1000;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return b;
};

describe('wav', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kefu-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the canonical 44-byte header', () => {
    const h = wavHeader(16000);
    expect(h.length).toBe(44);
    expect(h.toString('ascii', 0, 4)).toBe('RIFF');
    expect(h.readUInt32LE(4)).toBe(16036);
    expect(h.readUInt32LE(24)).toBe(8000);
    expect(h.readUInt32LE(28)).toBe(16000);
    expect(h.readUInt16LE(32)).toBe(2);
    expect(h.readUInt32LE(40)).toBe(16000);
  });

  it('round-trips PCM through a file, and sox agrees about the format', async () => {
    const pcm = tone(500);
    const path = join(dir, 'rt.wav');
    await writeWav(path, pcm);
    const back = await readWav(path);
    expect(back.format).toEqual(TELEPHONE_FORMAT);
    expect(back.pcm.equals(pcm)).toBe(true);
    const info = execFileSync('soxi', [path], { encoding: 'utf8' });
    expect(info).toMatch(/Sample Rate\s*: 8000/);
    expect(info).toMatch(/Channels\s*: 1/);
    expect(info).toMatch(/Duration\s*: 00:00:00\.50 = 4000 samples/);
  });

  it('skips extra chunks and rejects what is not PCM WAV', () => {
    const pcm = tone(10);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]); // odd size, padded
    const h = wavHeader(pcm.length);
    const file = Buffer.concat([h.subarray(0, 36), list, h.subarray(36), pcm]);
    expect(decodeWav(file).pcm.equals(pcm)).toBe(true);
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(/expected a RIFF\/WAVE header/);
    const alaw = encodeWav(pcm);
    alaw.writeUInt16LE(6, 20);
    expect(() => decodeWav(alaw)).toThrow(/encoding 6 is not supported: expected PCM/);
  });

  it('streams a recording and patches the sizes on close', async () => {
    const path = join(dir, 'stream.wav');
    const w = await WavWriter.open(path);
    const head = await readFile(path);
    expect(head.readUInt32LE(40)).toBe(0); // placeholder while recording
    const parts = [tone(100), tone(250), tone(150)];
    await Promise.all(parts.map((p) => w.write(p)));
    expect(await w.close()).toEqual({ dataBytes: 8000, durationMs: 500 });
    expect(await w.close()).toEqual({ dataBytes: 8000, durationMs: 500 });
    const { pcm } = await readWav(path);
    expect(pcm.equals(Buffer.concat(parts))).toBe(true);
    expect(parseWavLayout(await readFile(path))).toMatchObject({ declaredDataBytes: 8000, declaredRiffBytes: 8036 });
    await expect(w.write(tone(10))).rejects.toThrow(/is closed/);
  });

  it('repairs the header of a recording whose writer crashed, cut mid-sample', async () => {
    const path = join(dir, 'crash.wav');
    const w = await WavWriter.open(path);
    await w.write(tone(300));
    await w.syncHeader(); // sizes say 300 ms
    await w.write(tone(700));
    // the process dies here: no close(); then the disk cut the last byte in half a sample
    const full = (await stat(path)).size;
    await truncate(path, full - 1);
    const before = await readWav(path);
    expect(before.pcm.length).toBe(4800); // the stale header hides 700 ms
    expect(await repairWavHeader(path)).toEqual({ repaired: true, dataBytes: 15998, truncatedBytes: 1 });
    const after = await readWav(path);
    expect(after.pcm.length).toBe(15998);
    expect(after.pcm.equals(Buffer.concat([tone(300), tone(700)]).subarray(0, 15998))).toBe(true);
    expect((await stat(path)).size).toBe(44 + 15998);
    expect(await repairWavHeader(path)).toEqual({ repaired: false, dataBytes: 15998, truncatedBytes: 0 });
    const info = execFileSync('soxi', ['-s', path], { encoding: 'utf8' });
    expect(info.trim()).toBe('7999');
  });

  it('repairs a header whose sizes are still zero, and refuses a file that is not WAV', async () => {
    const path = join(dir, 'zero.wav');
    const h = wavHeader(0);
    h.writeUInt32LE(0, 4);
    await writeFile(path, Buffer.concat([h, tone(200)]));
    expect(await repairWavHeader(path)).toMatchObject({ repaired: true, dataBytes: 3200 });
    expect((await readWav(path)).pcm.length).toBe(3200);
    const junk = join(dir, 'junk.wav');
    await writeFile(junk, 'hello');
    await expect(repairWavHeader(junk)).rejects.toMatchObject({ code: 'MEDIA_ERROR' });
  });
});
