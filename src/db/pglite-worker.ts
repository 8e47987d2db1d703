/**
 * Worker-thread entry point (loaded by pglite.ts with `new Worker(...)`; it is
 * an entry, so it starts serving when loaded). It owns the one PGlite
 * instance and answers the requests of pglite-protocol.ts one at a time, in
 * the order they arrive.
 */
import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { NO_TX, serialiseError, type Reply, type Request, type WorkerData } from './pglite-protocol.ts';

async function serve(port: NonNullable<typeof parentPort>, data: WorkerData): Promise<void> {
  let pg: PGlite;
  try {
    if (data.path) mkdirSync(data.path, { recursive: true });
    pg = await PGlite.create(data.path ?? undefined);
  } catch (e) {
    port.postMessage({ ready: false, error: serialiseError(e) });
    return;
  }
  let openTx = NO_TX;
  let closed = false;

  const run = async (m: Request): Promise<Reply> => {
    if (closed) throw new Error('database closed');
    if (m.op === 'close') {
      closed = true;
      await pg.close();
      return { id: m.id, ok: true, rows: [], rowCount: 0 };
    }
    if (m.tx !== openTx && m.op !== 'begin') throw new Error(`request for transaction ${m.tx} while ${openTx || 'none'} is open`);
    switch (m.op) {
      case 'begin':
        if (openTx !== NO_TX) throw new Error(`transaction ${openTx} is still open`);
        await pg.query('BEGIN');
        openTx = m.tx;
        return { id: m.id, ok: true, rows: [], rowCount: 0 };
      case 'commit': case 'rollback':
        openTx = NO_TX; // the transaction is over whatever the outcome
        await pg.query(m.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        return { id: m.id, ok: true, rows: [], rowCount: 0 };
      case 'exec':
        await pg.exec(m.sql);
        return { id: m.id, ok: true, rows: [], rowCount: 0 };
      case 'query': {
        const r = await pg.query(m.sql, m.params as unknown[]);
        return { id: m.id, ok: true, rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }
    }
  };

  let chain = Promise.resolve();
  port.on('message', (m: Request) => {
    chain = chain.then(async () => {
      let reply: Reply;
      try {
        reply = await run(m);
      } catch (e) {
        reply = { id: m.id, ok: false, error: serialiseError(e) };
      }
      port.postMessage(reply);
      if (m.op === 'close') port.close();
    });
  });
  port.postMessage({ ready: true });
}

if (parentPort) await serve(parentPort, workerData as WorkerData);
