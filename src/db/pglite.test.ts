import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPglite, type PgliteWorkerDb } from './pglite.ts';
import { KefuError } from '../core/errors.ts';

// PGlite (real PostgreSQL in WASM) in its worker thread; opening it takes seconds on a loaded machine.
const SLOW = 180_000;

async function rejection(p: Promise<unknown>): Promise<KefuError> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(KefuError); return e as KefuError; }
  throw new Error('expected a rejection');
}

describe('PGlite in a worker thread', { timeout: SLOW }, () => {
  let db: PgliteWorkerDb;
  beforeAll(async () => {
    db = await openPglite(null);
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, v text);
      CREATE TABLE c (n int NOT NULL); INSERT INTO c VALUES (0);
      CREATE TABLE u (id uuid PRIMARY KEY, parent uuid REFERENCES u(id))`);
  }, SLOW);
  afterAll(async () => { await db?.close(); });

  it('keeps the types the repositories rely on: int8 as number, timestamptz as Date, jsonb as object, bytea as bytes', async () => {
    const r = await db.query<{ a: unknown; t: unknown; j: unknown; b: unknown; arr: unknown }>(
      `SELECT 9007199254740991::int8 AS a, now() AS t, '{"x":[1,"y"]}'::jsonb AS j, '\\x0102'::bytea AS b, ARRAY['p','q'] AS arr`);
    const row = r.rows[0]!;
    expect(row.a).toBe(9007199254740991);
    expect(row.t).toBeInstanceOf(Date);
    expect(row.j).toEqual({ x: [1, 'y'] });
    expect(row.b).toBeInstanceOf(Uint8Array);
    expect([...(row.b as Uint8Array)]).toEqual([1, 2]);
    expect(row.arr).toEqual(['p', 'q']);
    expect(db.kind).toBe('pglite');
  });

  it('runs the queries of a transaction alone: requests made meanwhile wait until it ends, in order', async () => {
    await db.query('DELETE FROM t');
    const outside: Array<Promise<unknown>> = [];
    const seenInside = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1, $1)', ['in']);
      // made while the transaction is open: must not run inside it
      outside.push(db.query('INSERT INTO t VALUES (2, $1)', ['out']));
      outside.push(db.query<{ n: number }>('SELECT count(*)::int AS n FROM t'));
      await tx.query('INSERT INTO t VALUES (3, $1)', ['in']);
      return (await tx.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((x) => x.id);
    });
    expect(seenInside).toEqual([1, 3]);
    const [, count] = await Promise.all(outside) as [unknown, { rows: Array<{ n: number }> }];
    expect(count.rows[0]!.n).toBe(3); // after the commit and the insert queued before it
  });

  it('serialises concurrent read-modify-write transactions (no interleaving on the one connection)', async () => {
    await db.query('UPDATE c SET n = 0');
    await Promise.all(Array.from({ length: 12 }, () => db.transaction(async (tx) => {
      const n = (await tx.query<{ n: number }>('SELECT n FROM c')).rows[0]!.n;
      await new Promise((r) => setImmediate(r)); // give other callers every chance to slip in
      await tx.query('UPDATE c SET n = $1', [n + 1]);
    })));
    expect((await db.query<{ n: number }>('SELECT n FROM c')).rows[0]!.n).toBe(12);
  });

  it('rolls back a transaction whose query fails, and the connection stays usable', async () => {
    await db.query('DELETE FROM t');
    await db.query('INSERT INTO t VALUES (10, $1)', ['before']);
    const e = await rejection(db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (11, $1)', ['lost']);
      await tx.query('INSERT INTO t VALUES (10, $1)', ['duplicate']);
    }));
    expect(e.code).toBe('CONFLICT');
    expect((await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((x) => x.id)).toEqual([10]);
    const thrown = await rejection(db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (12, $1)', ['lost too']);
      throw new KefuError('NOT_FOUND', 'application error');
    }));
    expect(thrown.code).toBe('NOT_FOUND');
    expect((await db.query('SELECT 1 FROM t WHERE id = 12')).rowCount).toBe(0);
  });

  it('classifies errors by SQLSTATE exactly as in-process: the fields cross the thread', async () => {
    const dup = await rejection(db.query('INSERT INTO t VALUES (10, $1)', ['again']));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.details).toEqual({ constraint: 't_pkey' });
    expect((dup.cause as { code?: string; detail?: string }).code).toBe('23505');
    expect((dup.cause as { detail?: string }).detail).toMatch(/already exists/);
    const fk = await rejection(db.query('INSERT INTO u VALUES (gen_random_uuid(), gen_random_uuid())'));
    expect(fk.code).toBe('CONFLICT');
    const bad = await rejection(db.query('SELECT $1::uuid', ['not-a-uuid']));
    expect(bad.code).toBe('UNPROCESSABLE');
    expect(bad.details).toMatchObject({ sqlstate: '22P02' });
    const syntax = await rejection(db.query('SELEC 1'));
    expect(syntax.code).toBe('DB_ERROR');
    expect(syntax.details).toEqual({ sqlstate: '42601' });
  });

  it('a transaction handle used after its end is refused', async () => {
    let leaked: { query: PgliteWorkerDb['query'] } | null = null;
    await db.transaction(async (tx) => { leaked = tx; });
    expect((await rejection(leaked!.query('SELECT 1'))).code).toBe('DB_ERROR');
  });
});

describe('PGlite worker failure and shutdown', { timeout: SLOW }, () => {
  it('a dying worker rejects pending and queued requests with DB_UNAVAILABLE, logs once, and never hangs', async () => {
    const log = { error: vi.fn() };
    const db = await openPglite(null, { log });
    let pending: Promise<KefuError> | null = null;
    const queued: Array<Promise<KefuError>> = [];
    const tx = rejection(db.transaction(async (q) => {
      await q.query('SELECT 1');
      pending = rejection(q.query('SELECT count(*) FROM generate_series(1, 5000000)'));
      queued.push(rejection(db.query('SELECT 1')), rejection(db.transaction(async (q2) => q2.query('SELECT 2'))));
      await db.worker.terminate();
      throw await pending;
    }));
    expect((await tx).code).toBe('DB_UNAVAILABLE');
    expect((await pending!).code).toBe('DB_UNAVAILABLE');
    for (const q of queued) expect((await q).code).toBe('DB_UNAVAILABLE');
    expect((await rejection(db.query('SELECT 1'))).code).toBe('DB_UNAVAILABLE');
    expect(log.error).toHaveBeenCalledTimes(1);
    await db.close(); // closing a dead database is fine
  });

  it('close() ends the worker: a process that opened, used and closed the database exits by itself', async () => {
    const pglite = fileURLToPath(new URL('./pglite.ts', import.meta.url));
    const script = `const { openPglite } = await import(${JSON.stringify(pglite)});
      const db = await openPglite(null);
      const r = await db.query('SELECT 41 + 1 AS n');
      await db.close();
      console.log('answer', r.rows[0].n, 'closed');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, SLOW - 10_000);
      child.on('exit', (c) => { clearTimeout(t); resolve(c); });
    });
    expect(out).toContain('answer 42 closed');
    expect(code).toBe(0);
  });
});
