import { resolve } from 'node:path';
import type { Db } from './types.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Open the database named by `database.url`: pglite://PATH (pglite://memory for RAM) or postgres://... */
export async function openDb(url: string, baseDir = process.cwd()): Promise<Db> {
  if (url.startsWith('pglite://')) {
    const path = url.slice('pglite://'.length);
    return openPglite(path === 'memory' || path === '' ? null : resolve(baseDir, path));
  }
  return openPostgres(url);
}

/** The URL with its password masked, for logs and diagnostics. */
export function redactDbUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
