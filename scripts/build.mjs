#!/usr/bin/env node
// Builds the release: TypeScript -> dist/ (tsc -p tsconfig.build.json,
// incremental) and the console -> web/dist (Vite). Run by `npm run build` and
// by npm ci / npm install through the "prepare" script, and by `npm test`
// before any test. Only what is stale is rebuilt (scripts/build-state.mjs).
//   node scripts/build.mjs            build what is stale
//   node scripts/build.mjs --force    build both
//   node scripts/build.mjs --check    exit 1 and say why when something is stale (builds nothing)
//   node scripts/build.mjs --warn     like --check, but only warns (npm start)
// A production install (npm ci --omit=dev) has no TypeScript and no Vite: it
// keeps the release it was given and fails only when there is none.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, STAMP, staleReason } from './build-state.mjs';

const args = new Set(process.argv.slice(2));
const log = (s) => process.stdout.write(`build: ${s}\n`);

function stamp(dir, startedMs) {
  const file = join(dir, STAMP);
  writeFileSync(file, `${new Date(startedMs).toISOString()}\n`);
  // The stamp carries the time the build started: a source saved during the build makes it stale.
  utimesSync(file, startedMs / 1000, startedMs / 1000);
}

/** dist/ files whose source is gone (a renamed or deleted .ts) must not ship. */
function removeOrphans(dir, srcDir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const out = join(dir, e.name);
    if (e.isDirectory()) { removeOrphans(out, join(srcDir, e.name)); continue; }
    if (e.name.endsWith('.js') && !existsSync(join(srcDir, e.name.replace(/\.js$/, '.ts')))) unlinkSync(out);
  }
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

function buildDist() {
  const t0 = Date.now();
  const dist = join(ROOT, 'dist');
  // The incremental state lives in dist/: without the outputs it would skip emitting them.
  if (!existsSync(join(dist, 'src', 'cli.js'))) rmSync(join(dist, '.tsbuildinfo'), { force: true });
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc -p tsconfig.build.json failed');
  for (const top of ['src', 'drivers']) removeOrphans(join(dist, top), join(ROOT, top));
  stamp(dist, t0);
  log(`dist/ in ${Date.now() - t0} ms`);
}

async function buildWeb() {
  const t0 = Date.now();
  const { build } = await import('vite');
  const web = join(ROOT, 'web');
  const out = join(web, `dist.tmp-${process.pid}`);
  const target = join(web, 'dist');
  try {
    await build({ configFile: join(web, 'vite.config.ts'), build: { outDir: out, emptyOutDir: true }, logLevel: 'warn' });
    stamp(out, t0);
    // Swap the new build in whole, so a running dev daemon never serves half a build.
    const old = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(out, target);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  log(`web/dist in ${Date.now() - t0} ms`);
}

const stale = { dist: args.has('--force') ? 'forced' : staleReason('dist'), web: args.has('--force') ? 'forced' : staleReason('web') };

if (args.has('--check') || args.has('--warn')) {
  const reasons = [stale.dist, stale.web].filter(Boolean);
  if (reasons.length === 0) process.exit(0);
  process.stderr.write(`kefu: the release is out of date (${reasons.join('; ')}): run "npm run build"\n`);
  process.exit(args.has('--check') ? 1 : 0);
}

const canBuild = (() => {
  try { createRequire(join(ROOT, 'package.json')).resolve('typescript'); return true; } catch { return false; }
})();
if (!canBuild) {
  if (existsSync(join(ROOT, 'dist', STAMP)) && existsSync(join(ROOT, 'web', 'dist', STAMP))) {
    log('no devDependencies (a production install): keeping the prebuilt dist/ and web/dist');
    process.exit(0);
  }
  process.stderr.write('build: dist/ or web/dist is missing and TypeScript/Vite are not installed: run "npm ci" (with devDependencies), then "npm run build"\n');
  process.exit(1);
}

try {
  if (stale.dist) { log(`tsc (${stale.dist})`); buildDist(); }
  if (stale.web) { log(`vite (${stale.web})`); await buildWeb(); }
  if (!stale.dist && !stale.web) log('dist/ and web/dist are current');
} catch (err) {
  process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
