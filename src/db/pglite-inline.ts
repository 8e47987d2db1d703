import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './types.ts';
import { classifyDbError } from './errors.ts';

/**
 * Embedded PostgreSQL (PGlite) on the calling thread: every query runs on the
 * event loop. Kept for `pglite+inline://` (the benchmark baseline); the
 * daemon uses the worker thread (pglite.ts). `path` null means in memory.
 */
export async function openPgliteInline(path: string | null): Promise<Db> {
  if (path) mkdirSync(path, { recursive: true });
  const pg = await PGlite.create(path ?? undefined);
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      try {
        const r = await q.query<R>(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      } catch (e) {
        throw classifyDbError(e);
      }
    },
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    async transaction(fn) {
      try {
        return await pg.transaction((tx) => fn(wrap(tx)));
      } catch (e) {
        throw classifyDbError(e);
      }
    },
    async exec(sql) {
      try { await pg.exec(sql); } catch (e) { throw classifyDbError(e); }
    },
    async close() { await pg.close(); },
  };
}
