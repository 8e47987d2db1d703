/**
 * Test databases: KEFU_TEST_DB=pglite gives a fresh PGlite folder,
 * KEFU_TEST_DB=postgres a fresh database on the server named by the PG*
 * environment (scripts/run-tests.mjs runs the suite inside pg_virtualenv).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDbKind = 'pglite' | 'postgres';

export const testDbKind = (): TestDbKind => (process.env.KEFU_TEST_DB === 'postgres' ? 'postgres' : 'pglite');

function serverUrl(database: string): string {
  const { PGHOST, PGPORT, PGUSER, PGPASSWORD } = process.env;
  if (!PGHOST || !PGUSER) throw new Error('KEFU_TEST_DB=postgres needs PGHOST/PGUSER (run the suite through npm test, which starts a PostgreSQL server)');
  const auth = PGPASSWORD ? `${encodeURIComponent(PGUSER)}:${encodeURIComponent(PGPASSWORD)}` : encodeURIComponent(PGUSER);
  return `postgres://${auth}@${PGHOST}:${PGPORT ?? '5432'}/${database}`;
}

/** A fresh, empty database URL for one test file, and how to drop it. */
export async function freshDatabase(kind: TestDbKind = testDbKind()): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-pglite-'));
    return { url: `pglite://${join(dir, 'db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `kefu_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: serverUrl(name),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl('postgres') });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
