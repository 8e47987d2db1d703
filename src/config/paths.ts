import { isAbsolute, resolve } from 'node:path';
import type { Config } from './schema.ts';

/**
 * Relative paths in the configuration (dataDir, recording.dir, tts.cacheDir,
 * the folder of a pglite:// URL) resolved once against `cwd`, the folder the
 * command was started in: everything after sees absolute paths, whatever
 * the process's working directory becomes.
 */
export function resolveConfigPaths(config: Config, cwd: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const url = config.database.url;
  const pglite = url.startsWith('pglite://') ? url.slice('pglite://'.length) : null;
  return {
    ...config,
    dataDir: abs(config.dataDir),
    database: { ...config.database, url: pglite === null || pglite === '' || pglite === 'memory' ? url : `pglite://${abs(pglite)}` },
    recording: { ...config.recording, ...(config.recording.dir ? { dir: abs(config.recording.dir) } : {}) },
    tts: { ...config.tts, ...(config.tts.cacheDir ? { cacheDir: abs(config.tts.cacheDir) } : {}) },
  };
}
