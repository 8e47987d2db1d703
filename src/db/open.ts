import { resolve } from 'node:path';
import type { Db } from './types.ts';
import { openPglite, type PgliteOptions } from './pglite.ts';
import { openPgliteInline } from './pglite-inline.ts';
import { openPostgres } from './postgres.ts';

/**
 * Open the database named by `database.url`: pglite://PATH (pglite://memory
 * for RAM; PGlite in a worker thread), pglite+inline://PATH (PGlite on the
 * calling thread: the benchmark baseline) or postgres://...
 */
export async function openDb(url: string, baseDir = process.cwd(), opts: PgliteOptions = {}): Promise<Db> {
  const m = /^pglite(\+inline)?:\/\/(.*)$/.exec(url);
  if (m) {
    const path = m[2] === 'memory' || m[2] === '' ? null : resolve(baseDir, m[2]!);
    return m[1] ? openPgliteInline(path) : openPglite(path, opts);
  }
  return openPostgres(url);
}

/** The URL with its password masked, for logs and diagnostics. */
export function redactDbUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
