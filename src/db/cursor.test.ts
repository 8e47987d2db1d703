import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isKefuError } from '../core/errors.ts';

const id = '0b8e7c8e-4a65-4a3b-9c57-3f0c6a1f2d4e';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const refused = (c: string) => { try { decodeCursor(c); return false; } catch (e) { return isKefuError(e, 'BAD_REQUEST'); } };

describe('cursor', () => {
  it('round-trips what a page wrote', () => {
    expect(decodeCursor(encodeCursor(new Date('2024-05-01T08:00:00.123Z'), id))).toEqual({ at: '2024-05-01T08:00:00.123Z', id });
    expect(decodeCursor(undefined)).toBeNull();
  });

  it('refuses, as a 400, cursors the database would choke on', () => {
    for (const c of [
      'garbage', b64(null), b64([]), b64(['2024-01-01T00:00:00Z']), b64(['2024-01-01T00:00:00Z', 'not-a-uuid']),
      b64(['+275760-09-13T00:00:00.000Z', id]), b64(['1', id]), b64(['2024-01-01T00:00:00Z\u0000', id]),
      b64(['2024-01-01T00:00:00Z', `${id}\u0000`]), b64(['Tue, 01 Jan 2999 00:00:00 GMT', id]), b64(['2024-01-01T00:00:00Z', id, 'x']),
    ]) expect(refused(c), c).toBe(true);
  });
});
