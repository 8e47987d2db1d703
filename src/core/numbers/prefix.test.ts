import { describe, expect, it } from 'vitest';
import { isKefuError } from '../errors.ts';
import { toE164OrRaw } from './normalize.ts';
import { normalizePrefix, prefixProblem, requirePrefix } from './prefix.ts';

describe('normalizePrefix', () => {
  it.each([
    ['010', '+8610'],
    ['0755', '+86755'],
    ['(0755)', '+86755'],
    ['170', '+86170'],
    ['1', '+861'],
    ['138 0013', '+861380013'],
    ['400', '+86400'],
    ['800-810', '+86800810'],
    ['+1', '+1'],
    ['00852', '+852'],
    ['+86 10', '+8610'],
    ['８６', '+8686'],
    ['95', '95'],
    ['106', '106'],
    ['12', '12'],
    ['1000', '1000'],
  ])('%s → %s', (input, key) => {
    expect(normalizePrefix(input)).toBe(key);
  });

  it('gives keys that the numbers they cover start with', () => {
    expect(toE164OrRaw('(010) 8888 8888').startsWith(normalizePrefix('010')!)).toBe(true);
    expect(toE164OrRaw('13800138000').startsWith(normalizePrefix('138')!)).toBe(true);
    expect(toE164OrRaw('400-800-8888').startsWith(normalizePrefix('400')!)).toBe(true);
    expect(toE164OrRaw('95588').startsWith(normalizePrefix('95')!)).toBe(true);
    expect(toE164OrRaw('00852 2345 6789').startsWith(normalizePrefix('+852')!)).toBe(true);
  });

  it('uses the country code of another default region', () => {
    expect(normalizePrefix('0650', { defaultRegion: 'US' })).toBe('+1650');
  });

  it('rejects unusable prefixes', () => {
    for (const p of ['', 'abc', '01a', '1234567890123456', '010 转 8']) expect(normalizePrefix(p), p).toBeNull();
  });

  it('explains what was expected', () => {
    expect(prefixProblem('170')).toBeNull();
    expect(prefixProblem('abc')).toMatch(/^prefix "abc" is not a number prefix: expected a number prefix: an area code/);
    expect(prefixProblem(' ', { field: 'blockPrefix' })).toMatch(/^blockPrefix is empty/);
    expect(requirePrefix('0755')).toBe('+86755');
    let err: unknown;
    try {
      requirePrefix('x');
    } catch (e) {
      err = e;
    }
    expect(isKefuError(err, 'BAD_REQUEST')).toBe(true);
  });
});
