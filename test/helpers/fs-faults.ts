/**
 * Real file-system faults for tests: a read-only or tiny tmpfs mounted over a
 * folder (needs root, as CI runs), a path under a plain file (ENOTDIR), and a
 * folder filled to the last byte (ENOSPC). Root ignores permission bits, so
 * "read-only" means a read-only mount when root, mode 0500 otherwise.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const isRoot = (): boolean => process.getuid?.() === 0;

const mounted = new Set<string>();

/** Mounts a tmpfs of `sizeKiB` over `dir` (made if missing); read-only when asked. Fails clearly when not root. */
export function mountTmpfs(dir: string, opts: { sizeKiB: number; readOnly?: boolean }): void {
  if (!isRoot()) throw new Error(`mounting a tmpfs on ${dir} needs root (CI runs as root): run this test as root, e.g. sudo npx vitest run --project integration-pglite test/integration/faults.test.ts`);
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${opts.sizeKiB}k,mode=0700${opts.readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
  mounted.add(dir);
}

/** Unmounts what mountTmpfs mounted on `dir` (no-op otherwise). */
export function unmount(dir: string): void {
  if (!mounted.has(dir)) return;
  execFileSync('umount', [dir]);
  mounted.delete(dir);
}

/** Unmounts everything this process mounted (for afterAll). */
export function unmountAll(): void {
  for (const dir of [...mounted]) { try { unmount(dir); } catch { execFileSync('umount', ['-l', dir]); mounted.delete(dir); } }
}

/** A folder nobody (root included) can create files in: a read-only tmpfs when root, mode 0500 otherwise. */
export function makeReadOnlyFolder(dir: string): void {
  if (isRoot()) mountTmpfs(dir, { sizeKiB: 64, readOnly: true });
  else { mkdirSync(dir, { recursive: true }); chmodSync(dir, 0o500); }
}

/** Writes a filler file into `dir` until the file system says ENOSPC; returns the bytes written. */
export function fillUp(dir: string): number {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  let n = 0;
  try {
    for (;;) n += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return n;
}
