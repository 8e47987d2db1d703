/**
 * The database port the repositories use. One SQL code path for both backends:
 * embedded PGlite and a PostgreSQL server through `pg`. SQL is always
 * parameterised ($1, $2...). int8 comes back as a JS number on both.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Run fn in one transaction; rolls back when fn rejects. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Multi-statement SQL without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
