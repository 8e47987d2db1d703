import { KefuError } from '../core/errors.ts';

/** Map a database error to a KefuError by SQLSTATE (never by message text). */
export function classifyDbError(e: unknown): KefuError {
  if (e instanceof KefuError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const constraint = typeof e === 'object' && e !== null && 'constraint' in e ? (e as { constraint?: string }).constraint : undefined;
  switch (code) {
    case '23505': return new KefuError('CONFLICT', 'already exists', { constraint }, { cause: e });
    case '23503': return new KefuError('CONFLICT', 'refers to a record that does not exist or is still referenced', { constraint }, { cause: e });
    case '23502': case '23514': case '22P02': case '22001': case '22003': case '22007': case '22008':
      return new KefuError('UNPROCESSABLE', 'value rejected by the database', { constraint, sqlstate: code }, { cause: e });
    // NUL (0x00) in text, \u0000 in jsonb: PostgreSQL cannot store them.
    case '22021': case '22P05':
      return new KefuError('BAD_REQUEST', 'text contains a character that cannot be stored (NUL)', { sqlstate: code }, { cause: e });
    // 25P03: the server ended a transaction left idle too long (a stalled daemon: src/services/cluster/fenced-db.ts);
    // 25006: a write reached a standby (a failover behind a proxy: the proxy cuts that connection, the retry finds the primary)
    case '25P03': case '25006': case '57P01': case '57P03': case '08000': case '08001': case '08003': case '08004': case '08006':
    case 'ECONNREFUSED': case 'ECONNRESET': case 'ENOTFOUND': case 'ETIMEDOUT':
      return new KefuError('DB_UNAVAILABLE', 'database unavailable', undefined, { cause: e });
    default:
      // Class 22 (data exception) is a value the input carried; class 54 (program limit exceeded) one too big or deep.
      if (code.startsWith('22')) return new KefuError('UNPROCESSABLE', 'value rejected by the database', { sqlstate: code }, { cause: e });
      if (code.startsWith('54')) return new KefuError('UNPROCESSABLE', 'value too large or too deeply nested for the database', { sqlstate: code }, { cause: e });
      return new KefuError('DB_ERROR', 'database error', { sqlstate: code || undefined }, { cause: e });
  }
}
