import { describe, expect, it } from 'vitest';
import { AtFramer, classifyLine, type AtItem } from './at-parser.ts';

const frame = (...chunks: Array<string | Buffer>): AtItem[] => {
  const f = new AtFramer();
  const out: AtItem[] = [];
  for (const c of chunks) {
    f.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
    for (let i = f.next(); i; i = f.next()) out.push(i);
  }
  return out;
};

describe('AtFramer', () => {
  it('splits CR/LF lines and skips blank ones', () => {
    expect(frame('\r\nATI3\r\r\nCX93001-EIS_V0.2002-V92\r\n\r\nOK\r\n')).toEqual([
      { kind: 'info', text: 'ATI3' },
      { kind: 'info', text: 'CX93001-EIS_V0.2002-V92' },
      { kind: 'final', text: 'OK', result: { code: 'OK', detail: '' } },
    ]);
  });

  it('reassembles lines cut across chunks', () => {
    expect(frame('\r\nCONN', 'ECT 9600\r', '\n')).toEqual([{ kind: 'final', text: 'CONNECT 9600', result: { code: 'CONNECT', detail: '9600' } }]);
  });

  it('recognises every final result', () => {
    const codes = ['OK', 'ERROR', 'CONNECT', 'VCON', 'NO CARRIER', 'BUSY', 'NO DIALTONE', 'NO DIAL TONE', 'NO ANSWER', '+CME ERROR: 10', '+CMS ERROR: 500', '+FCERROR'];
    const got = codes.map((c) => classifyLine(c));
    expect(got.every((g) => g.kind === 'final')).toBe(true);
    expect(got.map((g) => (g.kind === 'final' ? g.result.code : ''))).toEqual([
      'OK', 'ERROR', 'CONNECT', 'VCON', 'NO CARRIER', 'BUSY', 'NO DIALTONE', 'NO DIALTONE', 'NO ANSWER', 'CME ERROR', 'CMS ERROR', 'FCERROR',
    ]);
    expect(classifyLine('+CME ERROR: 10')).toMatchObject({ result: { detail: '10' } });
  });

  it('marks RING and caller-ID lines unsolicited, other text as info', () => {
    expect(classifyLine('RING').kind).toBe('unsolicited');
    expect(classifyLine('NMBR = 5551234').kind).toBe('unsolicited');
    expect(classifyLine('DDN_NMBR=123').kind).toBe('unsolicited');
    expect(classifyLine('MESG=8001').kind).toBe('unsolicited');
    expect(classifyLine('0,1,2,8').kind).toBe('info');
    expect(classifyLine('OKAY').kind).toBe('info');
  });

  it('frames DLE codes in command mode, also across chunks and inside a line', () => {
    expect(frame('\x10', 'b\r\nOK\r\n')).toEqual([{ kind: 'dle', code: 'b' }, { kind: 'final', text: 'OK', result: { code: 'OK', detail: '' } }]);
    expect(frame('VC\x10RON\r\n')).toEqual([
      { kind: 'info', text: 'VC' },
      { kind: 'dle', code: 'R' },
      { kind: 'info', text: 'ON' },
    ]);
  });

  it('drops control and 8-bit noise from text and cuts endless lines', () => {
    expect(frame(Buffer.from([0xff, 0x00, 0x4f, 0x4b, 0x0d]))).toEqual([{ kind: 'final', text: 'OK', result: { code: 'OK', detail: '' } }]);
    const items = frame('x'.repeat(2000));
    expect(items.length).toBeGreaterThanOrEqual(3);
  });

  it('hands back unframed bytes after a CONNECT', () => {
    const f = new AtFramer();
    f.push(Buffer.from('\r\nCONNECT\r\n\x80\x81\x10\x10', 'latin1'));
    expect(f.next()).toMatchObject({ kind: 'final', result: { code: 'CONNECT' } });
    expect([...f.takeRest()]).toEqual([0x80, 0x81, 0x10, 0x10]);
    expect(f.next()).toBeNull();
  });
});
