/**
 * GET /api/v1/customers?phone= (auth, schema validation, number
 * normalisation, indexed lookup in 100k customers) against a bare Fastify
 * route on the same machine in the same run. Goal: >= 50 % of the bare route.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { load, table, type LoadResult } from './load.ts';
import { seedCustomers, seededNumber } from './seed.ts';

const KEY = 'bench-admin-key-0123456789abcdef';

/** `databaseUrl`: a fresh, empty database; default an embedded PGlite folder. */
export async function run(opts: { customers?: number; durationMs?: number; concurrency?: number; out?: string | null; databaseUrl?: string } = {}) {
  const n = opts.customers ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-'));
  const url = opts.databaseUrl ?? `pglite://${join(dir, 'db')}`;
  const backend = url.startsWith('pglite:') ? 'PGlite' : 'PostgreSQL';
  const config = loadConfig({ overrides: { http: { port: 0 }, database: { url }, dataDir: dir, log: { level: 'warn' } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  const bare = Fastify();
  bare.get('/bare', async () => ({ items: [], next: null }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareAddr = bare.server.address() as { port: number };
  try {
    await seedCustomers(daemon.ctx.db, n);
    const common = { durationMs: opts.durationMs ?? 5000, concurrency: opts.concurrency ?? 16 };
    let i = 0;
    const phonePath = () => `/api/v1/customers?phone=${encodeURIComponent(seededNumber((i++ % n) + 1))}`;
    // warm-up, then measure each
    await load({ url: `http://127.0.0.1:${bareAddr.port}/bare`, ...common, durationMs: 1000 });
    await load({ url: daemon.url, headers: { authorization: `Bearer ${KEY}` }, paths: phonePath, ...common, durationMs: 1000 });
    const bareR = await load({ url: `http://127.0.0.1:${bareAddr.port}/bare`, ...common });
    const phoneR = await load({ url: daemon.url, headers: { authorization: `Bearer ${KEY}` }, paths: phonePath, ...common });
    const rows = ([['bare Fastify route', bareR], [`GET /customers?phone= (${n} customers, ${backend})`, phoneR]] as Array<[string, LoadResult]>)
      .map(([name, r]) => ({ route: name, 'req/s': r.rps, 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, errors: r.errors }));
    const ratio = +(phoneR.rps / bareR.rps).toFixed(3);
    console.log(table(rows));
    console.log(`customers?phone= reaches ${(ratio * 100).toFixed(1)} % of the bare route (goal >= 50 %)`);
    const result = { bench: 'customers-phone', backend, customers: n, concurrency: common.concurrency, durationMs: common.durationMs, bare: bareR, phone: phoneR, ratio };
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/customers.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    await bare.close();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv[2] ? { databaseUrl: process.argv[2], out: 'bench/results/customers-postgres.json' } : {});
