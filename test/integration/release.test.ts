/**
 * The release as it ships (DESIGN rule 18): scripts/check-release.sh copies the
 * Dockerfile's runtime file set, makes it read-only, runs `node dist/src/cli.js
 * serve` as nobody with the data elsewhere, serves the API and the console, and
 * proves by a before/after listing that the daemon wrote nothing into its
 * install folder. Here with this checkout's node_modules linked (no network);
 * `bash scripts/check-release.sh` alone also installs production dependencies.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT } from '../helpers/daemon.ts';
import { kefuBin } from '../helpers/release.ts';

const run = (env: Record<string, string>) => new Promise<{ code: number | null; out: string }>((resolve) => {
  const child = spawn('bash', ['scripts/check-release.sh', '--link-node-modules'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  child.once('exit', (code) => resolve({ code, out }));
});

describe(`the compiled release on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | null = null;
  beforeAll(async () => { if (testDbKind() === 'postgres') db = await freshDatabase(); });
  afterAll(async () => { await db?.drop(); });

  it('the Dockerfile copies exactly the runtime file set the check runs (deploy/runtime-files)', () => {
    const listed = readFileSync(join(ROOT, 'deploy/runtime-files'), 'utf8').split('\n').filter(Boolean).sort();
    const copied = [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^COPY --from=build (.+) \S+$/gm)]
      .flatMap((m) => m[1]!.split(/\s+/)).map((p) => p.replace(/^\/src\//, '')).sort();
    expect(copied).toEqual(listed);
  });

  it('runs read-only from the runtime file set, serves the API and the console, and writes nothing into its folder', async () => {
    kefuBin(); // the release is current (npm test builds it)
    const r = await run(db ? { KEFU_CHECK_DATABASE_URL: db.url } : {});
    expect(r.out).toContain('release check: ok');
    expect(r.code, r.out).toBe(0);
  }, 240_000); // the script waits up to 150 s for a first start on a loaded machine
});
