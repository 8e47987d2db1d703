/**
 * Imports that share the event loop: 100,000 customers (CSV) and 100,000
 * blacklist numbers (CSV) imported over real HTTP while another loop asks
 * GET /api/v1/health every few ms (and 3 s of the same probe alone, the baseline). Reports rows/s, /health latency p50/p99/max
 * during the import and the event-loop delay p99 (monitorEventLoopDelay).
 * The daemon runs in this process (PGlite runs on its event loop), on PGlite,
 * or on PostgreSQL when the PG* environment names a server (pg_virtualenv).
 *
 *   npm run bench -- import            (KEFU_BENCH_IMPORT_ROWS=100000)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import { percentile, table } from './load.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ImportFigures {
  import: string; backend: string; rows: number; seconds: number; 'rows/s': number;
  'health n': number; 'health p50 ms': number; 'health p99 ms': number; 'health max ms': number; 'loop delay p99 ms': number;
}

const customersCsv = (n: number) => ['name,company,mobile,email,groups', ...Array.from({ length: n }, (_, i) =>
  `客户 ${i},公司 ${i % 1000},1${String(3_500_000_000 + i).padStart(10, '0')},c${i}@example.com,VIP;华南`)].join('\n');
const blacklistCsv = (n: number) => ['number,direction,reason', ...Array.from({ length: n }, (_, i) => `1${String(3_600_000_000 + i).padStart(10, '0')},inbound,bench`)].join('\n');

/** One import over HTTP with /health asked every `gapMs` until it ends; no path: the same probe for 3 s with nothing else running (the baseline). */
async function measure(daemon: Daemon, backend: string, name: string, path: string | null, body: string, rows: number, gapMs: number): Promise<ImportFigures> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const health: number[] = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      const r = await fetch(`${daemon.url}/api/v1/health`);
      await r.arrayBuffer();
      if (!done) health.push(performance.now() - t0);
      await sleep(gapMs);
    }
  })();
  loop.enable();
  const t0 = performance.now();
  const res = path ? await fetch(`${daemon.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/csv' }, body }) : null;
  if (!res) await sleep(3000);
  const result = (res ? await res.json() : { rows }) as { rows?: number; imported?: number; inserted?: number; error?: unknown };
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  loop.disable();
  await prober;
  if ((res && !res.ok) || result.rows !== rows) throw new Error(`${name} import failed: ${res?.status} ${JSON.stringify(result).slice(0, 300)}`);
  const s = [...health].sort((a, b) => a - b);
  return {
    import: name, backend, rows, seconds: +seconds.toFixed(2), 'rows/s': Math.round(rows / seconds),
    'health n': s.length, 'health p50 ms': +percentile(s, 50).toFixed(1), 'health p99 ms': +percentile(s, 99).toFixed(1), 'health max ms': +(s.at(-1) ?? 0).toFixed(1),
    'loop delay p99 ms': +(loop.percentile(99) / 1e6).toFixed(1),
  };
}

export async function run(opts: { rows?: number; gapMs?: number; out?: string | null } = {}): Promise<ImportFigures[]> {
  const rows = opts.rows ?? Number(process.env.KEFU_BENCH_IMPORT_ROWS ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-import-'));
  const server = process.env.PGHOST && process.env.PGUSER ? await freshDatabase('postgres') : null;
  const url = server?.url ?? `pglite://${join(dir, 'db')}`;
  const backend = server ? 'PostgreSQL' : 'PGlite';
  const config = loadConfig({ overrides: { http: { host: '127.0.0.1', port: 0 }, database: { url }, dataDir: dir, log: { level: 'warn' }, imports: { maxRows: rows, ...(process.env.KEFU_BENCH_IMPORT_BATCH ? { batchSize: Number(process.env.KEFU_BENCH_IMPORT_BATCH) } : {}) } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY, announcePassword: () => undefined });
  try {
    const figures = [
      await measure(daemon, backend, 'none (baseline)', null, '', 0, opts.gapMs ?? 5),
      await measure(daemon, backend, 'customers CSV', '/customers/import', customersCsv(rows), rows, opts.gapMs ?? 5),
      await measure(daemon, backend, 'blacklist CSV', '/blacklist/import', blacklistCsv(rows), rows, opts.gapMs ?? 5),
    ];
    console.log(table(figures as unknown as Array<Record<string, unknown>>));
    console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores: /health figures include waiting for a core`);
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? `bench/results/import-${backend.toLowerCase()}.json`, JSON.stringify({ bench: 'import', backend, rows, at: new Date().toISOString(), loadAverage: loadavg(), config: config.imports, figures }, null, 2));
    }
    return figures;
  } finally {
    await daemon.stop();
    await server?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
