import { describe, expect, it } from 'vitest';
import { DleDecoder, DleUnshielder, dleEvent, shield, type DleItem } from './dle.ts';

const audioOf = (items: DleItem[]): number[] => items.flatMap((i) => (i.type === 'audio' ? [...i.data] : []));

describe('DLE codec', () => {
  it('decodes audio, DTMF, tones and end of stream in wire order', () => {
    const d = new DleDecoder();
    const items = d.push(Buffer.from([0x80, 0x10, 0x10, 0x81, 0x10, 0x35, 0x82, 0x10, 0x62, 0x10, 0x03, 0x4f, 0x4b]));
    expect(items.map((i) => i.type)).toEqual(['audio', 'event', 'audio', 'event', 'end']);
    expect(audioOf(items)).toEqual([0x80, 0x10, 0x81, 0x82]);
    expect(items[1]).toMatchObject({ event: { type: 'dtmf', digit: '5' } });
    expect(items[3]).toMatchObject({ event: { type: 'tone', tone: 'busy' } });
    expect(items[4]).toEqual({ type: 'end', rest: Buffer.from('OK') });
  });

  it('keeps a DLE split across chunks', () => {
    const d = new DleDecoder();
    expect(d.push(Buffer.from([0x01, 0x10]))).toEqual([{ type: 'audio', data: Buffer.from([0x01]) }]);
    expect(d.push(Buffer.from([0x23]))).toMatchObject([{ type: 'event', event: { type: 'dtmf', digit: '#' } }]);
  });

  it('maps the V.253 event codes', () => {
    expect(dleEvent('*')).toEqual({ type: 'dtmf', digit: '*' });
    expect(dleEvent('D')).toEqual({ type: 'dtmf', digit: 'D' });
    expect(dleEvent('d')).toEqual({ type: 'tone', tone: 'dialtone' });
    expect(dleEvent('s')).toEqual({ type: 'tone', tone: 'silence' });
    expect(dleEvent('q')).toEqual({ type: 'tone', tone: 'quiet' });
    expect(dleEvent('c')).toEqual({ type: 'tone', tone: 'fax' });
    expect(dleEvent('e')).toEqual({ type: 'tone', tone: 'modem' });
    for (const c of ['h', 'H', 'l']) expect(dleEvent(c)).toEqual({ type: 'hangup', code: c });
    expect(dleEvent('u')).toEqual({ type: 'other', code: 'u' });
  });

  it('shield / unshield round-trips every byte value, in any chunking', () => {
    const data = Buffer.alloc(4096);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    const wire = shield(data);
    expect(wire.length).toBe(data.length + data.filter((b) => b === 0x10).length);
    for (const step of [1, 3, 64, 4096]) {
      const dec = new DleDecoder();
      const un = new DleUnshielder();
      const got: number[] = [];
      const got2: number[] = [];
      for (let i = 0; i < wire.length; i += step) {
        got.push(...audioOf(dec.push(wire.subarray(i, i + step))));
        got2.push(...un.push(wire.subarray(i, i + step)).data);
      }
      expect(Buffer.from(got).equals(data)).toBe(true);
      expect(Buffer.from(got2).equals(data)).toBe(true);
    }
  });

  it('returns the data unchanged when there is nothing to shield', () => {
    const b = Buffer.from([1, 2, 3]);
    expect(shield(b)).toBe(b);
  });
});
