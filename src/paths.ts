/**
 * Files the daemon reads at run time (config/default.yaml, config/flows, sql/,
 * web/dist) live at the package root. This module is src/paths.ts when run from
 * the sources (vitest, tsx) and dist/src/paths.js in the release, so the root is
 * one or two folders up: decided by the file's own extension, no file-system
 * probing. Nothing here writes: the install folder is read-only to the daemon.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const compiled = import.meta.url.endsWith('.js');

/** The package root (the folder with package.json, config/, sql/, web/). */
export const PACKAGE_ROOT = fileURLToPath(new URL(compiled ? '../../' : '../', import.meta.url));

/** A path under the package root, e.g. `packagePath('sql')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);

/** The prebuilt web console, served at `/` (built by `npm run build`, never by the daemon). */
export const CONSOLE_DIST_DIR = packagePath('web', 'dist');

/** Numbered migrations. */
export const SQL_DIR = packagePath('sql');
