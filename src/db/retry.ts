/**
 * Writes that must not be lost to a short database outage (a restart, a
 * failover): retried while the database is unavailable (`DB_UNAVAILABLE`),
 * with a growing pause (0.2 s doubling to 5 s), for at most `forMs`. Any
 * other error (`STALE_EPOCH`, a constraint) is thrown at once.
 */
import { isKefuError } from '../core/errors.ts';

export async function whileDbDown<T>(fn: () => Promise<T>, o: { forMs?: number; onRetry?: (err: unknown, attempt: number) => void } = {}): Promise<T> {
  const deadline = Date.now() + (o.forMs ?? 120_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isKefuError(err, 'DB_UNAVAILABLE') || Date.now() >= deadline) throw err;
      o.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** Math.min(attempt - 1, 5))));
    }
  }
}
