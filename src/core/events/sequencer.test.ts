import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventSequencer } from './sequencer.ts';
import type { LoggedEvent } from './bus.ts';

const ev = (id: number): LoggedEvent => ({ id, type: 'line.ring', at: '2026-01-01T00:00:00.000Z', data: { lineId: 'l1', ring: id } });

describe('EventSequencer', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  const make = () => {
    const out: number[] = [];
    const holes: number[] = [];
    const s = new EventSequencer({ holeWaitMs: 1000, deliver: (e) => out.push(e.id), onHole: () => holes.push(s.last) });
    return { s, out, holes };
  };

  it('delivers in id order, waits for a missing id, drops duplicates and ids already passed', () => {
    const { s, out, holes } = make();
    s.offer(ev(1)); // before start: dropped
    s.start(10);
    s.offer(ev(11));
    s.offer(ev(13));
    expect(out).toEqual([11]);
    expect(holes).toEqual([11]);
    s.offer(ev(12));
    s.offer(ev(12));
    s.offer(ev(9));
    expect(out).toEqual([11, 12, 13]);
    expect(s.last).toBe(13);
    vi.advanceTimersByTime(5000);
    expect(s.skipped).toBe(0);
  });

  it('skips a hole that never fills after holeWaitMs, and a late event for it is dropped', () => {
    const { s, out } = make();
    s.start(0);
    s.offer(ev(2));
    s.offer(ev(3));
    vi.advanceTimersByTime(999);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out).toEqual([2, 3]);
    expect(s.skipped).toBe(1);
    s.offer(ev(1));
    expect(out).toEqual([2, 3]);
  });

  it('a hole filled in time restarts the wait for the next one', () => {
    const { s, out } = make();
    s.start(0);
    s.offer(ev(2));
    vi.advanceTimersByTime(900);
    s.offer(ev(1));
    s.offer(ev(4));
    vi.advanceTimersByTime(900);
    expect(out).toEqual([1, 2]);
    vi.advanceTimersByTime(100);
    expect(out).toEqual([1, 2, 4]);
  });
});
