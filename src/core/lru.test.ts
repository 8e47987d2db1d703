import { describe, expect, it } from 'vitest';
import { Lru } from './lru.ts';

describe('Lru', () => {
  it('keeps the most recently used entries within its bound', () => {
    const l = new Lru<string, number>(2);
    l.set('a', 1);
    l.set('b', 2);
    expect(l.get('a')).toBe(1); // a is now the most recent
    l.set('c', 3); // evicts b
    expect(l.get('b')).toBeUndefined();
    expect(l.get('a')).toBe(1);
    expect(l.get('c')).toBe(3);
    expect(l.size).toBe(2);
    l.delete('a');
    expect(l.get('a')).toBeUndefined();
    l.clear();
    expect(l.size).toBe(0);
  });
  it('weighed: bounded by the total weight (bytes), oldest use first; a value over the bound is not kept', () => {
    const l = new Lru<string, Buffer>(10, (b) => b.length);
    l.set('a', Buffer.alloc(4));
    l.set('b', Buffer.alloc(4));
    l.get('a');
    l.set('c', Buffer.alloc(4)); // 12 > 10: b goes
    expect([l.get('a')?.length, l.get('b'), l.get('c')?.length]).toEqual([4, undefined, 4]);
    expect(l.totalWeight).toBe(8);
    l.set('a', Buffer.alloc(2)); // replacing a value re-weighs it
    expect(l.totalWeight).toBe(6);
    l.set('huge', Buffer.alloc(11));
    expect(l.get('huge')).toBeUndefined();
    expect(l.totalWeight).toBe(6);
  });
});
