import { describe, expect, it } from 'vitest';
import { DLE, DleDeframer, ETX, dleFrame, hangupText, parseFax2Report, reverseBits } from './fax2-protocol.ts';

describe('class 2 / 2.0 reports', () => {
  it('reads both dialects of each report', () => {
    expect(parseFax2Report('+FCO')).toEqual({ kind: 'connect' });
    expect(parseFax2Report('+FCON')).toEqual({ kind: 'connect' });
    expect(parseFax2Report('+FCS:1,5,0,2,0,0,0,0')).toEqual({ kind: 'session', params: [1, 5, 0, 2, 0, 0, 0, 0] });
    expect(parseFax2Report('+FDCS: 0,3,0,2,1,0,0,0')).toEqual({ kind: 'session', params: [0, 3, 0, 2, 1, 0, 0, 0] });
    expect(parseFax2Report('+FTI:"+86 21 5555 1234"')).toEqual({ kind: 'remoteId', id: '+86 21 5555 1234' });
    expect(parseFax2Report('+FCSI: "  12345 "')).toEqual({ kind: 'remoteId', id: '12345' });
    expect(parseFax2Report('+FPS:1,0,0,0,0')).toEqual({ kind: 'pageStatus', status: 1 });
    expect(parseFax2Report('+FPTS:2')).toEqual({ kind: 'pageStatus', status: 2 });
    expect(parseFax2Report('+FET:2')).toEqual({ kind: 'postPage', message: 2 });
    expect(parseFax2Report('+FHS:00')).toEqual({ kind: 'hangup', status: 0 });
    expect(parseFax2Report('+FHNG:11')).toEqual({ kind: 'hangup', status: 0x11 });
    expect(parseFax2Report('OK')).toBeNull();
    expect(parseFax2Report('+FXYZ:1')).toBeNull();
  });
  it('says what hang-up codes mean', () => {
    expect(hangupText(0)).toBe('normal end of the fax');
    expect(hangupText(0x11)).toBe('no answer (T.30 T1 time-out)');
    expect(hangupText(0x54)).toMatch(/phase D/);
  });
});

describe('page data framing', () => {
  it('doubles DLE and ends with DLE ETX; the deframer undoes it across any chunking', () => {
    const data = Buffer.from([1, DLE, 2, DLE, DLE, ETX, 3]);
    const framed = dleFrame(data);
    expect([...framed]).toEqual([1, DLE, DLE, 2, DLE, DLE, DLE, DLE, ETX, 3, DLE, ETX]);
    for (let cut = 0; cut <= framed.length; cut++) {
      const d = new DleDeframer(100);
      d.push(framed.subarray(0, cut));
      expect(d.push(Buffer.concat([framed.subarray(cut), Buffer.from('\r\nOK\r\n')]))).toBe(true);
      expect([...d.data]).toEqual([...data]);
      expect(d.rest.toString()).toBe('\r\nOK\r\n');
    }
  });
  it('refuses a page over the bound', () => {
    const d = new DleDeframer(4);
    expect(() => d.push(Buffer.alloc(10, 1))).toThrow(/over 4 bytes/);
  });
  it('reverses bit order', () => {
    expect([...reverseBits(Buffer.from([0x01, 0x80, 0xf0, 0x35]))]).toEqual([0x80, 0x01, 0x0f, 0xac]);
  });
});
