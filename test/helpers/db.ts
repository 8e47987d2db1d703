/**
 * Test databases: KEFU_TEST_DB=pglite gives a fresh PGlite folder,
 * KEFU_TEST_DB=postgres a fresh database on the server named by the PG*
 * environment (scripts/run-tests.mjs runs the suite inside pg_virtualenv).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb } from '../../src/db/open.ts';

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
    const template = await pgliteTemplate();
    const dir = mkdtempSync(join(tmpdir(), 'kefu-pglite-'));
    cpSync(template, join(dir, 'db'), { recursive: true });
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

let template: Promise<string> | undefined;
/**
 * PGlite's initdb takes about 6 s of CPU on these machines; copying its result takes 0.2 s and
 * opening the copy 1.5 s. A fresh PGlite database is a copy of one PGlite made once per machine
 * and PGlite version: initialised by PGlite itself, closed, never migrated (the copy is as empty
 * as a new folder). A daemon's first start in a folder of its own (the CLI and wizard tests)
 * still runs the initdb.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
    const path = join(tmpdir(), `kefu-pglite-template-${version}`);
    if (existsSync(join(path, 'PG_VERSION'))) return path;
    // made beside its final name and renamed into place: another test process may be making it too
    const work = mkdtempSync(`${path}.making-`);
    const db = await openDb(`pglite://${join(work, 'db')}`);
    await db.close();
    try { renameSync(join(work, 'db'), path); } catch { if (!existsSync(join(path, 'PG_VERSION'))) throw new Error(`cannot place the PGlite template at ${path}`); }
    rmSync(work, { recursive: true, force: true });
    return path;
  })();
  return template;
}
