/**
 * BlacklistService's rebuild scheduling, with a repository whose scans wait
 * until the test lets them go (a rebuild as slow as the test wants) and fake
 * timers for the debounce.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { BlacklistService } from './blacklist.ts';
import { NumberService } from './numbers.ts';
import type { BlacklistRepo, NewEntry } from '../db/repos/blacklist.ts';
import type { BlacklistEntry, Direction } from '../core/blacklist/records.ts';

type Row = { kind: 'number' | 'prefix'; value: string; direction: Direction };

/** add() and scan() over an array; each scan reads the rows when it starts, then waits for its release. */
function gatedRepo() {
  const rows: Row[] = [];
  const releases: Array<() => void> = [];
  const listeners = new Set<() => void>();
  const repo: Pick<BlacklistRepo, 'add' | 'scan'> = {
    async add(e: NewEntry): Promise<BlacklistEntry> {
      rows.push({ kind: e.kind, value: e.value, direction: e.direction });
      return { id: String(rows.length), number: e.kind === 'number' ? e.value : null, prefix: e.kind === 'prefix' ? e.value : null, direction: e.direction, reason: null, createdAt: new Date(0).toISOString() };
    },
    async *scan() {
      const seen = rows.map((r) => ({ ...r }));
      await new Promise<void>((resolve) => {
        releases.push(resolve);
        for (const l of listeners) l();
      });
      yield seen;
    },
  };
  return {
    repo: repo as BlacklistRepo,
    /** Scans started so far. */
    get scans() { return releases.length; },
    /** Resolves with the release of the n-th scan (1-based) once it has started. */
    scanStarted(n: number): Promise<() => void> {
      return new Promise((resolve) => {
        const check = () => {
          if (releases.length < n) return;
          listeners.delete(check);
          resolve(releases[n - 1]!);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

describe('BlacklistService rebuilds', () => {
  const DEBOUNCE = 50;
  let g: ReturnType<typeof gatedRepo>;
  let svc: BlacklistService;

  /** Resolves once the service has logged its n-th finished rebuild. */
  let rebuilt: (n: number) => Promise<void>;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    g = gatedRepo();
    let done = 0;
    const listeners = new Set<() => void>();
    const log = pino({ level: 'info' }, { write(line: string) { if (line.includes('blacklist loaded')) { done++; for (const l of listeners) l(); } } });
    rebuilt = (n) => new Promise((resolve) => {
      const check = () => { if (done >= n) { listeners.delete(check); resolve(); } };
      listeners.add(check);
      check();
    });
    svc = new BlacklistService(g.repo, new NumberService('CN'), log, { debounceMs: DEBOUNCE });
    const started = svc.start();
    (await g.scanStarted(1))();
    await started;
  });

  afterEach(async () => {
    await svc.stop();
    vi.useRealTimers();
  });

  it('a change during a rebuild slower than the debounce brings one more rebuild, then quiet', async () => {
    await svc.add({ number: '13800138000', direction: 'both' });
    vi.advanceTimersByTime(DEBOUNCE);
    const first = await g.scanStarted(2);
    await svc.add({ number: '13900139000', direction: 'inbound' });
    vi.advanceTimersByTime(DEBOUNCE); // fires while the first rebuild still runs
    expect(svc.stats().rebuilding).toBe(true);
    first();
    const second = await g.scanStarted(3);
    expect(vi.getTimerCount()).toBe(0); // the first rebuild, ending, scheduled nothing
    vi.advanceTimersByTime(DEBOUNCE * 10);
    second();
    await rebuilt(3);
    // The second rebuild was the last: nothing is scheduled behind it, and the next scan is the one asked for here.
    expect(vi.getTimerCount()).toBe(0);
    const asked = svc.rebuildNow();
    (await g.scanStarted(4))();
    await asked;
    expect(g.scans).toBe(4);
    expect(vi.getTimerCount()).toBe(0);
    expect(svc.stats()).toMatchObject({ rebuilding: false, pending: 0, exact: 2, rebuilds: 4 });
    expect(svc.check('13900139000', 'inbound').blocked).toBe(true);
    expect(svc.check('13900139000', 'outbound').blocked).toBe(false);
  });

  it('callers waiting on a running rebuild share the next one, which sees their changes', async () => {
    const running = svc.rebuildNow();
    const release = await g.scanStarted(2);
    await svc.add({ number: '13800138000', direction: 'outbound' });
    const a = svc.rebuildNow();
    const b = svc.rebuildNow();
    vi.advanceTimersByTime(DEBOUNCE); // the add's timer joins them too
    release();
    await running;
    (await g.scanStarted(3))();
    const extra = g.scanStarted(4).then(() => { throw new Error('a fourth scan started: the waiting callers did not share one rebuild'); });
    await Promise.race([Promise.all([a, b]), extra]);
    expect(g.scans).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
    expect(svc.stats()).toMatchObject({ rebuilding: false, pending: 0, exact: 1 });
  });
});
