/**
 * A migrated embedded database for fast unit tests: the real PGlite (on the
 * test's own thread), opened from a copy of a template folder that was
 * migrated once. The template is rebuilt whenever a migration or PGlite
 * changes (its folder name is a hash of both). Opening a copy takes well under
 * a second, where a first start with migrations takes several.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { SQL_DIR } from '../../src/paths.ts';
import type { Db } from '../../src/db/types.ts';

function templateKey(): string {
  const h = createHash('sha256');
  const pkg = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string };
  h.update(pkg.version);
  for (const f of readdirSync(SQL_DIR).sort()) h.update(f).update(readFileSync(join(SQL_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

async function template(): Promise<string> {
  const dir = join(tmpdir(), `kefu-pglite-template-${templateKey()}`);
  if (existsSync(dir)) return dir;
  const building = `${dir}.${randomBytes(4).toString('hex')}`;
  const db = await openDb(`pglite+inline://${building}`);
  await migrate(db, SQL_DIR);
  await db.close();
  // another worker may have finished first: theirs is as good as ours
  try { renameSync(building, dir); } catch { rmSync(building, { recursive: true, force: true }); }
  return dir;
}

/** A fresh migrated database; `drop` closes it and removes its folder. */
export async function templateDb(): Promise<{ db: Db; drop(): Promise<void> }> {
  const src = await template();
  const dir = mkdtempSync(join(tmpdir(), 'kefu-unit-db-'));
  cpSync(src, join(dir, 'db'), { recursive: true });
  const db = await openDb(`pglite+inline://${join(dir, 'db')}`);
  return {
    db,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
