#!/usr/bin/env node
// The kefu command: the compiled release (dist/, built by `npm run build`,
// which npm ci runs). Plain JavaScript: no tsx, no bundler at run time.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('kefu: not built (dist/src/cli.js is missing): run "npm run build" in the kefu folder (npm ci does it)\n');
  process.exit(2);
}
await import(cli.href);
