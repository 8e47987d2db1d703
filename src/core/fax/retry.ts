/**
 * When a failed outbound fax is tried again. Pure: the service asks after
 * each failed attempt and schedules the answer.
 */
export interface FaxRetryPolicy {
  /** Attempts in all, the first one included (1: never retried). */
  maxAttempts: number;
  /** Wait before the 2nd attempt; each further one waits `backoff` times longer. */
  delayS: number;
  backoff: number;
}

/** Failures no retry can fix: the document is the problem, not the line. */
const FINAL = new Set(['FILE_ERROR', 'INVALID_ARGUMENTS', 'MEMORY_ERROR', 'UNSUPPORTED', 'DOCUMENT']);

/**
 * After attempt number `attempts` (1-based) failed with `resultCode`: the
 * delay in ms before the next one, or null when the fax has failed for good.
 */
export function nextAttemptDelayMs(policy: FaxRetryPolicy, attempts: number, resultCode: string): number | null {
  if (attempts >= policy.maxAttempts) return null;
  if (FINAL.has(resultCode)) return null;
  return Math.round(policy.delayS * 1000 * policy.backoff ** Math.max(0, attempts - 1));
}
