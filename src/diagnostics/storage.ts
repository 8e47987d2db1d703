/**
 * Storage checks for `kefu diagnose`: the data folder and the recordings
 * folder must be folders the daemon can write (a real write is tried, as
 * permission bits say nothing for root or read-only mounts) on a disk that
 * is not nearly full. A folder not made yet is fine when its parent is.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Check } from './check.ts';

/** Below this much free space (or 2 % of the disk) a folder counts as nearly full: ~2 hours of recording. */
export const LOW_SPACE_BYTES = 100 * 1024 * 1024;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 2 : 0)} MiB`;

function fixFor(code: string | undefined, dir: string, key: string): string {
  switch (code) {
    case 'ENOTDIR': case 'EEXIST': return `${dir} (or a folder above it) is a file, not a folder: move the file away, or set ${key} to a folder`;
    case 'EROFS': return `${dir} is on a read-only file system: remount it read-write, or set ${key} to a folder on a writable disk`;
    case 'EACCES': case 'EPERM': return `let the user kefu runs as write there: chown -R <user> ${dir} && chmod 700 ${dir}, or set ${key} to a folder it owns`;
    case 'ENOSPC': case 'EDQUOT': return `the disk holding ${dir} is full: free space, or lower calls.retentionDays / recording.retentionDays and run kefu prune`;
    default: return `check that ${dir} is a writable folder, or set ${key} to one`;
  }
}

/** One folder: writable (a file is really written and removed) and not nearly full. */
export async function folderCheck(id: string, title: string, dir: string, key: string): Promise<Check> {
  let probe = resolve(dir);
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe); // the folder, or the parent that will hold it
  const made = probe === resolve(dir);
  try {
    if (!statSync(probe).isDirectory()) throw Object.assign(new Error(`${probe} is not a folder`), { code: 'ENOTDIR' });
    const file = join(probe, `.kefu-diagnose-${randomBytes(4).toString('hex')}`);
    await writeFile(file, randomBytes(4096));
    await unlink(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { id, title, ok: false, detail: `cannot write${made ? '' : ` (it does not exist yet; ${probe} is where it would go)`}: ${code ?? ''} ${(err as Error).message}`.trim(), fix: fixFor(code, dir, key) };
  }
  const fs = await statfs(probe);
  const free = fs.bavail * fs.bsize;
  const total = fs.blocks * fs.bsize;
  const detail = `${made ? 'writable' : `does not exist yet; ${probe} is writable`}, ${mib(free)} free of ${mib(total)}`;
  if (free < LOW_SPACE_BYTES || free < total * 0.02) return { id, title, ok: false, detail: `nearly full: ${detail}`, fix: fixFor('ENOSPC', dir, key) };
  return { id, title, ok: true, detail, fix: null };
}

/** The data folder, and the recordings folder when it lives elsewhere. */
export async function storageChecks(config: Readonly<Config>): Promise<Check[]> {
  const checks = [await folderCheck('data-dir', `data folder ${config.dataDir}`, config.dataDir, 'dataDir')];
  const rec = resolve(config.recording.dir ?? join(config.dataDir, 'recordings'));
  if (config.recording.enabled) checks.push(await folderCheck('recordings-dir', `recordings folder ${rec}`, rec, 'recording.dir'));
  return checks;
}
