/**
 * The messages between the main thread and the PGlite worker thread
 * (pglite-worker.ts). Everything here crosses a MessagePort, so it is plain
 * structured-clone data: rows keep Date, Uint8Array, numbers and objects;
 * errors travel as their fields and are rebuilt on the main thread.
 *
 * Ordering contract: the worker runs requests one at a time, in the order
 * they were posted. A transaction is driven from the main thread (`begin`,
 * queries carrying its `tx` id, then `commit` or `rollback`); the worker
 * refuses a request whose `tx` is not the open transaction, so a query can
 * never land inside somebody else's transaction.
 */

export type Request =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; tx: number }
  | { id: number; op: 'exec'; sql: string; tx: number }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

/** `tx` 0 means "outside any transaction". */
export const NO_TX = 0;

/** The fields of a database error worth keeping (SQLSTATE first). */
export interface ErrorFields {
  name: string;
  message: string;
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  routine?: string;
}

export type Reply =
  | { id: number; ok: true; rows: unknown[]; rowCount: number }
  | { id: number; ok: false; error: ErrorFields };

/** Sent once by the worker: the database is open (or could not be opened). */
export type Ready = { ready: true } | { ready: false; error: ErrorFields };

export interface WorkerData { path: string | null }

const KEPT = ['code', 'severity', 'detail', 'hint', 'position', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'] as const;

/** An error thrown in the worker, reduced to clonable fields. */
export function serialiseError(e: unknown): ErrorFields {
  const src = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  const out: ErrorFields = {
    name: typeof src.name === 'string' ? src.name : 'Error',
    message: e instanceof Error ? e.message : String(e),
  };
  for (const k of KEPT) {
    const v = src[k];
    if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

/** A database error rebuilt on the main thread: an Error with the same fields, for classifyDbError. */
export class WorkerDbError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly constraint?: string;
  constructor(f: ErrorFields) {
    super(f.message);
    Object.assign(this, f);
    this.name = f.name;
  }
}
