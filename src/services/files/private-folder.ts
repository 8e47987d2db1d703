import { chmod, mkdir, stat } from 'node:fs/promises';

/**
 * Makes `path` (and its parents) exist as a folder only its owner can enter
 * (0700): the data folder holds the database, recordings and caches. An
 * existing folder open to group or others is closed; returns true then.
 */
export async function ensurePrivateFolder(path: string): Promise<boolean> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const st = await stat(path);
  if ((st.mode & 0o077) === 0) return false;
  await chmod(path, st.mode & 0o7700);
  return true;
}
