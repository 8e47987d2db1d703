import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * PGlite's file layer sets its own modes (0666 files) whatever the process
 * umask: close the database folder to other users, folders 0700 and files
 * 0600. Run after opening, after migrations and now and then (new relation
 * files and WAL segments); the folder itself is 0700 from the start, so a
 * file is never reachable by others in between.
 */
export async function privatiseTree(dir: string): Promise<number> {
  let changed = 0;
  const visit = async (path: string, isDir: boolean) => {
    await chmod(path, isDir ? 0o700 : 0o600).then(() => { changed++; }, () => undefined);
    if (!isDir) return;
    for (const d of await readdir(path, { withFileTypes: true }).catch(() => [])) await visit(join(path, d.name), d.isDirectory());
  };
  await visit(dir, true);
  return changed;
}

/** The folder of a pglite:// URL, or null (in memory, or a server). */
export function pgliteFolder(url: string): string | null {
  if (!url.startsWith('pglite://')) return null;
  const path = url.slice('pglite://'.length);
  return path === '' || path === 'memory' ? null : path;
}
