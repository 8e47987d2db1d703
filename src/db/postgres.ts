import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable } from './types.ts';
import { classifyDbError } from './errors.ts';

const INT8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

/**
 * Every statement runs as a named prepared statement (name = hash of its
 * text): each pooled connection parses and plans it once. Our SQL text is
 * constant per query shape; values always travel as parameters.
 */
const names = new Map<string, string>();
function statementName(sql: string): string {
  let n = names.get(sql);
  if (!n) {
    n = `k${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    if (names.size < 5000) names.set(sql, n);
  }
  return n;
}

/**
 * node-postgres reports a connection lost or never made (the server killed, a proxy cutting the
 * connection in a failover, a connect timeout) as an Error with no SQLSTATE. Those are given
 * 08006 (connection_failure) here, so they are classified DB_UNAVAILABLE and retried like the
 * server's own codes. "Connection terminated" and "Client was closed" are our own close: left as they are.
 */
const CONNECTION_LOST = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
]);
function classify(e: unknown) {
  const lost = e instanceof Error && !('code' in e) && CONNECTION_LOST.has(e.message);
  return classifyDbError(lost ? Object.assign(new Error(e.message, { cause: e }), { code: '08006' }) : e);
}

/** A PostgreSQL server through node-postgres. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: types as pg.CustomTypesConfig });
  pool.on('error', () => { /* idle client errors surface on the next query */ });
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      try {
        const r = await q.query({ name: statementName(sql), text: sql, values: params as unknown[] });
        return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
      } catch (e) {
        throw classify(e);
      }
    },
  });
  const root = wrap(pool);
  try {
    await root.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  return {
    kind: 'postgres',
    query: root.query,
    async transaction(fn) {
      const client = await pool.connect().catch((e: unknown) => { throw classify(e); });
      // the server may end the connection while it is ours (a restart, idle_in_transaction_session_timeout):
      // the error is the pending query's to report, and the client is thrown away, not pooled again
      let broken: Error | undefined;
      const onError = (e: Error): void => { broken = e; };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        // a ROLLBACK that fails leaves nothing to undo (the connection is gone); the error that matters is rethrown below
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        throw classify(e);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async exec(sql) {
      try { await pool.query(sql); } catch (e) { throw classify(e); }
    },
    async close() { await pool.end(); },
  };
}
