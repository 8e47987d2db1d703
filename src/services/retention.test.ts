import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { Queryable } from '../db/types.ts';
import { Retention } from './retention.ts';

afterEach(() => { vi.useRealTimers(); });

describe('retention timer', () => {
  it('runs after the first delay, then daily, and stops on shutdown', async () => {
    vi.useFakeTimers();
    const query = vi.fn(async () => ({ rows: [], rowCount: 0 }));
    const r = new Retention({ query } as unknown as Queryable, loadConfig({ overrides: { recording: { retentionDays: 7 } } }), pino({ level: 'silent' }));
    r.start({ firstDelayMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(query).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(query).toHaveBeenCalledTimes(2); // calls, then recordings: nothing to delete
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(query).toHaveBeenCalledTimes(4);
    await r.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(query).toHaveBeenCalledTimes(4);
  });
});
