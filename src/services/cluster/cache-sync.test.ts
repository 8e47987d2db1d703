/**
 * The cache sync's looks, on a real (migrated) PGlite: what moved is reloaded
 * once; a failed reload is tried again at the next look; a version that moves
 * during a reload reloads once more after it; a slow reload does not hold up
 * another cache's. Looks are made by calling check() (no LISTEN on PGlite:
 * notify off, no poll), as the NOTIFY and the poll do.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { CacheVersionRepo } from '../../db/repos/cache-versions.ts';
import { CacheSync } from './cache-sync.ts';
import { templateDb } from '../../../test/support/template-db.ts';

describe('cache sync', () => {
  let t: Awaited<ReturnType<typeof templateDb>>;
  let sync: CacheSync;
  const calls = { blacklist: 0, flows: 0 };
  let failNext = false;
  let gate: Promise<void> | null = null;
  const bump = (name: string) => t.db.query('UPDATE cache_versions SET version = version + 1 WHERE name = $1', [name]);

  beforeAll(async () => {
    t = await templateDb();
    sync = new CacheSync({
      repo: new CacheVersionRepo(t.db), logger: pino({ level: 'silent' }), config: { pollMs: 0, notify: false },
      // active, as on a server; with notify off it never LISTENs
      listen: async () => { throw new Error('notify is off: no LISTEN'); },
    });
    await sync.baseline();
    sync.register('blacklist', async () => {
      calls.blacklist++;
      if (gate) await gate;
      if (failNext) { failNext = false; throw new Error('database gone'); }
    });
    sync.register('flows', async () => { calls.flows++; });
    await sync.start();
  });
  afterAll(async () => { await sync?.stop(); await t?.drop(); });

  it('reloads what moved, once', async () => {
    await sync.check();
    expect(calls).toEqual({ blacklist: 0, flows: 0 });
    await bump('flows');
    await sync.check();
    await vi.waitFor(() => expect(calls).toEqual({ blacklist: 0, flows: 1 }));
    await sync.check();
    await sync.check();
    expect(calls).toEqual({ blacklist: 0, flows: 1 });
  });

  it('a failed reload is tried again at the next look', async () => {
    failNext = true;
    await bump('blacklist');
    await sync.check();
    await vi.waitFor(() => expect(sync.stats.failures).toBe(1));
    await sync.check();
    await vi.waitFor(() => expect(calls.blacklist).toBe(2));
    await sync.check();
    await vi.waitFor(() => expect(sync.stats.reloads).toBe(2));
    expect(calls.blacklist).toBe(2);
  });

  it('a change during a slow reload reloads again after it, and does not hold up another cache', async () => {
    let open!: () => void;
    gate = new Promise((r) => { open = r; });
    await bump('blacklist');
    await sync.check();
    await vi.waitFor(() => expect(calls.blacklist).toBe(3));
    // while the blacklist reload waits: it moves again, and flows moves
    await bump('blacklist');
    await bump('flows');
    await sync.check();
    await vi.waitFor(() => expect(calls.flows).toBe(2));
    expect(calls.blacklist).toBe(3);
    gate = null;
    open();
    await vi.waitFor(() => expect(calls.blacklist).toBe(4));
    await vi.waitFor(() => expect(sync.stats.reloads).toBe(5));
    await sync.check();
    expect(calls.blacklist).toBe(4);
  });
});
