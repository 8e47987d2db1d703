import { describe, expect, it } from 'vitest';
import { chooseVoiceFormat, decodeToPcm, encodePcm, parseVsmList, silenceByte } from './codec.ts';

const CONEXANT = ['128,"8-BIT LINEAR",(7200,8000,11025)', '129,"16-BIT LINEAR",(7200,8000,11025)', '130,"8-BIT ALAW",(8000)', '131,"8-BIT ULAW",(8000)', '132,"IMA ADPCM",(7200,8000,11025)'];
const USR = ['0,"SIGNED PCM",8,0,(8000),(0),(0)', '1,"UNSIGNED PCM",8,0,(8000),(0),(0)', '4,"ULAW",8,0,(8000),(0),(0)'];

const sine = (n: number, amp: number): Buffer => {
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amp * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return b;
};

describe('+VSM negotiation', () => {
  it('parses Conexant and USR answers and prefers 8-bit unsigned linear', () => {
    const c = parseVsmList(CONEXANT);
    expect(c.map((m) => m.encoding)).toEqual(['u8', null, 'alaw', 'ulaw', null]);
    expect(chooseVoiceFormat(c)).toEqual({ encoding: 'u8', methodId: 128, command: 'AT+VSM=128,8000' });
    expect(chooseVoiceFormat(parseVsmList(USR))).toEqual({ encoding: 'u8', methodId: 1, command: 'AT+VSM=1,8000' });
  });

  it('falls back to u-law, and to nothing usable', () => {
    expect(chooseVoiceFormat(parseVsmList(['131,"8-BIT ULAW",(8000)', '132,"IMA ADPCM",(8000)']))?.command).toBe('AT+VSM=131,8000');
    expect(chooseVoiceFormat(parseVsmList(['132,"IMA ADPCM",(8000)', 'garbage']))).toBeNull();
    expect(chooseVoiceFormat(parseVsmList(['128,"8-BIT LINEAR",(11025)']))).toBeNull();
  });
});

describe('PCM conversion', () => {
  for (const enc of ['u8', 's8', 'ulaw', 'alaw'] as const) {
    it(`${enc} round-trips within its quantisation error`, () => {
      const pcm = sine(800, 20000);
      const back = decodeToPcm(encodePcm(pcm, enc), enc);
      expect(back.length).toBe(pcm.length);
      let maxErr = 0;
      for (let i = 0; i < 800; i++) {
        const a = pcm.readInt16LE(i * 2);
        maxErr = Math.max(maxErr, Math.abs(a - back.readInt16LE(i * 2)) / Math.max(256, Math.abs(a)));
      }
      expect(maxErr).toBeLessThan(enc === 'u8' || enc === 's8' ? 1.01 : 0.07);
      expect(decodeToPcm(Buffer.from([silenceByte(enc)]), enc).readInt16LE(0)).toBeLessThanOrEqual(8);
    });
  }

  it('maps the extremes of unsigned 8-bit linear', () => {
    const pcm = Buffer.alloc(6);
    pcm.writeInt16LE(-32768, 0);
    pcm.writeInt16LE(0, 2);
    pcm.writeInt16LE(32767, 4);
    expect([...encodePcm(pcm, 'u8')]).toEqual([0, 128, 255]);
    expect([...encodePcm(pcm, 'ulaw')]).toEqual([0x00, 0xff, 0x80]);
  });
});
