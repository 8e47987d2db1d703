/**
 * Calling hours for campaign tests that are not about calling hours: the whole
 * day, so a run does not depend on the wall clock (the default window,
 * 08:00–21:00 in the callee's time, closes at 13:00 UTC for +86 numbers and
 * the lab's short numbers, which fall back to Asia/Shanghai).
 */
export const ANY_HOUR = { default: { from: '00:00', to: '24:00' } } as const;
