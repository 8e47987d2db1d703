import { describe, expect, it } from 'vitest';
import { classifyDbError } from './errors.ts';

const pgError = (code: string) => Object.assign(new Error('from the server'), { code });

describe('classifyDbError (by SQLSTATE)', () => {
  it('makes input the database refuses a 4xx code, never DB_ERROR', () => {
    expect(classifyDbError(pgError('22021')).code).toBe('BAD_REQUEST'); // NUL in text
    expect(classifyDbError(pgError('22P05')).code).toBe('BAD_REQUEST'); // \u0000 in jsonb
    expect(classifyDbError(pgError('22009')).code).toBe('UNPROCESSABLE'); // any other data exception
    expect(classifyDbError(pgError('54001')).code).toBe('UNPROCESSABLE'); // too complex / too deep
    expect(classifyDbError(pgError('23505')).code).toBe('CONFLICT');
  });

  it('keeps server faults as such', () => {
    expect(classifyDbError(pgError('08006')).code).toBe('DB_UNAVAILABLE');
    // a write that reached a standby during a failover (read_only_sql_transaction)
    expect(classifyDbError(pgError('25006')).code).toBe('DB_UNAVAILABLE');
    expect(classifyDbError(pgError('XX000')).code).toBe('DB_ERROR');
  });
});
