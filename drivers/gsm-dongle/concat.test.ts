import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Concatenator, GAP, type JoinedMessage } from './concat.ts';
import type { DecodedDeliver } from './codec.ts';

const part = (text: string, seq: number, total: number, ref = 1, refBits: 8 | 16 = 8, from = '+8613912345678'): DecodedDeliver =>
  ({ kind: 'deliver', from, text, encoding: 'gsm7', sentAt: null, part: { ref, total, seq, refBits } });

describe('Concatenator', () => {
  let got: JoinedMessage[];
  let c: Concatenator;
  beforeEach(() => { vi.useFakeTimers(); got = []; c = new Concatenator({ timeoutMs: 60_000, deliver: (m) => got.push(m) }); });
  afterEach(() => vi.useRealTimers());

  it('delivers a single message at once', () => {
    c.add({ kind: 'deliver', from: '+1', text: 'hi', encoding: 'gsm7', sentAt: null, part: null });
    expect(got).toEqual([expect.objectContaining({ text: 'hi', parts: 1, incomplete: false })]);
  });

  it('joins parts that arrive out of order', () => {
    c.add(part('C', 3, 3));
    c.add(part('A', 1, 3));
    expect(got).toHaveLength(0);
    c.add(part('B', 2, 3));
    expect(got).toEqual([expect.objectContaining({ text: 'ABC', parts: 3, received: 3, incomplete: false })]);
    expect(c.waiting).toBe(0);
  });

  it('delivers what came after the timeout when a part never comes, marked incomplete', () => {
    c.add(part('A', 1, 3));
    c.add(part('C', 3, 3));
    vi.advanceTimersByTime(59_999);
    expect(got).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([expect.objectContaining({ text: `A${GAP}C`, parts: 3, received: 2, incomplete: true })]);
  });

  it('keeps 8-bit and 16-bit references, senders and references apart; a repeated part counts once', () => {
    c.add(part('a1', 1, 2, 5, 8));
    c.add(part('b1', 1, 2, 5, 16));
    c.add(part('c1', 1, 2, 5, 8, '+8613800000000'));
    c.add(part('a1', 1, 2, 5, 8));
    expect(got).toHaveLength(0);
    c.add(part('b2', 2, 2, 5, 16));
    c.add(part('a2', 2, 2, 5, 8));
    expect(got.map((m) => m.text)).toEqual(['b1b2', 'a1a2']);
    c.drain();
    expect(got[2]).toMatchObject({ text: `c1${GAP}`, incomplete: true });
  });

  it('delivers a part numbered outside its message as it is (nothing to join it to), never drops it', () => {
    c.add({ ...part('x', 4, 3), storedAt: 'SM:9' });
    c.add(part('y', 0, 3));
    expect(c.waiting).toBe(0);
    expect(got.map((m) => [m.text, m.stored])).toEqual([['x', ['SM:9']], ['y', []]]);
  });

  it('names the storage slots of every part, duplicates included, so they can be freed', () => {
    c.add({ ...part('A', 1, 2), storedAt: 'SM:1' });
    c.add({ ...part('A', 1, 2), storedAt: 'SM:3' });
    c.add({ ...part('B', 2, 2), storedAt: 'ME:2' });
    expect(got[0]!.stored.sort()).toEqual(['ME:2', 'SM:1', 'SM:3']);
  });
});
