import { describe, expect, it } from 'vitest';
import { NumberService } from './numbers.ts';
import { normalizeNumber, requireNumber } from '../core/numbers/normalize.ts';

describe('NumberService (cached normalisation)', () => {
  it('answers as the uncached functions do, also the second time', () => {
    const n = new NumberService('CN');
    for (const input of ['138 0013 8000', '+86 138-0013-8000', '010 8888 8888', '95588', '12', '', 'abc', '+1 415 555 0100']) {
      for (let i = 0; i < 2; i++) {
        expect(n.normalize(input)).toEqual(normalizeNumber(input, { defaultRegion: 'CN' }));
        expect(n.key(input)).toBe(normalizeNumber(input, { defaultRegion: 'CN' }).key);
      }
    }
    expect(n.require('138 0013 8000', 'phone')).toBe('+8613800138000');
    for (const bad of ['12', '', '   ', 'abc']) {
      let expected: unknown;
      try { requireNumber(bad, { defaultRegion: 'CN', field: 'phone' }); } catch (e) { expected = e; }
      expect(() => n.require(bad, 'phone')).toThrow((expected as Error).message);
    }
  });

  it('a changed default region applies to numbers seen before', () => {
    const n = new NumberService('CN');
    expect(n.key('020 7946 0018')).toBe('+862079460018');
    n.setDefaultRegion('GB');
    expect(n.key('020 7946 0018')).toBe('+442079460018');
  });

  it('a caller changing a result does not change the next one', () => {
    const n = new NumberService('CN');
    const a = n.normalize('13800138000');
    a.key = 'changed';
    expect(n.normalize('13800138000').key).toBe('+8613800138000');
  });
});
