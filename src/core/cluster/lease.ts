/**
 * Ownership of an Asterisk node by lease (docs/scale-out.md, "Leases and
 * fencing"): the pure transitions. The lease service (src/services/cluster)
 * runs the database statement and the effects; this decides.
 *
 * - `standby`: not the owner; tries to acquire at each renewal from `retryAt` on.
 * - `owner`: holds the lease with `epoch`; it is valid locally until
 *   `validUntil` (the send time of the last successful renewal + leaseMs: the
 *   database set its expiry later than that). Effect `open` (ARI socket).
 * - `lost`: was the owner and let go (a refused or late renewal, a failed one
 *   once the lease ended locally, a stalled event loop, Asterisk's
 *   ApplicationReplaced). Effect `close` at once; it tries again like standby
 *   (after ApplicationReplaced: one leaseMs later).
 *
 * A refused statement (another owner holds the lease) while owner or lost
 * also has effect `forget`: the node is another daemon's now, so what this
 * one remembers of its calls is stale; from `lost` it goes back to
 * `standby`. A lease lost any other way (the database away, a stall) keeps
 * the memory: if nobody took the node meanwhile it comes back with the same
 * epoch and its calls go on.
 *
 * Times are milliseconds of a monotonic clock of the caller's choosing.
 */

export type LeaseState =
  | { kind: 'standby'; retryAt: number }
  | { kind: 'owner'; epoch: number; validUntil: number }
  | { kind: 'lost'; epoch: number; why: LostReason; at: number; retryAt: number };

export type LostReason = 'refused' | 'failed' | 'late' | 'stalled' | 'replaced';

export type LeaseInput =
  /** The acquire/renew statement returned the row: we hold it with `epoch`; `sentAt` is when it was sent. */
  | { type: 'renewed'; epoch: number; sentAt: number; at: number }
  /** It returned no row: another owner holds an unexpired lease. */
  | { type: 'refused'; at: number }
  /** The database refused or did not answer. */
  | { type: 'failed'; at: number }
  /** A timer: has the lease run out without a renewal (the event loop stalled)? */
  | { type: 'tick'; at: number }
  /** Asterisk handed our Stasis application to another connection. */
  | { type: 'replaced'; at: number };

/**
 * `open`: open the node's ARI socket; `close`: close it at once; `release`:
 * give up the row (expire it now); `forget`: drop what this daemon remembers
 * of the node's calls (another daemon owns the node).
 */
export type LeaseEffect = 'open' | 'close' | 'release' | 'forget';

export interface LeaseStep { state: LeaseState; effects: LeaseEffect[] }

export const initialLease = (): LeaseState => ({ kind: 'standby', retryAt: 0 });

/** May the acquire/renew statement be sent now? (The owner always renews.) */
export const mayAcquire = (s: LeaseState, at: number): boolean => s.kind === 'owner' || at >= s.retryAt;

/** The epoch fenced writes carry: the last one we held (the database decides whether it still holds). */
export const lastEpoch = (s: LeaseState): number | null => (s.kind === 'standby' ? null : s.epoch);

export function stepLease(s: LeaseState, input: LeaseInput, leaseMs: number): LeaseStep {
  const lose = (why: LostReason, retryAt: number, effects: LeaseEffect[] = ['close']): LeaseStep =>
    s.kind === 'owner' ? { state: { kind: 'lost', epoch: s.epoch, why, at: input.at, retryAt }, effects } : { state: s, effects: [] };
  switch (input.type) {
    case 'renewed': {
      // an answer that comes after the lease's end: it may have run out meanwhile
      if (input.at - input.sentAt >= leaseMs) return lose('late', input.at);
      const validUntil = input.sentAt + leaseMs;
      if (s.kind === 'owner' && s.epoch === input.epoch) return { state: { ...s, validUntil }, effects: [] };
      // a new epoch while owner: someone held it in between; reopen from scratch
      const effects: LeaseEffect[] = s.kind === 'owner' ? ['close', 'open'] : ['open'];
      return { state: { kind: 'owner', epoch: input.epoch, validUntil }, effects };
    }
    case 'refused':
      // (lost by a refusal: forgotten then already)
      if (s.kind === 'lost') return { state: { kind: 'standby', retryAt: s.retryAt }, effects: s.why === 'refused' ? [] : ['forget'] };
      return lose('refused', input.at, ['close', 'forget']);
    // a database that errs (down, restarting, failing over) says nothing about who owns the node: keep it until it
    // ends locally (the tick lets go then, before the database's expiry), so an outage shorter than the lease costs nothing
    case 'failed': return s.kind === 'owner' && input.at < s.validUntil ? { state: s, effects: [] } : lose('failed', input.at);
    case 'tick': return s.kind === 'owner' && input.at >= s.validUntil ? lose('stalled', input.at) : { state: s, effects: [] };
    case 'replaced': return lose('replaced', input.at + leaseMs, ['close', 'release']);
  }
}
