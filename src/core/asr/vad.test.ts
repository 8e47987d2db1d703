import { describe, expect, it } from 'vitest';
import { Endpointer, hasSpeech } from './vad.ts';

/** `ms` of telephone PCM: a 300 Hz tone at `amp`, or silence. */
const pcm = (ms: number, amp = 0): Buffer => {
  const n = (ms * 8000) / 1000;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amp * Math.sin((2 * Math.PI * 300 * i) / 8000)), i * 2);
  return b;
};

describe('end-of-utterance detection', () => {
  it('waits for speech, then ends after the silence that follows it', () => {
    const e = new Endpointer({ silenceMs: 800, noInputMs: 4000 });
    expect(e.push(pcm(1000))).toBe('waiting');
    expect(e.push(pcm(500, 8000))).toBe('speaking');
    expect(e.push(pcm(700))).toBe('speaking');
    expect(e.push(pcm(100))).toBe('done');
    expect(e.push(pcm(500, 8000))).toBe('done');
  });

  it('a pause shorter than silenceMs does not end the answer; chunks of any size work', () => {
    const e = new Endpointer({ silenceMs: 800, noInputMs: 4000 });
    const audio = Buffer.concat([pcm(400, 8000), pcm(500), pcm(400, 8000), pcm(900)]);
    const states: string[] = [];
    for (let off = 0; off < audio.length; off += 334) states.push(e.push(audio.subarray(off, off + 334)));
    expect(states.at(-1)).toBe('done');
    expect(states.indexOf('done')).toBeGreaterThan(Math.floor((1300 * 16) / 334));
  });

  it('reports no input when nobody speaks, and ignores a click shorter than startMs', () => {
    const e = new Endpointer({ silenceMs: 800, noInputMs: 2000 });
    expect(e.push(Buffer.concat([pcm(500), pcm(40, 8000), pcm(1500)]))).toBe('no-input');
  });

  it('tells speech from quiet audio', () => {
    expect(hasSpeech(pcm(1000, 100))).toBe(false);
    expect(hasSpeech(Buffer.concat([pcm(500), pcm(200, 5000)]))).toBe(true);
    expect(hasSpeech(Buffer.alloc(0))).toBe(false);
  });
});
