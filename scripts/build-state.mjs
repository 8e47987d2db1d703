// Is the release current? The release is dist/ (tsc: src/ and drivers/) and
// web/dist (Vite: the console). Each is stamped by scripts/build.mjs with the
// time its build started; it is stale when a source file is newer than that
// stamp. Used by the build (to skip what is current), by `npm start` (to warn)
// and by the test helpers (so a stale release is never tested by mistake).
// Plain JavaScript: it runs before anything is compiled.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const STAMP = '.kefu-build';

/** What each part of the release is built from (paths from the package root; tests excluded). */
export const PARTS = {
  dist: { out: 'dist', sources: ['src', 'drivers', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'] },
  web: { out: 'web/dist', sources: ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/core', 'package-lock.json'] },
};

const isTest = (name) => /\.test\.tsx?$/.test(name);

/** The newest source file under `path`: { file, mtimeMs }, or null when there is none. */
function newest(path) {
  if (!existsSync(path)) return null;
  const st = statSync(path);
  if (!st.isDirectory()) return isTest(path) ? null : { file: path, mtimeMs: st.mtimeMs };
  let best = null;
  for (const e of readdirSync(path)) {
    const n = newest(join(path, e));
    if (n && (!best || n.mtimeMs > best.mtimeMs)) best = n;
  }
  return best;
}

/** Why `part` ('dist' | 'web') must be built, or null when it is current. */
export function staleReason(part, root = ROOT) {
  const { out, sources } = PARTS[part];
  const stamp = join(root, out, STAMP);
  if (!existsSync(stamp)) return `${out} is not built`;
  const built = statSync(stamp).mtimeMs;
  for (const s of sources) {
    const n = newest(join(root, s));
    if (n && n.mtimeMs > built) return `${relative(root, n.file)} changed after ${out} was built`;
  }
  return null;
}
