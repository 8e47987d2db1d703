#!/usr/bin/env node
// Runs every test tier: unit, integration on PGlite and
// integration on a real PostgreSQL 15 server (a throwaway cluster made by
// pg_virtualenv for this run). Prints vitest's report, then a plain line
// "N passed, N failed" for CI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);

if (!process.env.KEFU_TEST_PG_READY) {
  // Re-run this script inside a throwaway PostgreSQL cluster. When the run fails, pg_virtualenv
  // prints the server's whole log after it; the summary (failed tests, then the count line) is
  // printed again below that, so the end of the output says what failed.
  const summaryDir = mkdtempSync(join(tmpdir(), 'kefu-summary-'));
  const summary = join(summaryDir, 'summary.txt');
  const r = spawnSync('pg_virtualenv', ['-t', '-v', '15', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, KEFU_TEST_PG_READY: '1', KEFU_TEST_SUMMARY: summary },
  });
  if (r.status !== 0) {
    console.log('\n--- summary ---');
    console.log(existsSync(summary) ? readFileSync(summary, 'utf8').trimEnd() : '0 passed, 1 failed');
  }
  rmSync(summaryDir, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

// Static checks first: the type checker (daemon and console), ESLint (no-floating-promises, the
// src/core import boundary), and the release build (dist/ and web/dist, incremental): the tests that
// spawn the daemon run bin/kefu.js, i.e. what ships (test/helpers/release.ts refuses a stale build).
// The checks run two at a time (the machines have two cores), each one's output printed when it ends;
// the build last, alone (it writes what the tests run).
let staticPassed = 0;
let staticFailed = 0;
const staticStarted = Date.now();
const check = (name, cmd) => new Promise((resolve) => {
  const child = spawn(process.execPath, cmd, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  child.on('close', (status) => {
    if (out.trim()) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    if (status === 0) { staticPassed++; console.log(`${name}: ok`); } else { staticFailed++; console.error(`${name}: FAILED`); }
    resolve();
  });
});
const checks = [
  ['lint', ['node_modules/eslint/bin/eslint.js', '.']],
  ['typecheck', ['node_modules/typescript/bin/tsc', '--noEmit']],
  ['typecheck console', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web']],
  ['import cycles', ['scripts/check-cycles.mjs']],
];
await Promise.all([0, 1].map(async () => { for (let c = checks.shift(); c; c = checks.shift()) await check(...c); }));
await check('build release', ['scripts/build.mjs']);
console.log(`static checks and build: ${Math.round((Date.now() - staticStarted) / 1000)} s`);

// The tiers run in three lanes at once: each lane is one vitest process whose files run one at a time
// (they start daemons, simulators, a browser and Asterisk instances, and wait mostly on those), so the
// lanes keep both cores busy without two files of one tier sharing a resource. Lane C is the HA
// harness (about 11 minutes, mostly waiting on its calls); it runs its own lab instances beside lane
// B's, on ports of their own (KEFU_LAB_PORT_BASE + 1000: scripts/asterisk-lab). Lanes A and B share
// the rest about evenly (each file makes its own database on the one PostgreSQL server).
// Arguments (files, -t, --project) make it one plain vitest run instead.
const labBase = Number(process.env.KEFU_LAB_PORT_BASE ?? 15000);
const LANES = args.length > 0
  ? [{ name: '', projects: [] }]
  : [
      { name: 'A', projects: ['unit', 'integration-pglite', 'security-postgres'] },
      { name: 'B', projects: ['integration-postgres', 'asterisk', 'e2e'] },
      { name: 'C', projects: ['ha'], env: { KEFU_LAB_PORT_BASE: String(labBase + 1000) } },
    ];

const dir = mkdtempSync(join(tmpdir(), 'kefu-test-'));

/** Runs one lane; its output lines are prefixed with the lane's name (when there are several). */
function runLane(lane) {
  const report = join(dir, `report${lane.name}.json`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
      ...lane.projects.flatMap((p) => ['--project', p]), ...args],
    { stdio: lane.name ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...lane.env } },
  );
  if (lane.name) {
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: from }).on('line', (line) => to.write(`[${lane.name}] ${line}\n`));
    }
  }
  return new Promise((resolve) => child.on('close', (status) => {
    const s = Math.round((Date.now() - started) / 1000);
    console.log(`lane ${lane.name || 'all'} (${lane.projects.join(', ') || 'as asked'}): ${Math.floor(s / 60)} min ${s % 60} s, exit ${status}`);
    resolve({ name: lane.name, status, report });
  }));
}

/** The failed files and tests of one vitest JSON report, a line each with the error's first line. */
function failures(json) {
  const lines = [];
  for (const file of json.testResults ?? []) {
    const name = String(file.name ?? '').replace(`${process.cwd()}/`, '');
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) lines.push(`FAILED ${name} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (tests.length === 0 && file.status === 'failed') lines.push(`FAILED ${name}: ${firstLine(file.message)}`);
  }
  return lines;
}
const firstLine = (text) => String(text ?? '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';

let passed = 0;
let failed = 0;
const failedLines = staticFailed > 0 ? ['FAILED a static check (typecheck, lint, import cycles or build): see above'] : [];
for (const r of await Promise.all(LANES.map(runLane))) {
  try {
    const json = JSON.parse(readFileSync(r.report, 'utf8'));
    failedLines.push(...failures(json));
    passed += json.numPassedTests ?? 0;
    // a failed test counts once (vitest also counts its describe blocks and file as failed suites); a file that failed with no failed test (an import or hook error) counts once
    const brokenFiles = (json.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed')).length;
    let laneFailed = (json.numFailedTests ?? 0) + brokenFiles;
    const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    if (skipped > 0) {
      failedLines.push(`FAILED lane ${r.name || 'all'}: ${skipped} test(s) skipped or todo; every test must run`);
      laneFailed += skipped;
    }
    if (r.status !== 0 && laneFailed === 0) {
      laneFailed = 1;
      failedLines.push(`FAILED lane ${r.name || 'all'}: vitest exited ${r.status} with no failed test in its report`);
    }
    failed += laneFailed;
  } catch {
    failed += 1;
    failedLines.push(`FAILED lane ${r.name || 'all'}: no vitest report was written`);
  }
}
rmSync(dir, { recursive: true, force: true });
passed += staticPassed;
failed += staticFailed;
for (const line of failedLines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
if (process.env.KEFU_TEST_SUMMARY) writeFileSync(process.env.KEFU_TEST_SUMMARY, [...failedLines, `${passed} passed, ${failed} failed`, ''].join('\n'));
process.exit(failed > 0 ? 1 : 0);
