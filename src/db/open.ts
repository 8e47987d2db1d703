import { resolve } from 'node:path';
import type { Db } from './types.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { KefuError } from '../core/errors.ts';
import { configSecrets, scrubSecrets } from '../config/secrets.ts';

/**
 * Open the database named by `database.url`: pglite://PATH (pglite://memory for RAM) or postgres://...
 * A failure is a DB_UNAVAILABLE whose message names the URL without its password
 * and says why; the driver's error is not attached (some carry the whole URL).
 */
export async function openDb(url: string, baseDir = process.cwd()): Promise<Db> {
  try {
    if (url.startsWith('pglite://')) {
      const path = url.slice('pglite://'.length);
      return await openPglite(path === 'memory' || path === '' ? null : resolve(baseDir, path));
    }
    return await openPostgres(url);
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
