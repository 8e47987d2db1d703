/**
 * A scorecard period's life: open → computed → reviewed → published. A pure
 * transition function; anything else is refused with the reason.
 * - compute: open or computed → computed (figures taken again);
 * - closeReviews: computed → reviewed (reviews and deductions are final, totals taken again);
 * - reopen: reviewed → computed (reviews may change again);
 * - publish: reviewed → published (agents may appeal from now on; the scorecard.published event).
 */
export const PERIOD_STATES = ['open', 'computed', 'reviewed', 'published'] as const;
export type PeriodState = typeof PERIOD_STATES[number];
export type PeriodEvent = 'compute' | 'closeReviews' | 'reopen' | 'publish';

const TABLE: Record<PeriodEvent, Partial<Record<PeriodState, PeriodState>>> = {
  compute: { open: 'computed', computed: 'computed' },
  closeReviews: { computed: 'reviewed' },
  reopen: { reviewed: 'computed' },
  publish: { reviewed: 'published' },
};

export type Transition = { ok: true; to: PeriodState } | { ok: false; reason: string };

export function transition(from: PeriodState, event: PeriodEvent): Transition {
  const to = TABLE[event][from];
  if (to) return { ok: true, to };
  const allowed = Object.keys(TABLE[event]).join(' or ');
  return { ok: false, reason: `cannot ${event} a period that is ${from} (only when ${allowed})` };
}

/** Reviews and deductions may change until the reviews are closed. */
export const reviewsOpen = (s: PeriodState): boolean => s === 'open' || s === 'computed';
