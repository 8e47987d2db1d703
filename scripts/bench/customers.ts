/**
 * GET /api/v1/customers?phone= (auth, schema validation, number
 * normalisation, indexed lookup in 100k customers) against a bare Fastify
 * route in the same process as the daemon, with the load generator in another
 * process; then the daemon's event-loop delay while a customer CSV import
 * runs (POST /api/v1/customers/import). Per database, in the same run:
 * PGlite in its worker thread, PGlite on the main thread (pglite+inline://,
 * the "before"), and PostgreSQL when PG* names a server (pg_virtualenv).
 * Goals: >= 50 % of the bare route, p99 <= 5 ms; loop delay p99 <= 20 ms.
 *
 * Knobs (environment): KEFU_BENCH_CUSTOMERS (100000), KEFU_BENCH_IMPORT_ROWS
 * (100000), KEFU_BENCH_MS per measurement (5000), KEFU_BENCH_CONCURRENCY (16),
 * KEFU_BENCH_BACKENDS (comma list of worker,inline,postgres).
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import { loadInChild, table, type LoadResult } from './load.ts';
import { seedCustomers } from './seed.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

interface Backend { id: 'worker' | 'inline' | 'postgres'; name: string }
const BACKENDS: Backend[] = [
  { id: 'worker', name: 'PGlite, worker thread' },
  { id: 'inline', name: 'PGlite, main thread (before)' },
  { id: 'postgres', name: 'PostgreSQL' },
];

export interface ImportFigures { rows: number; imported: number; seconds: number; rowsPerS: number; loopP50Ms: number; loopP99Ms: number; loopMaxMs: number }
export interface BackendFigures { backend: string; bare: LoadResult; phone: LoadResult; ratio: number; import: ImportFigures }

/** A customer CSV of `rows` numbers that the seeded customers do not have (+86137...). */
function importCsv(rows: number): string {
  const lines = ['name,mobile,company'];
  for (let i = 1; i <= rows; i++) lines.push(`Import ${i},137 ${String(i).padStart(8, '0').replace(/^(\d{4})/, '$1 ')},Acme ${i % 97}`);
  return lines.join('\n');
}

/** POST the file over plain node:http (fetch gives up on headers after 300 s; a large import takes longer). */
function postImport(daemonUrl: string, body: string): Promise<{ status: number; json: { imported?: number } }> {
  const u = new URL('/api/v1/customers/import', daemonUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/csv' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => { try { resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as { imported?: number } }); } catch (e) { reject(e as Error); } });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measureImport(daemonUrl: string, rows: number): Promise<ImportFigures> {
  const body = importCsv(rows);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  const res = await postImport(daemonUrl, body);
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(res.json)}`);
  const ms = (ns: number) => +(ns / 1e6).toFixed(1);
  return { rows, imported: res.json.imported ?? 0, seconds: +seconds.toFixed(1), rowsPerS: Math.round(rows / seconds), loopP50Ms: ms(h.percentile(50)), loopP99Ms: ms(h.percentile(99)), loopMaxMs: ms(h.max) };
}

async function runOne(b: Backend, o: { customers: number; importRows: number; durationMs: number; concurrency: number }): Promise<BackendFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-'));
  const pg = b.id === 'postgres' ? await freshDatabase('postgres') : null;
  const url = pg ? pg.url : `${b.id === 'inline' ? 'pglite+inline' : 'pglite'}://${join(dir, 'db')}`;
  const config = loadConfig({ overrides: { http: { port: 0 }, database: { url }, dataDir: dir, log: { level: 'warn' } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  const bare = Fastify();
  bare.get('/bare', async () => ({ items: [], next: null }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;
  try {
    await seedCustomers(daemon.ctx.db, o.customers);
    const common = { durationMs: o.durationMs, concurrency: o.concurrency };
    const phone = { url: daemon.url, headers: { authorization: `Bearer ${KEY}` }, phones: o.customers };
    await loadInChild({ url: bareUrl, ...common, durationMs: 1000 }); // warm-up
    await loadInChild({ ...phone, ...common, durationMs: 1000 });
    const bareR = await loadInChild({ url: bareUrl, ...common });
    const phoneR = await loadInChild({ ...phone, ...common });
    const imp = await measureImport(daemon.url, o.importRows);
    return { backend: b.name, bare: bareR, phone: phoneR, ratio: +(phoneR.rps / bareR.rps).toFixed(3), import: imp };
  } finally {
    await bare.close();
    await daemon.stop();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(opts: { customers?: number; importRows?: number; durationMs?: number; concurrency?: number; backends?: string[]; out?: string | null } = {}) {
  const o = {
    customers: opts.customers ?? env('KEFU_BENCH_CUSTOMERS', 100_000),
    importRows: opts.importRows ?? env('KEFU_BENCH_IMPORT_ROWS', 100_000),
    durationMs: opts.durationMs ?? env('KEFU_BENCH_MS', 5000),
    concurrency: opts.concurrency ?? env('KEFU_BENCH_CONCURRENCY', 16),
  };
  const wanted = opts.backends ?? (process.env.KEFU_BENCH_BACKENDS ?? `worker,inline${process.env.PGHOST ? ',postgres' : ''}`).split(',');
  const figures: BackendFigures[] = [];
  for (const b of BACKENDS.filter((x) => wanted.includes(x.id))) {
    console.log(`… ${b.name}`);
    figures.push(await runOne(b, o));
  }
  console.log(table(figures.flatMap((f) => [
    { database: f.backend, route: 'bare Fastify route', 'req/s': f.bare.rps, 'p50 ms': f.bare.p50Ms, 'p99 ms': f.bare.p99Ms, 'of bare': '', errors: f.bare.errors },
    { database: f.backend, route: `GET /customers?phone= (${o.customers} customers)`, 'req/s': f.phone.rps, 'p50 ms': f.phone.p50Ms, 'p99 ms': f.phone.p99Ms, 'of bare': `${(f.ratio * 100).toFixed(1)} %`, errors: f.phone.errors },
  ])));
  console.log('goal: >= 50 % of the bare route, p99 <= 5 ms');
  console.log(table(figures.map((f) => ({
    database: f.backend, 'import rows': f.import.rows, imported: f.import.imported, seconds: f.import.seconds, 'rows/s': f.import.rowsPerS,
    'loop delay p50 ms': f.import.loopP50Ms, 'loop delay p99 ms': f.import.loopP99Ms, 'loop delay max ms': f.import.loopMaxMs,
  }))));
  console.log('goal: event-loop delay p99 <= 20 ms during the import');
  const result = { bench: 'customers-phone', ...o, loadGenerator: 'separate process (scripts/bench/load-child.ts)', figures };
  if (opts.out !== null) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(opts.out ?? 'bench/results/customers.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
