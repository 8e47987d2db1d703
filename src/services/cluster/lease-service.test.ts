/**
 * The lease service's timing on fake timers (the renewal interval) and a
 * hand-moved clock, against a real PGlite: renewals keep the lease without
 * effects; a loop that stalled past the lease lets go at its next tick before
 * it asks the database, then reacquires the same epoch; a takeover by another
 * owner is seen at the next renewal (refused: close at once).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { templateDb } from '../../../test/support/template-db.ts';
import { LeaseService } from './lease-service.ts';

describe('lease service on fake timers', () => {
  let t: Awaited<ReturnType<typeof templateDb>>;
  beforeAll(async () => { t = await templateDb(); });
  afterAll(async () => { await t.drop(); });
  afterEach(() => { vi.useRealTimers(); });

  it('renews, lets go on a stall, reacquires, and lets go when another owner took the node', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = 0;
    const effects: string[] = [];
    const svc = new LeaseService({
      db: t.db, node: 'fake-timers', owner: 'a', renewMs: 300, leaseMs: 1000, logger: pino({ level: 'silent' }), now: () => clock,
      hooks: { open: async (epoch, takeover) => { effects.push(`open ${epoch}${takeover ? ' takeover' : ''}`); }, close: async () => { effects.push('close'); }, forget: async () => { effects.push('forget'); } },
    });
    await svc.start();
    await svc.settled();
    expect(svc.status()).toMatchObject({ state: 'owner', epoch: 1 });
    expect(effects).toEqual(['open 1 takeover']);

    // three renewals on time: nothing happens
    for (let i = 0; i < 3; i++) {
      clock += 300;
      vi.advanceTimersByTime(300);
      await svc.settled();
      expect(svc.kind).toBe('owner');
    }
    await svc.settled();
    expect(effects).toEqual(['open 1 takeover']);

    expect(svc.holds()).toBe(true);
    // the loop stalls 1.5 s (longer than the lease): before any timer runs the lease no longer holds (commands are refused);
    // the next tick lets go at once, the renewal then reacquires epoch 1
    clock += 1500;
    expect(svc.kind).toBe('owner');
    expect(svc.holds()).toBe(false);
    vi.advanceTimersByTime(300);
    await svc.settled();
    expect(effects).toEqual(['open 1 takeover', 'close', 'open 1']);
    expect(svc.status()).toMatchObject({ state: 'owner', epoch: 1 });
    expect(svc.holds()).toBe(true);

    // another daemon took the node (its row, a new epoch): the next renewal is refused, the node closed and its calls forgotten
    await t.db.query("UPDATE node_lease SET owner = 'b', epoch = 2, expires_at = now() + interval '1 hour' WHERE node = 'fake-timers'");
    clock += 300;
    vi.advanceTimersByTime(300);
    await svc.settled();
    expect(effects.slice(-2)).toEqual(['close', 'forget']);
    expect(svc.status()).toMatchObject({ state: 'lost', epoch: 1 });
    // refused again: a standby now, nothing more to do
    clock += 300;
    vi.advanceTimersByTime(300);
    await svc.settled();
    expect(effects.slice(-2)).toEqual(['close', 'forget']);
    expect(svc.status()).toMatchObject({ state: 'standby', epoch: null });
    await svc.stop();
  });
});
