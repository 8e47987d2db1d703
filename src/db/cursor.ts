import { KefuError } from '../core/errors.ts';

/** Keyset cursors for list endpoints: opaque base64url of (timestamp, id). */
export interface Cursor { at: string; id: string }

export const encodeCursor = (at: Date | string, id: string): string =>
  Buffer.from(JSON.stringify([at instanceof Date ? at.toISOString() : at, id])).toString('base64url');

/** What encodeCursor writes: an ISO 8601 instant of a four-digit year (PostgreSQL's timestamptz range) and a row id. */
const ISO_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && ISO_AT.test(v[0]) && !Number.isNaN(Date.parse(v[0])) && UUID.test(v[1])) {
      return { at: v[0], id: v[1] };
    }
  } catch { /* fall through */ }
  throw new KefuError('BAD_REQUEST', 'cursor: expected a value returned as "next" by a previous page', { field: 'cursor' });
}

/** Slice one extra row to know whether there is a next page. */
export function page<T>(rows: T[], limit: number, key: (row: T) => [Date | string, string]): { items: T[]; next: string | null } {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  const [at, id] = key(last);
  return { items, next: encodeCursor(at, id) };
}
