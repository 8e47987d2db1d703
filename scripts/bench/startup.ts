/**
 * Start-up time to API ready, warm (an existing PGlite folder), from spawn to
 * the first 200 from /api/v1/health, for the same daemon started two ways,
 * interleaved run by run so machine load hits both alike:
 *   - release: `node bin/kefu.js serve` (the compiled dist/, what ships and what npm start runs);
 *   - tsx:     `node --import tsx src/cli.ts serve` (the sources through tsx, as before the release was compiled).
 * Baseline in the same run: `node -e ''` (spawn to exit). Also the daemon's CPU time
 * (user + system, /proc) at API ready, which machine load disturbs less than wall time.
 * The release must be current (npm run build): this benchmark builds nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleReason } from '../build-state.mjs';
import { percentile, table } from './load.ts';

const WAYS = {
  release: ['bin/kefu.js', 'serve'],
  tsx: ['--import', 'tsx', 'src/cli.ts', 'serve'],
} as const;
type Way = keyof typeof WAYS;

/** CPU time (user + system, all threads) the process used so far, from /proc: less noisy than wall time on a loaded machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function once(way: Way, configPath: string): Promise<{ ms: number; cpu: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...WAYS[way], '--config', configPath], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, KEFU_BOOTSTRAP_KEY: 'bench-admin-key-0123456789abcdef' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  let url: string | null = null;
  for (;;) {
    url ??= /kefu: console (http:\/\/\S+?)\//.exec(out)?.[1] ?? null;
    if (url) {
      const ok = await fetch(`${url}/api/v1/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
    }
    if (child.exitCode !== null) throw new Error(`daemon (${way}) exited: ${out}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  const cpu = cpuMs(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, cpu };
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: Math.round(percentile(s, 50)), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!) };
};

export async function run(opts: { runs?: number; out?: string | null } = {}) {
  for (const part of ['dist', 'web'] as const) {
    const reason = staleReason(part);
    if (reason) throw new Error(`startup bench: the release is out of date (${reason}): run "npm run build" first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-start-'));
  const configPath = join(dir, 'kefu.yaml');
  writeFileSync(configPath, `http: { port: 0 }\ndatabase: { url: "pglite://${join(dir, 'db')}" }\ndataDir: ${dir}\nlog: { level: warn }\n`);
  try {
    const first = (await once('release', configPath)).ms; // creates the database (cold)
    const warm: Record<Way, number[]> = { release: [], tsx: [] };
    const cpu: Record<Way, number[]> = { release: [], tsx: [] };
    const node: number[] = [];
    for (let i = 0; i < (opts.runs ?? 5); i++) {
      for (const way of Object.keys(WAYS) as Way[]) {
        const r = await once(way, configPath);
        warm[way].push(r.ms);
        cpu[way].push(r.cpu);
      }
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '']);
      node.push(performance.now() - t);
    }
    const rel = summary(warm.release);
    const tsx = summary(warm.tsx);
    const bare = summary(node);
    const cpuRel = summary(cpu.release);
    const cpuTsx = summary(cpu.tsx);
    const result = {
      bench: 'startup', runs: warm.release.length, coldFirstStartMs: Math.round(first),
      release: rel, tsx, bareNode: bare, cpuMs: { release: cpuRel, tsx: cpuTsx },
      // kept for earlier result files: the warm figures of what ships
      warmP50Ms: rel.p50, warmMaxMs: rel.max, bareNodeP50Ms: bare.p50,
    };
    console.log(table([
      { 'start-up to API ready (PGlite, no lines)': 'release: node bin/kefu.js (dist/)', 'warm p50 ms': rel.p50, 'min ms': rel.min, 'max ms': rel.max, 'CPU p50 ms': cpuRel.p50 },
      { 'start-up to API ready (PGlite, no lines)': 'sources through tsx', 'warm p50 ms': tsx.p50, 'min ms': tsx.min, 'max ms': tsx.max, 'CPU p50 ms': cpuTsx.p50 },
      { 'start-up to API ready (PGlite, no lines)': "node -e '' (spawn to exit)", 'warm p50 ms': bare.p50, 'min ms': bare.min, 'max ms': bare.max, 'CPU p50 ms': '-' },
    ]));
    console.log(`first start (creates the database), release: ${result.coldFirstStartMs} ms`);
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
