/**
 * Versions of the daemon's in-memory caches (sql/024_cache_versions.sql):
 * bumped by triggers on the cached tables, read by every daemon.
 */
import type { Db } from '../types.ts';

/** The NOTIFY channel the triggers send on; the payload is the cache's name. */
export const CACHE_CHANNEL = 'kefu_cache';

export class CacheVersionRepo {
  constructor(private readonly db: Db) {}

  /** Every cache's version (as decimal text). */
  async all(): Promise<Map<string, string>> {
    const r = await this.db.query<{ name: string; version: string }>('SELECT name, version::text AS version FROM cache_versions');
    return new Map(r.rows.map((x) => [x.name, x.version]));
  }
}
