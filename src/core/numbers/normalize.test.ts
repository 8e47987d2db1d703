import { describe, expect, it } from 'vitest';
import { isKefuError } from '../errors.ts';
import { dialDigits, normalizeNumber, numberProblem, requireNumber, toE164OrRaw } from './normalize.ts';

describe('normalizeNumber: written forms reach one key', () => {
  const cases: [string, string, string][] = [
    ['138 0013 8000', '+8613800138000', 'mobile'],
    ['+86 138-0013-8000', '+8613800138000', 'mobile'],
    ['0086 13800138000', '+8613800138000', 'mobile'],
    ['8613800138000', '+8613800138000', 'mobile'],
    ['(+86) 138 0013 8000', '+8613800138000', 'mobile'],
    ['１３８００１３８０００', '+8613800138000', 'mobile'],
    ['＋８６ １３８-００１３-８０００', '+8613800138000', 'mobile'],
    ['tel:+8613800138000', '+8613800138000', 'mobile'],
    ['(010) 8888 8888', '+861088888888', 'fixed'],
    ['010-88888888', '+861088888888', 'fixed'],
    ['86-10-88888888', '+861088888888', 'fixed'],
    ['+86 (0)10 8888 8888', '+861088888888', 'fixed'],
    ['0755-8888 8888', '+8675588888888', 'fixed'],
    ['021 6234 5678', '+862162345678', 'fixed'],
    ['400-800-8888', '+864008008888', 'shared-cost'],
    ['800 810 8888', '+868008108888', 'toll-free'],
    ['+852 2345 6789', '+85223456789', 'fixed'],
    ['00852 2345 6789', '+85223456789', 'fixed'],
    ['+1 650 253 0000', '+16502530000', 'fixed-or-mobile'],
  ];
  it.each(cases)('%s → %s (%s)', (input, key, kind) => {
    const n = normalizeNumber(input);
    expect(n.e164).toBe(key);
    expect(n.key).toBe(key);
    expect(n.kind).toBe(kind);
    expect(n.valid).toBe(true);
    expect(n.input).toBe(input);
  });

  it('caller-ID digits in national form give the same key as the written forms', () => {
    expect(toE164OrRaw('13800138000')).toBe(toE164OrRaw('+86 138 0013 8000'));
    expect(toE164OrRaw('01088888888')).toBe(toE164OrRaw('(010) 8888 8888'));
    expect(toE164OrRaw('075588888888')).toBe(toE164OrRaw('0755-8888-8888'));
    expect(toE164OrRaw('4008008888')).toBe(toE164OrRaw('400-800-8888'));
    expect(toE164OrRaw('8008108888')).toBe(toE164OrRaw('800 810 8888'));
    // Exchanges prefix out-of-area mobiles with the trunk 0.
    expect(toE164OrRaw('013800138000')).toBe('+8613800138000');
  });

  it('gives the national dial digits and a display form', () => {
    expect(normalizeNumber('+861088888888')).toMatchObject({ national: '01088888888', display: '010 8888 8888', region: 'CN' });
    expect(normalizeNumber('+8613800138000')).toMatchObject({ national: '13800138000', display: '138 0013 8000' });
    expect(normalizeNumber('+85223456789')).toMatchObject({ national: '23456789', display: '+852 2345 6789', region: 'HK' });
  });
});

describe('extensions', () => {
  it.each([
    ['138 0013 8000 ext. 123', '123'],
    ['13800138000 转 8001', '8001'],
    ['010-88888888转8001', '8001'],
    ['010-88888888 分机 12', '12'],
    ['010-88888888 x12', '12'],
    ['010-88888888#12', '12'],
  ])('%s keeps the number and extension %s', (input, ext) => {
    const n = normalizeNumber(input);
    expect(n.valid).toBe(true);
    expect(n.extension).toBe(ext);
    expect(n.key).toMatch(/^\+86(13800138000|1088888888)$/);
  });
});

