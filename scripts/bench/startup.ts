/**
 * Start-up time to API ready, warm: `node bin/kefu.js serve` as a process on
 * an existing PGlite folder, from spawn to the first 200 from /api/v1/health.
 * Baseline in the same run: a bare `node -e` process that prints and exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, table } from './load.ts';

async function once(configPath: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/kefu.js', 'serve', '--config', configPath], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, KEFU_BOOTSTRAP_KEY: 'bench-admin-key-0123456789abcdef' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  let url: string | null = null;
  for (;;) {
    url ??= /kefu: console (http:\/\/\S+?)\//.exec(out)?.[1] ?? null;
    if (url) {
      const ok = await fetch(`${url}/api/v1/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
    }
    if (child.exitCode !== null) throw new Error(`daemon exited: ${out}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

export async function run(opts: { runs?: number; out?: string | null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-start-'));
  const configPath = join(dir, 'kefu.yaml');
  writeFileSync(configPath, `http: { port: 0 }\ndatabase: { url: "pglite://${join(dir, 'db')}" }\ndataDir: ${dir}\nlog: { level: warn }\n`);
  try {
    const first = await once(configPath); // creates the database (cold)
    const warm: number[] = [];
    for (let i = 0; i < (opts.runs ?? 5); i++) warm.push(await once(configPath));
    const node: number[] = [];
    for (let i = 0; i < 5; i++) { const t = performance.now(); spawnSync(process.execPath, ['-e', 'console.log(1)']); node.push(performance.now() - t); }
    warm.sort((a, b) => a - b);
    node.sort((a, b) => a - b);
    const result = { bench: 'startup', coldFirstStartMs: Math.round(first), warmP50Ms: Math.round(percentile(warm, 50)), warmMaxMs: Math.round(warm[warm.length - 1]!), bareNodeP50Ms: Math.round(percentile(node, 50)) };
    console.log(table([{ 'start-up to API ready': 'PGlite, no lines', 'first start ms': result.coldFirstStartMs, 'warm p50 ms': result.warmP50Ms, 'warm max ms': result.warmMaxMs, 'bare node ms': result.bareNodeP50Ms }]));
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/startup.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
