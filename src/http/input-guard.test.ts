import { describe, expect, it } from 'vitest';
import { inputProblems, MAX_DEPTH } from './input-guard.ts';

describe('inputProblems', () => {
  it('names NUL and lone surrogates by path, keys included', () => {
    expect(inputProblems({ a: 'ok', b: ['x', 'y\u0000'], c: { '\uD83D': 1 } }, 'body')).toEqual([
      { field: 'body.b.1', message: 'must not contain NUL characters' },
      { field: 'body.c.\uFFFD', message: 'name must be valid Unicode text (a lone surrogate was found)' },
    ]);
    expect(inputProblems('a\u0000', 'body')).toEqual([{ field: 'body', message: 'must not contain NUL characters' }]);
  });

  it('names numbers that overflowed to Infinity (JSON 1e309, or a query coerced by the schema)', () => {
    expect(inputProblems(JSON.parse('{"a":[1,1e309],"b":-1e400}'), 'body')).toEqual([
      { field: 'body.a.1', message: 'must be a finite number' },
      { field: 'body.b', message: 'must be a finite number' },
    ]);
  });

  it('accepts surrogate pairs and ordinary values', () => {
    expect(inputProblems({ s: '😀 𠮷', n: 1, t: true, z: null }, 'body')).toEqual([]);
  });

  it('bounds depth without recursion, and stops after a few problems', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inputProblems(deep, 'body')).toEqual([{ field: `body${'.0'.repeat(MAX_DEPTH)}`, message: `is nested deeper than ${MAX_DEPTH} levels` }]);
    expect(inputProblems(Array.from({ length: 100 }, () => '\u0000'), 'body')).toHaveLength(10);
  });
});
