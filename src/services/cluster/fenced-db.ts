/**
 * Writes fenced by the node lease's epoch (docs/scale-out.md, "Leases and
 * fencing"). The PBX's repositories and call ledger are built on this Db when
 * `cluster.enabled`: every write statement (INSERT, UPDATE, DELETE, WITH) and
 * every transaction first runs
 *
 *   SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2 AND epoch = $3 FOR SHARE
 *
 * in the same transaction, and fails with STALE_EPOCH when the row does not
 * say so (another daemon took the node over, or this one never held it). The
 * share lock makes a takeover's UPDATE of the row wait for writes in flight,
 * so no write of the old epoch commits after the new epoch exists. A daemon
 * that stalls inside such a transaction (SIGSTOP, a frozen VM) would hold
 * that lock, and so the takeover, for as long as it stalls: each fenced
 * transaction sets `idle_in_transaction_session_timeout` (`idleMs`), so
 * PostgreSQL ends a stalled one and its lock goes. Reads go straight through.
 */
import type { Db, Queryable } from '../../db/types.ts';
import { KefuError } from '../../core/errors.ts';

export interface Fence { node: string; owner: string; epoch: number }

const WRITE = /^\s*(insert|update|delete|with|merge)\b/i;

export class StaleEpochCounter {
  rejected = 0;
}

export async function checkFence(tx: Queryable, fence: Fence | null, counter: StaleEpochCounter): Promise<void> {
  const r = fence
    ? await tx.query('SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2 AND epoch = $3 FOR SHARE', [fence.node, fence.owner, fence.epoch])
    : { rows: [] };
  // rows, not rowCount: PGlite counts only the rows a statement changed
  if (r.rows.length === 0) {
    counter.rejected++;
    throw new KefuError('STALE_EPOCH', fence
      ? `node ${fence.node}: lease epoch ${fence.epoch} of ${fence.owner} is no longer current; write refused`
      : 'this daemon does not hold the node\'s lease (never did, or another daemon owns the node now): write refused');
  }
}

/** `db` with every write fenced by `fence()` (read at each write); a transaction idle longer than `idleMs` is ended by the server. */
export function fencedDb(db: Db, fence: () => Fence | null, counter: StaleEpochCounter, idleMs = 5000): Db {
  const idle = `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(100, Math.round(idleMs))}`;
  const guarded = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => db.transaction(async (tx) => {
    await tx.query(idle);
    await checkFence(tx, fence(), counter);
    return fn(tx);
  });
  return {
    kind: db.kind,
    query: <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => (WRITE.test(sql) ? guarded((tx) => tx.query<R>(sql, params)) : db.query<R>(sql, params)),
    transaction: guarded,
    exec: (sql) => db.exec(sql),
    // the daemon's own database stays open: it closes it
    close: () => Promise.resolve(),
  };
}
