#!/usr/bin/env node
// Makes sure the system parts the test tiers use are present (see README,
// "Tests"). As root it installs what is missing with apt-get; otherwise it
// stops and prints the exact command to run. Never skips silently.
//   node scripts/test-env.mjs check      (npm pretest)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** command on PATH (or file) -> Debian package that provides it */
const NEEDS = [
  ['socat', 'socat'],
  ['espeak-ng', 'espeak-ng'],
  ['sox', 'sox'],
  ['pg_virtualenv', 'postgresql-common'],
  ['/usr/lib/postgresql/15/bin/postgres', 'postgresql-15'],
  ['udevadm', 'udev'],
];

const have = (cmd) =>
  cmd.startsWith('/') ? existsSync(cmd) : spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const missing = [...new Set(NEEDS.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg))];
if (missing.length === 0) {
  console.log('test environment: all system packages present');
  process.exit(0);
}
const install = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (typeof process.getuid === 'function' && process.getuid() === 0) {
  console.log(`test environment: installing ${missing.join(', ')}`);
  const r = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test environment: "${install}" failed (exit ${r.status})`);
    process.exit(1);
  }
  const still = NEEDS.filter(([cmd]) => !have(cmd)).map(([cmd]) => cmd);
  if (still.length > 0) {
    console.error(`test environment: still missing after install: ${still.join(', ')}`);
    process.exit(1);
  }
  process.exit(0);
}
console.error(`test environment: missing system packages: ${missing.join(', ')}\nRun as root:\n  sudo sh -c '${install}'\nthen npm test again.`);
process.exit(1);
