/**
 * Which in-memory caches another daemon changed (docs/scale-out.md, "In-memory caches"):
 * the versions this daemon last saw against the ones in `cache_versions` now.
 * Pure; the cache sync service reads the table and reloads.
 */

/** Cache name → version (a bigint, kept as its decimal text: only compared for equality). */
export type CacheVersions = ReadonlyMap<string, string>;

/**
 * Names whose version moved (or appeared) since `seen`, among `watched`. A
 * name absent from `now` has not been written yet: nothing to reload.
 */
export function movedCaches(seen: CacheVersions, now: CacheVersions, watched: Iterable<string>): string[] {
  const out: string[] = [];
  for (const name of watched) {
    const v = now.get(name);
    if (v !== undefined && v !== seen.get(name)) out.push(name);
  }
  return out;
}
