/**
 * Numbered migrations from sql/NNN_name.sql, applied in order of their number,
 * each in its own transaction, recorded in schema_migrations. Numbers need not
 * be contiguous (a number may be reserved for a branch not merged yet): every
 * file not applied yet is applied, in order, including one whose number is
 * below the highest applied. Two files with the same number are refused. On a
 * server, an advisory lock keeps two daemons from migrating at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './types.ts';
import { SQL_DIR } from '../paths.ts';

export { SQL_DIR };
const LOCK_KEY = 4_847_201; // arbitrary, constant for kefu

export interface Migration { version: number; name: string; sql: string }

export function listMigrations(dir = SQL_DIR): Migration[] {
  const all = readdirSync(dir)
    .map((f) => /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[2]!, sql: readFileSync(join(dir, m[0]), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.version === all[i - 1]!.version) throw new Error(`two migrations numbered ${all[i]!.version}: ${all[i - 1]!.name} and ${all[i]!.name}`);
  }
  return all;
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

/**
 * Split a migration into statements on semicolons at line ends (our migrations keep to that form);
 * a `$$ ... $$` body (a function) is never split.
 */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let inBody = false;
  for (const line of sql.split('\n')) {
    cur.push(line);
    if ((line.split('$$').length - 1) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) { out.push(cur.join('\n').replace(/;\s*$/, '')); cur = []; }
  }
  out.push(cur.join('\n'));
  return out.map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.length > 0);
}
