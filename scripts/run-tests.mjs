#!/usr/bin/env node
// Runs every test tier in one vitest run: unit, integration on PGlite and
// integration on a real PostgreSQL 15 server (a throwaway cluster made by
// pg_virtualenv for this run). Prints vitest's report, then a plain line
// "N passed, N failed" for CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);

if (!process.env.KEFU_TEST_PG_READY) {
  // Re-run this script inside a throwaway PostgreSQL cluster.
  const r = spawnSync('pg_virtualenv', ['-t', '-v', '15', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, KEFU_TEST_PG_READY: '1' },
  });
  process.exit(r.status ?? 1);
}

// Static checks first: the type checker (daemon and console), ESLint (no-floating-promises, the
// src/core import boundary), and the release build (dist/ and web/dist, incremental): the tests that
// spawn the daemon run bin/kefu.js, i.e. what ships (test/helpers/release.ts refuses a stale build).
let staticPassed = 0;
let staticFailed = 0;
for (const [name, cmd] of [
  ['typecheck', ['node_modules/typescript/bin/tsc', '--noEmit']],
  ['typecheck console', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web']],
  ['lint', ['node_modules/eslint/bin/eslint.js', '.']],
  ['import cycles', ['scripts/check-cycles.mjs']],
  ['build release', ['scripts/build.mjs']],
]) {
  const r = spawnSync(process.execPath, cmd, { stdio: 'inherit' });
  if (r.status === 0) { staticPassed++; console.log(`${name}: ok`); } else { staticFailed++; console.error(`${name}: FAILED`); }
}

const dir = mkdtempSync(join(tmpdir(), 'kefu-test-'));
const report = join(dir, 'report.json');
const r = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
  { stdio: 'inherit', env: process.env },
);
let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = (json.numFailedTests ?? 0) + (json.numFailedTestSuites ?? 0);
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  if (skipped > 0) {
    console.error(`${skipped} test(s) skipped or todo: every test must run`);
    failed += skipped;
  }
} catch {
  failed += 1;
  console.error('no vitest report was written');
}
rmSync(dir, { recursive: true, force: true });
if (r.status !== 0 && failed === 0) failed = 1;
passed += staticPassed;
failed += staticFailed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
