import { describe, expect, it } from 'vitest';
import { initialLease, lastEpoch, mayAcquire, stepLease, type LeaseState } from './lease.ts';

const LEASE = 4000;

describe('node lease transitions', () => {
  it('standby becomes owner on a returned row, opens ARI, and renewals keep it without effects', () => {
    let s: LeaseState = initialLease();
    expect(mayAcquire(s, 0)).toBe(true);
    expect(lastEpoch(s)).toBeNull();
    const a = stepLease(s, { type: 'renewed', epoch: 1, sentAt: 0, at: 20 }, LEASE);
    expect(a.state).toEqual({ kind: 'owner', epoch: 1, validUntil: 4000 });
    expect(a.effects).toEqual(['open']);
    s = a.state;
    const b = stepLease(s, { type: 'renewed', epoch: 1, sentAt: 1000, at: 1010 }, LEASE);
    expect(b.effects).toEqual([]);
    expect(b.state).toEqual({ kind: 'owner', epoch: 1, validUntil: 5000 });
    expect(lastEpoch(b.state)).toBe(1);
  });

  it('a refused renewal lets go at once (close); a failed one (database error) only once the lease ended locally; standby stays standby', () => {
    const owner: LeaseState = { kind: 'owner', epoch: 3, validUntil: 9000 };
    expect(stepLease(owner, { type: 'refused', at: 5000 }, LEASE)).toEqual({ state: { kind: 'lost', epoch: 3, why: 'refused', at: 5000, retryAt: 5000 }, effects: ['close', 'forget'] });
    // the database is down: the lease is still ours locally until 9000 (the database's expiry is later)
    expect(stepLease(owner, { type: 'failed', at: 5000 }, LEASE)).toEqual({ state: owner, effects: [] });
    expect(stepLease(owner, { type: 'failed', at: 9000 }, LEASE)).toEqual({ state: { kind: 'lost', epoch: 3, why: 'failed', at: 9000, retryAt: 9000 }, effects: ['close'] });
    // and the timer lets go at its end if the renewals keep failing
    expect(stepLease(owner, { type: 'tick', at: 9000 }, LEASE).effects).toEqual(['close']);
    const standby = initialLease();
    expect(stepLease(standby, { type: 'refused', at: 1 }, LEASE)).toEqual({ state: standby, effects: [] });
    expect(stepLease(standby, { type: 'failed', at: 1 }, LEASE)).toEqual({ state: standby, effects: [] });
  });

  it('lost, then refused (another daemon holds the node now): standby, and the calls remembered are forgotten; lost and failed keeps them', () => {
    const stalled: LeaseState = { kind: 'lost', epoch: 3, why: 'stalled', at: 5000, retryAt: 5000 };
    expect(stepLease(stalled, { type: 'refused', at: 6000 }, LEASE)).toEqual({ state: { kind: 'standby', retryAt: 5000 }, effects: ['forget'] });
    expect(stepLease(stalled, { type: 'failed', at: 6000 }, LEASE)).toEqual({ state: stalled, effects: [] });
    // ApplicationReplaced waits its lease before it asks again; refused then: another daemon has the node
    const replaced: LeaseState = { kind: 'lost', epoch: 3, why: 'replaced', at: 1000, retryAt: 5000 };
    expect(stepLease(replaced, { type: 'refused', at: 5000 }, LEASE)).toEqual({ state: { kind: 'standby', retryAt: 5000 }, effects: ['forget'] });
    // lost by a refusal: forgotten then already
    const refused = stepLease({ kind: 'owner', epoch: 3, validUntil: 9000 }, { type: 'refused', at: 5000 }, LEASE);
    expect(stepLease(refused.state, { type: 'refused', at: 5100 }, LEASE)).toEqual({ state: { kind: 'standby', retryAt: 5000 }, effects: [] });
    // a standby that comes back wins a new epoch: a takeover
    expect(stepLease({ kind: 'standby', retryAt: 5000 }, { type: 'renewed', epoch: 5, sentAt: 7000, at: 7010 }, LEASE).effects).toEqual(['open']);
  });

  it('a renewal answered after the lease could have ended is late: let go', () => {
    const owner: LeaseState = { kind: 'owner', epoch: 2, validUntil: 5000 };
    const r = stepLease(owner, { type: 'renewed', epoch: 2, sentAt: 1000, at: 5000 }, LEASE);
    expect(r.state).toMatchObject({ kind: 'lost', why: 'late', epoch: 2 });
    expect(r.effects).toEqual(['close']);
  });

  it('a tick past validUntil (the event loop stalled) lets go; before it nothing happens', () => {
    const owner: LeaseState = { kind: 'owner', epoch: 2, validUntil: 5000 };
    expect(stepLease(owner, { type: 'tick', at: 4999 }, LEASE)).toEqual({ state: owner, effects: [] });
    const r = stepLease(owner, { type: 'tick', at: 5000 }, LEASE);
    expect(r.state).toMatchObject({ kind: 'lost', why: 'stalled' });
    expect(r.effects).toEqual(['close']);
  });

  it('ApplicationReplaced lets go, gives up the row, and waits one lease before trying again', () => {
    const owner: LeaseState = { kind: 'owner', epoch: 7, validUntil: 9000 };
    const r = stepLease(owner, { type: 'replaced', at: 1000 }, LEASE);
    expect(r.effects).toEqual(['close', 'release']);
    expect(mayAcquire(r.state, 4999)).toBe(false);
    expect(mayAcquire(r.state, 5000)).toBe(true);
    expect(lastEpoch(r.state)).toBe(7);
  });

  it('lost becomes owner again (open) when it reacquires; a new epoch while owner reopens', () => {
    const lost: LeaseState = { kind: 'lost', epoch: 1, why: 'refused', at: 0, retryAt: 0 };
    const r = stepLease(lost, { type: 'renewed', epoch: 2, sentAt: 100, at: 110 }, LEASE);
    expect(r).toEqual({ state: { kind: 'owner', epoch: 2, validUntil: 4100 }, effects: ['open'] });
    const owner: LeaseState = { kind: 'owner', epoch: 2, validUntil: 4100 };
    expect(stepLease(owner, { type: 'renewed', epoch: 4, sentAt: 200, at: 210 }, LEASE).effects).toEqual(['close', 'open']);
  });
});
