/**
 * A delivery's life, as a pure state machine: pending until the receiver
 * takes it (2xx), tried again with exponential backoff and jitter after each
 * failure, dead (a dead letter) when the retry budget of its round is spent.
 * A replay starts a new round. The service stores the result and sends when
 * `nextAttemptAt` comes.
 */

export interface RetryPolicy {
  /** Wait after the first failed attempt. */
  initialDelayMs: number;
  /** Each further wait is this many times the one before... */
  factor: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** Fraction of each wait drawn at random (0: none; 0.2: the wait is 80-100 % of the computed one). */
  jitter: number;
  /** Attempts in one round, the first included. */
  maxAttempts: number;
  /** A round gives up once the next attempt would come later than this after it started. */
  maxAgeMs: number;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

export interface DeliveryState {
  status: DeliveryStatus;
  /** Attempts made in this round. */
  attempts: number;
  /** When the next attempt is due (pending only; else unchanged). */
  nextAttemptAt: Date;
  /** When this round began (creation or the last replay). */
  roundStartedAt: Date;
}

export type DeliveryEvent =
  | { type: 'succeeded'; at: Date }
  | { type: 'failed'; at: Date; /** a draw in [0, 1) for the jitter */ random: number }
  | { type: 'replay'; at: Date };

/** The wait after failed attempt number `attempt` (1-based), jitter drawn from `random` in [0, 1). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.max(0, Math.round(base * (1 - jitter * Math.min(Math.max(random, 0), 1))));
}

/** The next state of a delivery. Events that make no sense in a state (a success of a dead letter) change nothing. */
export function transition(s: DeliveryState, e: DeliveryEvent, policy: RetryPolicy): DeliveryState {
  switch (e.type) {
    case 'replay':
      return { status: 'pending', attempts: 0, nextAttemptAt: e.at, roundStartedAt: e.at };
    case 'succeeded':
      if (s.status !== 'pending') return s;
      return { ...s, status: 'succeeded', attempts: s.attempts + 1 };
    case 'failed': {
      if (s.status !== 'pending') return s;
      const attempts = s.attempts + 1;
      const next = new Date(e.at.getTime() + backoffMs(policy, attempts, e.random));
      const spent = attempts >= policy.maxAttempts || next.getTime() - s.roundStartedAt.getTime() > policy.maxAgeMs;
      return spent ? { ...s, status: 'dead', attempts } : { ...s, status: 'pending', attempts, nextAttemptAt: next };
    }
  }
}
