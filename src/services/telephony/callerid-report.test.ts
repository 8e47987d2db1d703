import { describe, expect, it } from 'vitest';
import { callerIdReport } from './callerid-report.ts';
import { NumberService } from '../numbers.ts';

const cid = (number: string | null, withheld: 'private' | null = null) => ({ number, name: null, withheld, date: null, time: null });

describe('callerIdReport', () => {
  const numbers = new NumberService('CN');
  it('normalises an FSK number in the default region', () => {
    expect(callerIdReport('l', numbers, cid('13800138000'), ['NMBR=13800138000'])).toMatchObject({ recognised: true, format: 'fsk', e164: '+8613800138000', valid: true, region: 'CN', defaultRegion: 'CN' });
  });
  it('takes DTMF-framed digits (D...C) as DTMF caller ID', () => {
    expect(callerIdReport('l', numbers, cid('D13800138000C'), ['NMBR=D13800138000C'])).toMatchObject({ format: 'dtmf', e164: '+8613800138000' });
  });
  it('flags a number that is not valid in the region', () => {
    expect(callerIdReport('l', numbers, cid('12345678901'), [])).toMatchObject({ recognised: true, valid: false });
    expect(callerIdReport('l', new NumberService('US'), cid('2025550123'), [])).toMatchObject({ valid: true, region: 'US' });
  });
  it('reports a withheld number and an unknown block', () => {
    expect(callerIdReport('l', numbers, cid(null, 'private'), ['NMBR=P'])).toMatchObject({ recognised: true, withheld: 'private', number: null });
    expect(callerIdReport('l', numbers, null, ['CID: 1'])).toMatchObject({ recognised: false, format: 'unknown', raw: ['CID: 1'] });
  });
});