describe('short service numbers stay raw', () => {
  it.each(['95588', '95533', '10086', '10000', '10010', '110', '119', '120', '114', '12345', '12306', '96777', '999', '95105555', '1065502512345'])(
    '%s',
    (code) => {
      const n = normalizeNumber(code);
      expect(n).toMatchObject({ e164: null, key: code, kind: 'short', valid: true, national: code });
      expect(toE164OrRaw(code)).toBe(code);
    },
  );

  it('drops +86/0086 in front of a short code, and separators inside it', () => {
    expect(toE164OrRaw('+86 95588')).toBe('95588');
    expect(toE164OrRaw('0086-10086')).toBe('10086');
    expect(toE164OrRaw('955 88')).toBe('95588');
  });

  it('lets a valid number win over a short-code pattern', () => {
    expect(normalizeNumber('9529 6307')).toMatchObject({ key: '+8695296307', kind: 'shared-cost', valid: true });
    expect(normalizeNumber('010 95588')).toMatchObject({ key: '+861095588', kind: 'fixed' });
    expect(normalizeNumber('95105555', { localAreaCode: '010' })).toMatchObject({ key: '95105555', kind: 'short' });
  });

  it('does not treat a foreign number as a short code', () => {
    expect(normalizeNumber('+1 110').kind).toBe('unknown');
  });
});

describe('invalid and odd input', () => {
  it('returns digits as the key and valid=false for numbers that are not valid', () => {
    expect(normalizeNumber('1380013800')).toMatchObject({ e164: null, key: '1380013800', valid: false, kind: 'unknown' });
    expect(normalizeNumber('+86 1234567')).toMatchObject({ e164: null, key: '+861234567', valid: false });
  });

  it('gives an empty key when there are no digits (withheld caller ID)', () => {
    expect(toE164OrRaw('')).toBe('');
    expect(toE164OrRaw('Anonymous')).toBe('');
  });

  it('completes local numbers with the configured area code only', () => {
    expect(normalizeNumber('8888 8888').valid).toBe(false);
    expect(toE164OrRaw('88888888', { defaultRegion: 'CN', localAreaCode: '010' })).toBe('+861088888888');
    expect(toE164OrRaw('88888888', { defaultRegion: 'CN', localAreaCode: '755' })).toBe('+8675588888888');
  });

  it('honours another default region', () => {
    expect(toE164OrRaw('(650) 253-0000', { defaultRegion: 'US' })).toBe('+16502530000');
    expect(toE164OrRaw('2345 6789', { defaultRegion: 'hk' })).toBe('+85223456789');
  });

  it('rejects an unknown region with a config error', () => {
    expect(() => normalizeNumber('123', { defaultRegion: 'XX' })).toThrow(/Unknown phone region "XX"/);
  });
});

describe('validation messages', () => {
  it('accepts valid numbers and short codes', () => {
    expect(numberProblem('138 0013 8000')).toBeNull();
    expect(numberProblem('95588')).toBeNull();
  });

  it('names the field, the value and what was expected', () => {
    expect(numberProblem('', { field: 'callerId' })).toMatch(/^callerId is empty: expected a phone number/);
    expect(numberProblem('abc')).toMatch(/^number "abc" has no digits: expected a phone number/);
    const msg = numberProblem('12345678');
    expect(msg).toMatch(/^number "12345678" is not a valid phone number: expected/);
    expect(msg).toMatch(/Chinese mobile.*area code.*400\/800.*\+ or 00.*short code/);
  });

  it('requireNumber throws BAD_REQUEST with details', () => {
    expect(requireNumber('010-88888888').key).toBe('+861088888888');
    try {
      requireNumber('12', { field: 'to' });
      expect.unreachable();
    } catch (e) {
      expect(isKefuError(e, 'BAD_REQUEST')).toBe(true);
      expect((e as { details: unknown }).details).toEqual({ field: 'to', input: '12' });
    }
  });
});

describe('dialDigits: what a line dials', () => {
  it('dials home numbers in national form and others through the international access prefix', () => {
    expect(dialDigits('+8613800138000')).toBe('13800138000');
    expect(dialDigits('+861088889999')).toBe('01088889999');
    expect(dialDigits('95588')).toBe('95588');
    expect(dialDigits('+14155550100')).toBe('0014155550100');
    expect(dialDigits('+8613800138000', { defaultRegion: 'US' })).toBe('0118613800138000');
    expect(dialDigits('+14155550100', { defaultRegion: 'US' })).toBe('4155550100');
  });
});
