/**
 * The daemon's first step: make the data folder private, then open the
 * database. `kefu serve` starts it before it loads the rest of the daemon, so
 * PGlite opens in its worker thread while the main thread loads modules.
 */
import type { Logger } from 'pino';
import type { Config } from './config/schema.ts';
import type { Db } from './db/types.ts';
import { openDb } from './db/open.ts';
import { ensurePrivateFolder } from './services/files/private-folder.ts';

export async function openDatabase(config: Readonly<Config>, logger: Logger): Promise<Db> {
  if (await ensurePrivateFolder(config.dataDir)) logger.info({ dataDir: config.dataDir }, 'data folder was open to other users: now 0700');
  return openDb(config.database.url, process.cwd(), { log: logger });
}
