/**
 * A caller's call row and its caller leg are one write (fake PBX, real
 * PGlite). Written one after the other, a daemon killed between the two
 * left a row with no leg naming the caller's channel; the next owner of the
 * node closed that row as `interrupted` and took the channel in as a new
 * call: two records of one caller (seen once in the HA lab's two-machine
 * case). Now no statement writes the one without the other, and writing the
 * call again (a lost connection whose commit is unknown) changes nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_CLOCK, pbxHarness, TRUNK, type PbxHarness } from '../../support/pbx-harness.ts';
import { templateDb } from '../../support/template-db.ts';
import type { Db } from '../../../src/db/types.ts';
import { CallRepo } from '../../../src/db/repos/calls.ts';

describe('a caller\'s call row and caller leg (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  let drop: () => Promise<void>;
  /** Every statement that writes calls or call_legs, in the order they were sent. */
  const writes: string[] = [];

  beforeAll(async () => {
    const t = await templateDb();
    drop = t.drop;
    const seen = (sql: string): void => { if (/^\s*(insert|update|with)\b/i.test(sql) && /\b(calls|call_legs)\b/.test(sql)) writes.push(sql.replace(/\s+/g, ' ')); };
    // the real database; the test only reads the statements on their way
    const db: Db = { ...t.db, query: (sql, params) => { seen(sql); return t.db.query(sql, params); }, transaction: (fn) => t.db.transaction((tx) => fn({ query: (sql, params) => { seen(sql); return tx.query(sql, params); } })) };
    h = await pbxHarness({ seats: ['e1'], db });
    await h.service.start();
  });
  afterAll(async () => { await h?.close(); await drop?.(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the statement that writes the row writes the leg; no leg of the caller is written alone', async () => {
    const leg = h.pbx.callIn({ number: '13800138051', trunk: TRUNK });
    let rows: Array<{ id: string; started_at: Date }> = [];
    for (let i = 0; i < 200 && rows.length === 0; i++) {
      await h.settle();
      rows = (await h.db.query<{ id: string; started_at: Date }>("SELECT id, started_at FROM calls WHERE number LIKE '%13800138051'")).rows;
    }
    expect(rows).toHaveLength(1);
    const legs = (await h.db.query<{ id: string; kind: string; started_at: Date }>('SELECT id, kind, started_at FROM call_legs WHERE channel_id = $1', [leg])).rows;
    expect(legs).toMatchObject([{ kind: 'caller' }]);
    expect(legs[0]!.started_at.getTime()).toBe(rows[0]!.started_at.getTime());

    const inserts = writes.filter((w) => /insert into calls\b/i.test(w));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).toMatch(/insert into call_legs/i);
    expect(writes.filter((w) => /^\s*insert into call_legs/i.test(w))).toHaveLength(0);

    // the same write again (its first commit unknown to the daemon): no error, nothing more
    const again = new CallRepo(h.db);
    await again.create({ id: rows[0]!.id, lineId: 'trunk1', direction: 'inbound', state: 'ringing', startedAt: rows[0]!.started_at },
      { id: legs[0]!.id, kind: 'caller', channelId: leg });
    await again.create({ id: rows[0]!.id, lineId: 'trunk1', direction: 'inbound', state: 'ringing' });
    expect((await h.db.query('SELECT 1 FROM calls WHERE id = $1', [rows[0]!.id])).rows).toHaveLength(1);
    expect((await h.db.query('SELECT 1 FROM call_legs WHERE channel_id = $1', [leg])).rows).toHaveLength(1);
  });
});
