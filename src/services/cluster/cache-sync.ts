/**
 * Keeps this daemon's in-memory caches (webhook subscriptions, blacklist,
 * agents and queues, published flows, stored settings, API keys and sessions)
 * in step with changes another daemon, or SQL, made to their tables
 * (docs/scale-out.md, "In-memory caches"). Triggers bump the cache's row in
 * `cache_versions` and NOTIFY kefu_cache (sql/024_cache_versions.sql); this
 * service LISTENs, polls the table every events.pollMs as a fallback, and
 * reloads each cache whose version moved. PGlite (one process): inactive.
 */
import type { Logger } from 'pino';
import { KeptListen, type ListenFn } from '../../db/listen.ts';
import { CACHE_CHANNEL, type CacheVersionRepo } from '../../db/repos/cache-versions.ts';
import { movedCaches } from '../../core/cluster/cache-versions.ts';

export interface CacheSyncDeps {
  repo: CacheVersionRepo;
  logger: Logger;
  /** events.pollMs (0: no poll) and events.notify (false: no LISTEN). */
  config: { pollMs: number; notify: boolean };
  /** PostgreSQL server: how to LISTEN (null on PGlite: nothing to follow, no LISTEN, no poll). */
  listen: ListenFn | null;
}

export class CacheSync {
  private readonly reloads = new Map<string, () => Promise<void>>();
  private seen = new Map<string, string>();
  private checking: Promise<void> | null = null;
  /** Reloads under way, one per cache; `rerun`: its version moved again meanwhile (look again after it). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private again = false;
  private stopped = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private listening: KeptListen | null = null;
  readonly stats = { notifies: 0, polls: 0, reloads: 0, failures: 0 };

  constructor(private readonly d: CacheSyncDeps) {}

  /** False on PGlite: one process, every change goes through its own API. */
  get active(): boolean { return this.d.listen !== null; }

  /**
   * The versions as they are before the caches load: a change made while they
   * load moves a version past these, and the first check reloads that cache.
   */
  async baseline(): Promise<void> {
    if (this.active) this.seen = await this.d.repo.all();
  }

  /** `reload` runs when cache `name`'s version moved (one at a time per cache; a failed one is tried again at the next look). */
  register(name: string, reload: () => Promise<void>): void {
    this.reloads.set(name, reload);
  }

  async start(): Promise<void> {
    if (!this.active) return;
    this.stopped = false;
    if (this.d.config.notify && this.d.listen) {
      this.listening = new KeptListen({ listen: this.d.listen, channel: CACHE_CHANNEL, what: 'caches', logger: this.d.logger,
        onNotify: () => { this.stats.notifies++; void this.check(); }, onUp: () => { void this.check(); } });
      await this.listening.start();
    }
    if (this.d.config.pollMs > 0) this.timer = setInterval(() => { this.stats.polls++; void this.check(); }, this.d.config.pollMs);
    await this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.listening?.stop();
    this.listening = null;
    await this.checking;
    await Promise.all(this.inFlight.values());
  }

  /**
   * Reads the versions and starts the reloads of what moved (a slow one, a
   * big blacklist, does not hold up the others). A call during a check makes
   * one more check after it (its change may have come after the read).
   */
  /** Failed checks in a row. */
  private failing = 0;

  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.checking) { this.again = true; return this.checking; }
    this.checking = (async () => {
      do { this.again = false; await this.checkOnce(); } while (this.again && !this.stopped);
    })().finally(() => { this.checking = null; });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let now: Map<string, string>;
    try {
      now = await this.d.repo.all();
      if (this.failing) this.d.logger.info({ failedChecks: this.failing }, 'caches: cache_versions readable again');
      this.failing = 0;
    } catch (err) {
      // once per outage (a database restart would log every poll otherwise)
      if (this.failing++ === 0) this.d.logger.warn({ err }, 'caches: reading cache_versions failed; the next checks try again');
      return;
    }
    if (this.stopped) return;
    for (const name of movedCaches(this.seen, now, this.reloads.keys())) this.reload(name, now.get(name)!);
  }

  /** Reloads cache `name`, which was at `version` before the reload began (a change committed during it moves the version again). */
  private reload(name: string, version: string): void {
    if (this.inFlight.has(name)) { this.rerun.add(name); return; }
    const t0 = performance.now();
    const run = Promise.resolve().then(() => this.reloads.get(name)!()).then(() => {
      this.seen.set(name, version);
      this.stats.reloads++;
      this.d.logger.debug({ cache: name, version, ms: Math.round(performance.now() - t0) }, 'cache reloaded');
    }, (err: unknown) => {
      this.stats.failures++;
      this.d.logger.warn({ err, cache: name }, 'caches: reload failed; the next look tries again');
    }).finally(() => {
      this.inFlight.delete(name);
      if (this.rerun.delete(name) && !this.stopped) void this.check();
    });
    this.inFlight.set(name, run);
  }


}
