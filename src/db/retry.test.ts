import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KefuError } from '../core/errors.ts';
import { whileDbDown } from './retry.ts';

describe('whileDbDown', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('retries while the database is unavailable, then returns what the write returned', async () => {
    let calls = 0;
    const retries: number[] = [];
    const p = whileDbDown(async () => {
      calls++;
      if (calls < 4) throw new KefuError('DB_UNAVAILABLE', 'database unavailable');
      return 'written';
    }, { onRetry: (_e, n) => retries.push(n) });
    await vi.advanceTimersByTimeAsync(200 + 400 + 800);
    await expect(p).resolves.toBe('written');
    expect(calls).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('any other error (a stale epoch, a constraint) is thrown at once', async () => {
    let calls = 0;
    await expect(whileDbDown(async () => { calls++; throw new KefuError('STALE_EPOCH', 'not the owner'); })).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    expect(calls).toBe(1);
  });

  it('gives up after forMs with the last error', async () => {
    let calls = 0;
    const p = whileDbDown(async () => { calls++; throw new KefuError('DB_UNAVAILABLE', 'database unavailable'); }, { forMs: 10_000 });
    const settled = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await settled).toMatchObject({ code: 'DB_UNAVAILABLE' });
    // 0.2 + 0.4 + 0.8 + 1.6 + 3.2 + 5 s: the seventh try is past the deadline
    expect(calls).toBe(7);
  });
});
