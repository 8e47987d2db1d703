/**
 * The web console's build. `kefu serve` (npm start) calls ensureConsoleBuilt():
 * when web/dist is missing or older than any source of the console (web/,
 * and the shared IVR code it imports from src/core/ivr), Vite builds it into a
 * fresh folder that then replaces web/dist, so a running daemon or a second
 * build never sees half a build.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
const SOURCES = [join(WEB_DIR, 'src'), join(WEB_DIR, 'index.html'), join(WEB_DIR, 'vite.config.ts'), fileURLToPath(new URL('../core/ivr/', import.meta.url))];
const STAMP = '.kefu-build';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newestMtime(join(path, e)));
  return max;
}

/** Why a build is needed, or null when web/dist is current. */
export function staleReason(): string | null {
  const stamp = join(DIST_DIR, STAMP);
  if (!existsSync(stamp)) return 'web/dist is missing';
  const built = statSync(stamp).mtimeMs;
  const newest = Math.max(...SOURCES.map(newestMtime));
  return newest > built ? 'console sources changed since the last build' : null;
}

export async function buildConsole(): Promise<{ ms: number }> {
  const t0 = performance.now();
  const { build } = await import('vite');
  const out = join(WEB_DIR, `dist.tmp-${process.pid}`);
  try {
    await build({ configFile: join(WEB_DIR, 'vite.config.ts'), build: { outDir: out, emptyOutDir: true }, logLevel: 'warn' });
    writeFileSync(join(out, STAMP), new Date().toISOString());
    // Swap in the new build. Another process building at the same moment may win the swap: then its build is used.
    const old = `${DIST_DIR}.old-${process.pid}`;
    try { renameSync(DIST_DIR, old); } catch { /* no previous build, or another process moved it */ }
    try { renameSync(out, DIST_DIR); } catch (err) { if (!existsSync(join(DIST_DIR, STAMP))) throw err; }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { ms: Math.round(performance.now() - t0) };
}

/** Build when stale; returns what was done, for the log. */
export async function ensureConsoleBuilt(): Promise<{ built: boolean; reason: string | null; ms?: number }> {
  const reason = staleReason();
  if (!reason) return { built: false, reason: null };
  const { ms } = await buildConsole();
  return { built: true, reason, ms };
}
