import { describe, expect, it } from 'vitest';
import { isShortCode, isShortCodePrefix } from './short-codes.ts';

describe('isShortCode', () => {
  it('knows the common service numbers', () => {
    for (const c of ['110', '112', '114', '119', '120', '122', '999', '10000', '10010', '10086', '12306', '12315', '12345', '95588', '95555', '951055', '95105555', '96777', '961699', '10690000123']) {
      expect(isShortCode(c), c).toBe(true);
    }
  });

  it('does not claim ordinary numbers', () => {
    for (const c of ['13800138000', '01088888888', '1088888888', '4008008888', '88888888', '1000', '9558', '955880000', '1234']) {
      expect(isShortCode(c), c).toBe(false);
    }
  });
});

describe('isShortCodePrefix', () => {
  it('is true only for prefixes that start short codes', () => {
    for (const p of ['10', '100', '106', '11', '12', '123', '95', '955', '96']) expect(isShortCodePrefix(p), p).toBe(true);
    for (const p of ['1', '13', '170', '400', '800', '9', '010', '21']) expect(isShortCodePrefix(p), p).toBe(false);
  });
});
