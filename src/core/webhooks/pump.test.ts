/**
 * The pump with fake timers: bounded concurrency (in all and per owner),
 * sleeping until the next item is due, and, with the retry policy and a
 * store model that hands out only the head of each order key (what the
 * outbox query does), a receiver down for an hour of fake time: every event
 * arrives, in order per key, none dead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pump, UNCLAIMED_AGAIN_MS, type PumpItem } from './pump.ts';
import { transition, type DeliveryState, type RetryPolicy } from './policy.ts';

beforeEach(() => { vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }); });
afterEach(() => { vi.useRealTimers(); });

const deferred = () => { let resolve!: () => void; const p = new Promise<void>((r) => { resolve = r; }); return { p, resolve }; };

describe('delivery pump', () => {
  it('gives back (release) due items it had no room for, and what a fill got while stopping; never a running one', async () => {
    const items: PumpItem[] = [{ id: 'a1', owner: 'a', dueAt: 0 }, { id: 'a2', owner: 'a', dueAt: 0 }, { id: 'b1', owner: 'b', dueAt: 0 },
      { id: 'later', owner: 'b', dueAt: Date.now() + 60_000 }];
    const released: string[][] = [];
    const gate = deferred();
    const ran: string[] = [];
    let answer: (() => void) | null = null;
    let calls = 0;
    const pump = new Pump<PumpItem>({
      concurrency: 3, perOwner: 1, idleMs: 10_000, onError: (e) => { throw e; },
      due: async (_limit, busy) => {
        calls++;
        if (calls === 2) await new Promise<void>((r) => { answer = r; }); // the second fill answers while the pump stops
        return items.filter((x) => !busy.includes(x.id) && !ran.includes(x.id));
      },
      release: async (xs) => { released.push(xs.map((x) => x.id)); },
      run: async (item) => { ran.push(item.id); await gate.p; },
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a1', 'b1']);
    expect(released).toEqual([['a2']]); // owner a full; 'later' not due: not claimed, not given back
    pump.wake();
    await vi.advanceTimersByTimeAsync(1);
    const stopping = pump.stop();
    answer!();
    gate.resolve();
    await stopping;
    expect(released).toEqual([['a2'], ['a2']]);
    expect(ran).toEqual(['a1', 'b1']);
  });

  it('runs at most `concurrency` at once, `perOwner` per owner, never one item twice', async () => {
    const items: PumpItem[] = Array.from({ length: 12 }, (_, i) => ({ id: `d${i}`, owner: i < 8 ? 'a' : 'b', dueAt: 0 }));
    const done = new Set<string>();
    const gates = new Map<string, () => void>();
    let peak = 0;
    const peakOwner = new Map<string, number>();
    const running = new Map<string, string>();
    const pump = new Pump<PumpItem>({
      concurrency: 5, perOwner: 3, idleMs: 10_000, onError: (e) => { throw e; },
      due: async (limit, busy, full) => items.filter((x) => !done.has(x.id) && !busy.includes(x.id) && !full.includes(x.owner)).slice(0, limit),
      run: async (item) => {
        expect(running.has(item.id)).toBe(false);
        running.set(item.id, item.owner);
        peak = Math.max(peak, running.size);
        const n = [...running.values()].filter((o) => o === item.owner).length;
        peakOwner.set(item.owner, Math.max(peakOwner.get(item.owner) ?? 0, n));
        const g = deferred();
        gates.set(item.id, g.resolve);
        await g.p;
        running.delete(item.id);
        done.add(item.id);
      },
    });
    pump.start();
    while (done.size < items.length) {
      await vi.advanceTimersByTimeAsync(1);
      for (const [id, open] of [...gates]) { gates.delete(id); open(); break; }
    }
    await pump.stop();
    expect(peak).toBe(5);
    expect(peakOwner.get('a')).toBe(3);
    expect(peakOwner.get('b')).toBeLessThanOrEqual(3);
  });

  it('never runs an item the store did not claim for it, however due it looks by this clock; it looks again shortly', async () => {
    // the store's clock is a little behind ours: 'x' is due by ours, not claimed by the store's (another daemon may claim it)
    let claimedAt: number | null = null;
    const ran: string[] = [];
    const calls: number[] = [];
    const pump = new Pump<PumpItem>({
      concurrency: 2, perOwner: 2, idleMs: 60_000, onError: (e) => { throw e; },
      due: async () => {
        calls.push(Date.now());
        if (ran.length) return [];
        if (calls.length < 3) return [{ id: 'x', owner: 'a', dueAt: Date.now() - 5, claimed: false }];
        claimedAt = Date.now();
        return [{ id: 'x', owner: 'a', dueAt: Date.now(), claimed: true }];
      },
      run: async (item) => { ran.push(item.id); },
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * UNCLAIMED_AGAIN_MS);
    expect(ran).toEqual(['x']);
    expect(claimedAt).toBe(calls[2]);
    // looked again after UNCLAIMED_AGAIN_MS each time, not at once
    expect(calls[1]! - calls[0]!).toBe(UNCLAIMED_AGAIN_MS);
    await pump.stop();
  });

  it('sleeps until the next item is due, and at most idleMs', async () => {
    const at = Date.now() + 1000;
    const ran: number[] = [];
    let calls = 0;
    const pump = new Pump<PumpItem>({
      concurrency: 2, perOwner: 2, idleMs: 60_000, onError: (e) => { throw e; },
      due: async () => { calls++; return ran.length ? [] : [{ id: 'x', owner: 'a', dueAt: at }]; },
      run: async () => { ran.push(Date.now()); },
    });
    pump.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([at]);
    // the finished run woke it (nothing more due): asleep for idleMs
    const before = calls;
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(before + 1);
    await pump.stop();
  });

  it('with the retry policy: a receiver down for an hour of fake time loses nothing, in order per key', async () => {
    const policy: RetryPolicy = { initialDelayMs: 5000, factor: 2, maxDelayMs: 600_000, jitter: 0.2, maxAttempts: 500, maxAgeMs: 86_400_000 };
    const t0 = Date.now();
    const HOUR = 3_600_000;
    interface Row { id: string; seq: number; key: string | null; s: DeliveryState }
    const rows: Row[] = [];
    let seq = 0;
    const publish = (key: string | null) => rows.push({ id: `e${seq}`, seq: seq++, key, s: { status: 'pending', attempts: 0, nextAttemptAt: new Date(Date.now()), roundStartedAt: new Date(Date.now()) } });
    const received: Array<{ id: string; key: string | null; ok: boolean }> = [];
    // the outbox query: pending, the first pending of its key, soonest first
    const due = async (limit: number, busy: readonly string[]) => rows
      .filter((r) => r.s.status === 'pending' && !busy.includes(r.id) && (r.key === null || !rows.some((o) => o.key === r.key && o.s.status === 'pending' && o.seq < r.seq)))
      .sort((a, b) => a.s.nextAttemptAt.getTime() - b.s.nextAttemptAt.getTime() || a.seq - b.seq)
      .slice(0, limit).map((r) => ({ id: r.id, owner: 'hook', dueAt: r.s.nextAttemptAt.getTime() }));
    const pump = new Pump({
      concurrency: 4, perOwner: 4, idleMs: 5000, onError: (e) => { throw e; }, due,
      run: async (item) => {
        const r = rows.find((x) => x.id === item.id)!;
        const ok = Date.now() - t0 >= HOUR; // refused for the first hour
        received.push({ id: r.id, key: r.key, ok });
        r.s = transition(r.s, ok ? { type: 'succeeded', at: new Date() } : { type: 'failed', at: new Date(), random: Math.random() }, policy);
      },
    });
    pump.start();
    // an event every minute for the hour: 4 calls of 15 events each, and unordered ones
    for (let m = 0; m < 60; m++) {
      publish(`call:${m % 4}`);
      if (m % 10 === 0) publish(null);
      pump.wake();
      await vi.advanceTimersByTimeAsync(60_000);
    }
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    await pump.stop();
    expect(rows.every((r) => r.s.status === 'succeeded')).toBe(true);
    expect(received.filter((r) => !r.ok).length).toBeGreaterThan(100);
    const taken = received.filter((r) => r.ok);
    expect(taken).toHaveLength(rows.length);
    for (let k = 0; k < 4; k++) {
      const ids = taken.filter((r) => r.key === `call:${k}`).map((r) => Number(r.id.slice(1)));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      // nothing of a key was even tried before the one before it was taken
      const tried = received.filter((r) => r.key === `call:${k}`).map((r) => Number(r.id.slice(1)));
      for (let i = 1; i < tried.length; i++) expect(tried[i]!).toBeGreaterThanOrEqual(tried[i - 1]!);
    }
  });
});
