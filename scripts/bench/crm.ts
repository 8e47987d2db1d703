/**
 * CRM at a real size: N customers (default 20,000) with card fields, tags and
 * owners, some sharing a number. Measured through HTTP on the daemon, one
 * request at a time: roster pages (filters, sorts, search), the CSV and XLSX
 * export of the whole roster, the duplicates list and one merge. Per
 * database: PGlite (worker thread), and PostgreSQL when PG* names a server.
 * Figures only. Knobs: KEFU_BENCH_CRM_CUSTOMERS, KEFU_BENCH_CRM_REPEAT (20).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import type { Db } from '../../src/db/types.ts';
import { table } from './load.ts';
import { seedCustomers } from './seed.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

/** Card fields, tags and owners on the seeded customers; every 100th shares its number with the next one. */
async function seedCard(db: Db, n: number): Promise<void> {
  await db.query(`UPDATE customers SET
      card_characteristics = jsonb_build_object('region', (ARRAY['east','north','south','west'])[1 + (abs(hashtext(id::text)) % 4)], 'potential', 'high'),
      card_transaction = jsonb_build_object('currentOrders', 1, 'credit', jsonb_build_object('limit', 10000, 'rating', 'A', 'overdue', false)),
      owner_id = 'agent-' || (abs(hashtext(id::text)) % 20), status = 'active',
      tags = ARRAY['t' || (abs(hashtext(id::text)) % 50)]`);
  await db.query(`INSERT INTO customer_phones(number, customer_id)
     SELECT '+86139' || lpad(i::text, 8, '0'), md5('customer' || (i + 1))::uuid FROM generate_series(100, $1::int - 1, 100) AS i`, [n]);
  await db.query('ANALYZE customers');
  await db.query('ANALYZE customer_phones');
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!; };

async function timed(url: string, init: RequestInit = {}): Promise<{ ms: number; status: number; bytes: number; body: Buffer }> {
  const t0 = performance.now();
  const r = await fetch(url, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } });
  const body = Buffer.from(await r.arrayBuffer());
  return { ms: performance.now() - t0, status: r.status, bytes: body.length, body };
}

async function runOne(backend: 'worker' | 'postgres', n: number, repeat: number) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-crm-'));
  const pg = backend === 'postgres' ? await freshDatabase('postgres') : null;
  const url = pg ? pg.url : `pglite://${join(dir, 'db')}`;
  const config = loadConfig({ overrides: { http: { port: 0 }, database: { url }, dataDir: dir, log: { level: 'warn' } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  try {
    await seedCustomers(daemon.ctx.db, n);
    await seedCard(daemon.ctx.db, n);
    const api = `${daemon.url}/api/v1`;
    const rows: Array<Record<string, string | number>> = [];
    const pages: Array<[string, string]> = [
      ['roster, default page of 50', '/customers?limit=50'],
      ['region + sort=name', '/customers?region=east&sort=name&limit=50'],
      ['tag + owner + sort=updated desc', '/customers?tag=t7&owner=agent-3&sort=updated&order=desc&limit=50'],
      ['tier + sort=tier', '/customers?tier=vip&sort=tier&limit=50'],
      ['q= part of a number', '/customers?q=0001234&limit=50'],
      ['q= name text', `/customers?q=${encodeURIComponent('Customer 1999')}&limit=50`],
      ['duplicates page of 50', '/customers/duplicates?limit=50'],
    ];
    for (const [name, path] of pages) {
      await timed(api + path);
      const ms: number[] = [];
      for (let i = 0; i < repeat; i++) { const r = await timed(api + path); if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.toString().slice(0, 200)}`); ms.push(r.ms); }
      rows.push({ operation: name, 'median ms': +median(ms).toFixed(1), 'p95 ms': +p95(ms).toFixed(1) });
    }
    for (const format of ['csv', 'xlsx']) {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) { const r = await timed(`${api}/customers/export?format=${format}`); if (r.status !== 200) throw new Error(`export ${format}: ${r.status}`); ms.push(r.ms); bytes = r.bytes; }
      rows.push({ operation: `export ${format}, ${n} rows (${(bytes / 1e6).toFixed(1)} MB)`, 'median ms': +median(ms).toFixed(0), 'p95 ms': +Math.max(...ms).toFixed(0) });
    }
    const dups = JSON.parse((await timed(`${api}/customers/duplicates?limit=20`)).body.toString()) as { items: Array<{ customers: Array<{ id: string }> }> };
    const ms: number[] = [];
    for (const g of dups.items.slice(0, 10)) {
      const [into, ...from] = g.customers.map((c) => c.id);
      const r = await timed(`${api}/customers/merge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ into, from }) });
      if (r.status !== 200) throw new Error(`merge: ${r.status} ${r.body.toString()}`);
      ms.push(r.ms);
    }
    rows.push({ operation: 'merge two customers', 'median ms': +median(ms).toFixed(1), 'p95 ms': +Math.max(...ms).toFixed(1) });
    return { backend: backend === 'postgres' ? 'PostgreSQL' : 'PGlite (worker thread)', customers: n, rows };
  } finally {
    await daemon.stop();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const n = env('KEFU_BENCH_CRM_CUSTOMERS', 20_000);
  const repeat = env('KEFU_BENCH_CRM_REPEAT', 20);
  const figures = [];
  const backends: Array<'worker' | 'postgres'> = process.env.PGHOST ? ['worker', 'postgres'] : ['worker'];
  for (const b of backends) {
    console.log(`… ${b}`);
    const f = await runOne(b, n, repeat);
    console.log(f.backend);
    console.log(table(f.rows));
    figures.push(f);
  }
  const result = { bench: 'crm', customers: n, repeat, figures };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/crm.json', JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
