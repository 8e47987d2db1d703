import { describe, expect, it } from 'vitest';
import { AtFramer } from './at-parser.ts';
import { CallerIdCollector } from './caller-id.ts';
import { DleDecoder, shield } from './dle.ts';
import { parseVsmList } from './codec.ts';
import { parseFclassList, parseVlsList } from './probe-sequence.ts';

function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '\r\nOK\r\n', '\r\nRING\r\n', '\r\nCONNECT\r\n', 'NMBR=13800138000\r\n', 'NAME = ZHANG\r\n', 'DATE=0321\r\n', 'MESG=801E0108303332\r\n',
  'DDN_NMBR=123\r\n', '+CME ERROR: 10\r\n', '\x10b', '\x10\x03', '\x10\x10', '\x105', '\x10', '128,"8-BIT LINEAR",(7200,8000,11025)\r\n',
  '0,"SIGNED PCM",8,0,(8000),(0),(0)', '(0-99999999,8)', 'MESG=04123033\r\n', 'VCON\r\n', 'NO DIALTONE\r\n',
];

describe('parser fuzz', () => {
  it('survives 100,000 random and truncated frames without throwing or hanging', () => {
    const rand = prng(0xc0ffee);
    const framer = new AtFramer();
    const decoder = new DleDecoder();
    const cid = new CallerIdCollector();
    const t0 = Date.now();
    let items = 0;
    for (let n = 0; n < 100_000; n++) {
      let frame: Buffer;
      const kind = rand();
      if (kind < 0.4) {
        const f = FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)] as string;
        frame = Buffer.from(f.slice(Math.floor(rand() * f.length), 1 + Math.floor(rand() * f.length)), 'latin1');
      } else if (kind < 0.8) {
        frame = Buffer.alloc(Math.floor(rand() * 64));
        for (let i = 0; i < frame.length; i++) frame[i] = Math.floor(rand() * 256);
      } else {
        const raw = Buffer.alloc(Math.floor(rand() * 200));
        for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rand() * 256);
        frame = shield(raw).subarray(0, Math.floor(rand() * (raw.length + 1)));
      }
      framer.push(frame);
      for (let it = framer.next(); it; it = framer.next()) {
        items++;
        if (it.kind !== 'dle') {
          cid.add(it.text);
          parseVsmList([it.text]);
          parseFclassList([it.text]);
          parseVlsList([it.text]);
        }
      }
      if (rand() < 0.1) framer.takeRest();
      for (const d of decoder.push(frame)) if (d.type === 'end') items++;
      if (rand() < 0.01) cid.take();
    }
    expect(items).toBeGreaterThan(10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
