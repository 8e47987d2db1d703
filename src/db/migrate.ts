/**
 * Numbered migrations from sql/NNN_name.sql, applied in order, each in its own
 * transaction, recorded in schema_migrations. On a server, an advisory lock
 * keeps two daemons from migrating at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './types.ts';

export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));
const LOCK_KEY = 4_847_201; // arbitrary, constant for kefu

export interface Migration { version: number; name: string; sql: string }

export function listMigrations(dir = SQL_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Versions applied so far (empty when the table does not exist yet). */
export async function appliedVersions(db: Db): Promise<number[]> {
  const t = await db.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  if (!t.rows[0]?.exists) return [];
  const r = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return r.rows.map((x) => x.version);
}

/** Apply pending migrations; returns the ones applied now. */
export async function migrate(db: Db, dir = SQL_DIR): Promise<Migration[]> {
  const all = listMigrations(dir);
  if (db.kind === 'postgres') await db.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(await appliedVersions(db));
    const applied: Migration[] = [];
    for (const m of all) {
      if (done.has(m.version)) continue;
      await db.transaction(async (tx) => {
        for (const stmt of splitSql(m.sql)) await tx.query(stmt);
        await tx.query('INSERT INTO schema_migrations(version, name) VALUES ($1, $2)', [m.version, m.name]);
      });
      applied.push(m);
    }
    return applied;
  } finally {
    if (db.kind === 'postgres') await db.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

/** Split a migration into statements on semicolons at line ends (our migrations keep to that form). */
export function splitSql(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
