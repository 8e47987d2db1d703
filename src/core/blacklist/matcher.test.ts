import { describe, expect, it } from 'vitest';
import { isKefuError } from '../errors.ts';
import { toE164OrRaw } from '../numbers/normalize.ts';
import { BlacklistMatcher } from './matcher.ts';

const key = (n: string) => toE164OrRaw(n);

describe('BlacklistMatcher.build (written forms)', () => {
  const m = BlacklistMatcher.build([
    { id: 'a', number: '138 0013 8000', direction: 'both' },
    { id: 'b', number: '(010) 8888 8888', direction: 'inbound' },
    { id: 'c', number: '400-800-8888', direction: 'outbound' },
    { id: 'd', number: '95588', direction: 'inbound' },
    { id: 'e', prefix: '170', direction: 'inbound' },
    { id: 'f', prefix: '1701', direction: 'both' },
    { id: 'g', prefix: '0755', direction: 'outbound' },
    { id: 'h', prefix: '95', direction: 'outbound' },
    { id: 'i', prefix: '+1', direction: 'both' },
  ]);

  it('matches exact numbers from caller-ID digits, per direction', () => {
    expect(m.check(key('13800138000'), 'inbound')).toEqual({ blocked: true, match: { kind: 'exact', value: '+8613800138000' } });
    expect(m.check(key('13800138000'), 'outbound').blocked).toBe(true);
    expect(m.check(key('01088888888'), 'inbound').blocked).toBe(true);
    expect(m.check(key('01088888888'), 'outbound')).toEqual({ blocked: false, match: null });
    expect(m.check(key('4008008888'), 'outbound').blocked).toBe(true);
    expect(m.check(key('4008008888'), 'inbound').blocked).toBe(false);
    expect(m.check(key('13800138001'), 'inbound').blocked).toBe(false);
  });

  it('matches short codes exactly, with their id', () => {
    expect(m.check('95588', 'inbound')).toEqual({ blocked: true, match: { kind: 'exact', value: '95588', id: 'd' } });
  });

  it('matches prefixes, longest first, with the id for the direction', () => {
    expect(m.check(key('17012345678'), 'inbound')).toEqual({ blocked: true, match: { kind: 'prefix', value: '+861701', id: 'f' } });
    expect(m.check(key('17023456789'), 'inbound')).toEqual({ blocked: true, match: { kind: 'prefix', value: '+86170', id: 'e' } });
    expect(m.check(key('17023456789'), 'outbound').blocked).toBe(false);
    expect(m.check(key('17012345678'), 'outbound').match?.id).toBe('f');
    expect(m.check(key('0755-8888 8888'), 'outbound').match).toEqual({ kind: 'prefix', value: '+86755', id: 'g' });
    expect(m.check(key('0755-8888 8888'), 'inbound').blocked).toBe(false);
    expect(m.check(key('+1 650 253 0000'), 'inbound').match?.value).toBe('+1');
  });

  it('matches raw prefixes against short codes only', () => {
    expect(m.check('95533', 'outbound').match).toEqual({ kind: 'prefix', value: '95', id: 'h' });
    expect(m.check('95588', 'outbound').match?.value).toBe('95');
    expect(m.check('10086', 'outbound').blocked).toBe(false);
  });

  it('an exact entry wins over a prefix', () => {
    const both = BlacklistMatcher.build([
      { id: 'p', prefix: '138', direction: 'both' },
      { id: 'x', number: '13800138000', direction: 'both' },
    ]);
    expect(both.check('+8613800138000', 'inbound').match?.kind).toBe('exact');
    expect(both.check('+8613800138001', 'inbound').match?.kind).toBe('prefix');
  });

  it('never blocks an empty key (withheld caller ID)', () => {
    expect(m.check('', 'inbound').blocked).toBe(false);
  });

  it('reports its sizes', () => {
    expect(m.stats).toMatchObject({ exact: 3, raw: 1, prefixes: 5 });
    expect(m.stats.tableBytes).toBeGreaterThan(0);
  });

  it('rejects entries without a number or prefix, naming the entry', () => {
    expect(() => BlacklistMatcher.build([{ id: 'z', direction: 'both' }])).toThrow(/entry z: expected a number or a prefix/);
    expect(() => BlacklistMatcher.build([{ id: 'y', prefix: 'abc', direction: 'both' }])).toThrow(/"abc" is not a number prefix/);
    try {
      BlacklistMatcher.build([{ id: 'w', number: 'n/a', direction: 'both' }]);
    } catch (e) {
      expect(isKefuError(e, 'UNPROCESSABLE')).toBe(true);
    }
  });
});

describe('BlacklistBuilder (streamed keys)', () => {
  it('merges duplicate rows with different directions', () => {
    const b = BlacklistMatcher.builder();
    b.addExact('+8613800138000', 'inbound');
    b.addExact('+8613800138000', 'outbound');
    b.addExact('10086', 'inbound', 'r1');
    b.addExact('10086', 'outbound', 'r2');
    const m = b.finish();
    expect(m.check('+8613800138000', 'inbound').blocked).toBe(true);
    expect(m.check('+8613800138000', 'outbound').blocked).toBe(true);
    expect(m.check('10086', 'inbound').match?.id).toBe('r1');
    expect(m.check('10086', 'outbound').match?.id).toBe('r2');
    expect(m.stats.exact).toBe(1);
  });

  it('skips empty keys and refuses reuse after finish', () => {
    const b = BlacklistMatcher.builder();
    expect(b.addExact('', 'both')).toBe(false);
    expect(b.addPrefix('', 'both')).toBe(false);
    b.finish();
    expect(() => b.addExact('+8613800138000', 'both')).toThrow(/after finish/);
    expect(() => b.finish()).toThrow(/twice/);
  });

  it('rejects an unknown direction with a clear message', () => {
    const b = BlacklistMatcher.builder();
    expect(() => b.addExact('+8613800138000', 'sideways' as 'both')).toThrow(/expected inbound, outbound or both/);
  });

  it('keeps over-long + keys as raw keys', () => {
    const b = BlacklistMatcher.builder();
    b.addExact('+12345678901234567', 'both');
    expect(b.finish().check('+12345678901234567', 'inbound').blocked).toBe(true);
  });

  it('handles 200 k random numbers: all hits found, near misses not', () => {
    const b = BlacklistMatcher.builder();
    const keys: string[] = [];
    let x = 7;
    for (let i = 0; i < 200_000; i++) {
      x = (x * 48271) % 2147483647;
      const k = `+861${3 + (x % 7)}${String(x % 1e9).padStart(9, '0')}`;
      keys.push(k);
      b.addExact(k, i % 2 ? 'inbound' : 'both');
    }
    const m = b.finish();
    expect(keys.filter((k) => !m.check(k, 'inbound').blocked)).toEqual([]);
    const set = new Set(keys);
    let misses = 0;
    for (let i = 0; i < 10_000; i++) {
      const k = `+8619${String(i * 97).padStart(9, '0')}`;
      if (!set.has(k)) misses += m.check(k, 'inbound').blocked ? 0 : 1;
      else misses++;
    }
    expect(misses).toBe(10_000);
    expect(BlacklistMatcher.empty().check(keys[0]!, 'inbound').blocked).toBe(false);
  });
});
