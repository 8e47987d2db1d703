/**
 * A small closed-loop HTTP load generator for benchmarks: `concurrency`
 * keep-alive connections each sending requests back to back for `durationMs`.
 * Reports requests/s and latency percentiles.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadResult { requests: number; errors: number; rps: number; p50Ms: number; p99Ms: number; meanMs: number }

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LoadOptions { url: string; headers?: Record<string, string>; concurrency?: number; durationMs?: number; paths?: () => string }

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + (opts.durationMs ?? 5000);
  const one = (path: string) => new Promise<void>((resolve) => {
    const t0 = performance.now();
    const req = http.request({ host: u.hostname, port: u.port, path, agent, headers: opts.headers }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) lat.push(performance.now() - t0); else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end();
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, async () => {
    while (performance.now() < end) await one(opts.paths ? opts.paths() : u.pathname + u.search);
  }));
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return {
    requests: lat.length, errors, rps: Math.round(lat.length / secs),
    p50Ms: +percentile(lat, 50).toFixed(3), p99Ms: +percentile(lat, 99).toFixed(3),
    meanMs: +(lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length)).toFixed(3),
  };
}

/**
 * load() in a child process (load-child.ts), so the generator's own work does
 * not run on the measured event loop. `phones: n` asks for
 * GET /api/v1/customers?phone= over seeded numbers 1..n.
 */
export async function loadInChild(opts: Omit<LoadOptions, 'paths'> & { phones?: number }): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./load-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('exit', resolve); });
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

/** Print rows as a table. */
export function table(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(w[i]!)).join(' | ')} |`;
  return [line(cols), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
