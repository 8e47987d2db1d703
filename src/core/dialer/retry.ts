/**
 * Retry rules: after an attempt that reached nobody, when may the number be
 * tried again? Per outcome a delay and a most-attempts count (attempts that
 * ended with that outcome), plus a cap on attempts of any kind. A person
 * reached (connected to an agent) ends the number's attempts; an abandoned
 * person may be called back only after the `abandoned` delay. The time found
 * is then moved into the calling window ({@link nextAttemptAt}).
 */
import { nextCallableAt, type CallingWindow } from './calling-window.ts';

/** How a finished attempt ended, for retrying. */
export type RetryOutcome = 'busy' | 'no-answer' | 'machine' | 'failed' | 'abandoned' | 'connected';

/** Delay and most attempts for one outcome. */
export interface RetryRule { delayS: number; maxAttempts: number }

export interface RetryRules {
  busy: RetryRule;
  'no-answer': RetryRule;
  machine: RetryRule;
  failed: RetryRule;
  abandoned: RetryRule;
  /** Attempts of any kind, at most. */
  maxTotal: number;
}

export const DEFAULT_RETRY: RetryRules = {
  busy: { delayS: 10 * 60, maxAttempts: 5 },
  'no-answer': { delayS: 60 * 60, maxAttempts: 4 },
  machine: { delayS: 4 * 3600, maxAttempts: 3 },
  failed: { delayS: 30 * 60, maxAttempts: 2 },
  abandoned: { delayS: 72 * 3600, maxAttempts: 2 },
  maxTotal: 8,
};

/** One past attempt of a number: when it ended and how. */
export interface PastAttempt { endedAt: number; outcome: RetryOutcome }

/** Why a number is not tried again, or when it may be (ms since epoch). */
export type RetryVerdict = { retry: true; at: number } | { retry: false; why: string };

/** When the number may be tried next by the rules alone (no calling window); attempts in any order. */
export function nextAttempt(attempts: readonly PastAttempt[], rules: RetryRules = DEFAULT_RETRY): RetryVerdict {
  if (attempts.length === 0) return { retry: true, at: -Infinity };
  const last = attempts.reduce((a, b) => (b.endedAt >= a.endedAt ? b : a));
  if (attempts.some((a) => a.outcome === 'connected')) return { retry: false, why: 'reached' };
  if (attempts.length >= rules.maxTotal) return { retry: false, why: `${attempts.length} attempts (most ${rules.maxTotal})` };
  const rule = rules[last.outcome as Exclude<RetryOutcome, 'connected'>];
  const same = attempts.filter((a) => a.outcome === last.outcome).length;
  if (same >= rule.maxAttempts) return { retry: false, why: `${same} × ${last.outcome} (most ${rule.maxAttempts})` };
  return { retry: true, at: last.endedAt + rule.delayS * 1000 };
}

/**
 * When the number may be tried next: the rules' time, not before `nowMs`,
 * moved to the first time inside the calling window; null when never.
 */
export function nextAttemptAt(number: string, attempts: readonly PastAttempt[], nowMs: number, window: CallingWindow = {}, rules: RetryRules = DEFAULT_RETRY, explicitZone?: string): number | null {
  const v = nextAttempt(attempts, rules);
  if (!v.retry) return null;
  const at = nextCallableAt(number, new Date(Math.max(nowMs, v.at)), window, explicitZone);
  return at === null ? null : at.getTime();
}
