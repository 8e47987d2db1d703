import { resolve } from 'node:path';
import type { Db } from './types.ts';
import type { PgliteOptions } from './pglite.ts';
import { KefuError } from '../core/errors.ts';
import { configSecrets, scrubSecrets } from '../config/secrets.ts';

/**
 * Open the database named by `database.url`: pglite://PATH (pglite://memory
 * for RAM; PGlite in a worker thread), pglite+inline://PATH (PGlite on the
 * calling thread: the benchmark baseline) or postgres://...
 * Each backend's module is loaded when its URL is opened (PGlite and pg take
 * a while to load, and the daemon uses one of them).
 * A failure is a DB_UNAVAILABLE whose message names the URL without its password
 * and says why; the driver's error is not attached (some carry the whole URL).
 */
export async function openDb(url: string, baseDir = process.cwd(), opts: PgliteOptions = {}): Promise<Db> {
  try {
    const m = /^pglite(\+inline)?:\/\/(.*)$/.exec(url);
    if (m) {
      const path = m[2] === 'memory' || m[2] === '' ? null : resolve(baseDir, m[2]!);
      if (m[1]) return await (await import('./pglite-inline.ts')).openPgliteInline(path);
      return await (await import('./pglite.ts')).openPglite(path, opts);
    }
    return await (await import('./postgres.ts')).openPostgres(url);
  } catch (e) {
    const inner = e instanceof KefuError && e.cause instanceof Error ? e.cause : e;
    const code = (inner as { code?: unknown } | null)?.code;
    const why = `${typeof code === 'string' ? `${code} ` : ''}${inner instanceof Error ? inner.message : String(inner)}`;
    throw new KefuError('DB_UNAVAILABLE', scrubSecrets(`cannot open the database ${redactDbUrl(url)}: ${why}`, configSecrets({ url })));
  }
}

/** The URL with its password masked, for logs and diagnostics. */
export function redactDbUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
