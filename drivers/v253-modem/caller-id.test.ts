import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtFramer } from './at-parser.ts';
import { applyCidMessage, CallerIdCollector, emptyCallerId, encodeMdmf, parseCallerIdBlock } from './caller-id.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/modem');

/** Runs a transcript through the framer and collects the caller-ID lines between the first and second RING. */
function parseTranscript(raw: string): { cid: ReturnType<CallerIdCollector['take']>; rings: number } {
  const framer = new AtFramer();
  framer.push(Buffer.from(raw, 'latin1'));
  const collector = new CallerIdCollector();
  let rings = 0;
  for (let item = framer.next(); item; item = framer.next()) {
    if (item.kind === 'unsolicited' && item.text === 'RING') rings++;
    else if (item.kind === 'unsolicited') collector.add(item.text);
  }
  return { cid: collector.take(), rings };
}

describe('caller-ID transcripts (test/fixtures/modem)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
  it('has several formats', () => expect(files.length).toBeGreaterThanOrEqual(8));
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(FIXTURES, file), 'latin1');
      const expectLine = /^# expect (.*)$/m.exec(text);
      const transcript = text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
      const { cid, rings } = parseTranscript(transcript);
      expect(rings).toBeGreaterThanOrEqual(2);
      expect(cid).toEqual(JSON.parse(expectLine?.[1] ?? 'null'));
    });
  }
});

describe('caller-ID parsing', () => {
  it('reads fields in any order and ignores unknown lines', () => {
    expect(parseCallerIdBlock(['RING', 'NAME=A B', 'TIME=1200', 'NMBR=123', 'DATE=0102', 'FOO=1'])).toEqual({
      number: '123', name: 'A B', withheld: null, date: '0102', time: '1200',
    });
    expect(parseCallerIdBlock(['RING'])).toBeNull();
  });

  it('round-trips MDMF and rejects junk hex without throwing', () => {
    const cid = emptyCallerId();
    expect(applyCidMessage(cid, encodeMdmf({ date: '0101', time: '0101', number: '42', name: 'X' }))).toBe(true);
    expect(cid).toEqual({ number: '42', name: 'X', withheld: null, date: '0101', time: '0101' });
    expect(parseCallerIdBlock(['MESG=ZZ'])).toEqual(emptyCallerId());
    expect(applyCidMessage(emptyCallerId(), Buffer.from([0x80, 0xff, 0x02]))).toBe(false);
  });

  it('decodes a bare MDMF parameter list', () => {
    const cid = emptyCallerId();
    applyCidMessage(cid, Buffer.from([0x02, 0x03, 0x31, 0x32, 0x33]));
    expect(cid.number).toBe('123');
  });

  it('collector reports nothing when no number or name came', () => {
    const c = new CallerIdCollector();
    c.add('DATE=0101');
    expect(c.pending).toBe(true);
    expect(c.take()).toBeNull();
    expect(c.pending).toBe(false);
  });
});

describe('caller-ID block completeness (screen pop does not wait when nothing more can come)', () => {
  it('number + name, or a one-line format, is complete; a number alone is not', () => {
    const a = new CallerIdCollector();
    for (const l of ['DATE=1123', 'TIME=0930', 'NMBR=13800138000']) a.add(l);
    expect(a.complete).toBe(false);
    a.add('NAME=WANG FANG');
    expect(a.complete).toBe(true);
    expect(a.take()?.name).toBe('WANG FANG');
    expect(a.complete).toBe(false);
    const b = new CallerIdCollector();
    b.add('DDN_NMBR=13800138000');
    expect(b.complete).toBe(true);
    const c = new CallerIdCollector();
    c.add('NMBR=P');
    expect(c.complete).toBe(false);
    c.add('NAME=O');
    expect(c.complete).toBe(true);
  });
});
