import { describe, expect, it } from 'vitest';
import { movedCaches } from './cache-versions.ts';

const m = (o: Record<string, string>) => new Map(Object.entries(o));

describe('movedCaches', () => {
  it('names the watched caches whose version changed, in the watched order', () => {
    expect(movedCaches(m({ a: '1', b: '2', c: '3' }), m({ a: '1', b: '3', c: '4' }), ['c', 'a', 'b'])).toEqual(['c', 'b']);
  });
  it('a version that went back (a table recreated) still counts as moved', () => {
    expect(movedCaches(m({ a: '9' }), m({ a: '1' }), ['a'])).toEqual(['a']);
  });
  it('a cache first seen now counts; one not in the table, or not watched, does not', () => {
    expect(movedCaches(m({}), m({ a: '0', x: '5' }), ['a', 'b'])).toEqual(['a']);
  });
  it('nothing moved: nothing to reload', () => {
    expect(movedCaches(m({ a: '1' }), m({ a: '1' }), ['a'])).toEqual([]);
  });
});
