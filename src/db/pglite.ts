/**
 * Embedded PostgreSQL (PGlite) in a worker thread, behind the `Db` port: no
 * query runs on the main event loop. The worker (pglite-worker.ts) owns the
 * PGlite instance; this side numbers requests, matches replies, rebuilds
 * errors for classifyDbError, and schedules transactions.
 *
 * PGlite is one connection. Queries outside a transaction are pipelined to
 * the worker, which runs them in order. A transaction takes the connection:
 * `BEGIN`, the queries of `fn` (each tagged with the transaction's id), then
 * `COMMIT` or `ROLLBACK`; every request made meanwhile outside it waits in a
 * FIFO and is sent when it ends. If the worker dies, every pending and later
 * request rejects with DB_UNAVAILABLE.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db, Queryable } from './types.ts';
import { classifyDbError } from './errors.ts';
import { privatiseTree } from './private-files.ts';
import { KefuError } from '../core/errors.ts';
import { NO_TX, WorkerDbError, type Ready, type Reply, type Request, type WorkerData } from './pglite-protocol.ts';

/** Where a crash of the database thread is reported (a pino logger fits). */
export interface DbCrashLog { error(obj: object, msg: string): void }

export interface PgliteOptions { log?: DbCrashLog | undefined }

/** The worker-backed database; `worker` is exposed for tests and diagnostics only. */
export interface PgliteWorkerDb extends Db { readonly worker: Worker }

type Pending = { resolve: (r: { rows: unknown[]; rowCount: number }) => void; reject: (e: unknown) => void };
type Body = Request extends infer R ? R extends Request ? Omit<R, 'id'> : never : never;

/**
 * The worker script beside this file, with this file's extension: .js in the
 * compiled release, .ts when run from src (tsx, vitest), where the worker
 * thread first registers tsx's hooks (on Node 20 neither the parent's hooks
 * nor `execArgv: ['--import', 'tsx']` reach a worker) and then imports the
 * script.
 */
function spawnWorker(data: WorkerData): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const script = new URL(`./pglite-worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(script, { workerData: data });
  // tsx's register API, ESM build (require.resolve finds the .cjs twin; that one misplaces its hooks file)
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

/** Embedded PostgreSQL in a worker thread. `path` null means in memory. */
export async function openPglite(path: string | null, opts: PgliteOptions = {}): Promise<PgliteWorkerDb> {
  if (path) mkdirSync(path, { recursive: true, mode: 0o700 });
  const worker = spawnWorker({ path });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => { reject(e); }; // unclassified, as PGlite.create's own error was
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new KefuError('DB_UNAVAILABLE', `database thread exited (${code}) while opening`)));
    worker.once('message', (m: Ready) => {
      worker.removeAllListeners('error').removeAllListeners('exit');
      if (m.ready) resolve(); else fail(new WorkerDbError(m.error));
    });
  }).catch(async (e: unknown) => { await worker.terminate(); throw e; });
  // PGlite creates its files 0666 whatever the umask: only the daemon's user may read them.
  if (path) await privatiseTree(path);
  return new WorkerClient(worker, opts.log).db();
}

class WorkerClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTx = 1;
  private txOpen = false;
  private readonly waiting: Array<{ tx: boolean; go: () => void }> = [];
  private dead: KefuError | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly worker: Worker, private readonly log: DbCrashLog | undefined) {
    worker.unref();
    worker.on('message', (m: Reply) => this.settle(m));
    worker.on('error', (e) => this.die(e, 'database thread failed'));
    worker.on('exit', (code) => this.die(new Error(`exit code ${code}`), 'database thread exited'));
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.ok) p.resolve({ rows: m.rows, rowCount: m.rowCount });
    else p.reject(classifyDbError(new WorkerDbError(m.error)));
  }

  private die(cause: unknown, msg: string): void {
    if (this.dead) return;
    this.dead = new KefuError('DB_UNAVAILABLE', 'database unavailable', undefined, { cause });
    if (!this.closing) this.log?.error({ err: cause }, msg);
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(this.dead);
    // Requests queued behind a transaction are released and fail at once.
    for (const w of this.waiting.splice(0)) w.go();
  }

  private send(body: Body): Promise<{ rows: unknown[]; rowCount: number }> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  /**
   * Wait for our turn: null (go now) when no transaction is open and nobody
   * waits, else a FIFO place. A transaction's turn opens it synchronously
   * (here or in release), so nothing slips in between.
   */
  private turn(tx: boolean): Promise<void> | null {
    if (!this.txOpen && this.waiting.length === 0) {
      if (tx) this.txOpen = true;
      return null;
    }
    return new Promise((go) => this.waiting.push({ tx, go }));
  }

  /** After a transaction: let waiting requests go in order, up to and including the next transaction. */
  private release(): void {
    this.txOpen = false;
    while (!this.txOpen && this.waiting.length > 0) {
      const w = this.waiting.shift()!;
      if (w.tx) this.txOpen = true;
      w.go();
    }
  }

  private async outside(body: Body): Promise<{ rows: unknown[]; rowCount: number }> {
    const wait = this.turn(false);
    if (wait) await wait;
    return this.send(body);
  }

  private async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const wait = this.turn(true);
    if (wait) await wait;
    const tx = this.nextTx++;
    let done = false;
    const q: Queryable = {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        if (done) throw new KefuError('DB_ERROR', 'query on a transaction that has ended');
        return await this.send({ op: 'query', sql, params, tx }) as { rows: R[]; rowCount: number };
      },
    };
    try {
      await this.send({ op: 'begin', tx });
      let out: T;
      try {
        out = await fn(q);
      } catch (e) {
        done = true;
        await this.send({ op: 'rollback', tx }).catch(() => undefined); // the first error is the one to report
        throw classifyDbError(e);
      }
      done = true;
      await this.send({ op: 'commit', tx });
      return out;
    } finally {
      done = true;
      this.release();
    }
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.dead) await this.outside({ op: 'close' }).catch(() => undefined);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  db(): PgliteWorkerDb {
    return {
      kind: 'pglite',
      worker: this.worker,
      query: async <R>(sql: string, params: readonly unknown[] = []) =>
        await this.outside({ op: 'query', sql, params, tx: NO_TX }) as { rows: R[]; rowCount: number },
      transaction: (fn) => this.transaction(fn),
      exec: async (sql) => { await this.outside({ op: 'exec', sql, tx: NO_TX }); },
      close: () => this.close(),
    };
  }
}
