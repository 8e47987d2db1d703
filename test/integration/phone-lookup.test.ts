/**
 * Caller ID -> customer: the screen-pop lookup (findByPhone) and
 * GET /customers?phone= (list with phone alone) are one statement each, and
 * its plan is index probes only (no Seq Scan) on a table of a few thousand
 * customers, on PGlite and on PostgreSQL alike. The statements checked are the
 * ones the repository really sends (recorded through the Db port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import type { Db } from '../../src/db/types.ts';
import { CustomerRepo } from '../../src/db/repos/customers.ts';
import { seedCustomers } from '../../scripts/bench/seed.ts';

interface PlanNode { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: PlanNode[] }
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe(`phone -> customer lookup on ${testDbKind()}`, () => {
  let m: MigratedDb;
  let db: Db;
  const sent: Array<{ sql: string; params: readonly unknown[] }> = [];
  let repo: CustomerRepo;
  beforeAll(async () => {
    m = await migratedDb();
    db = m.db;
    await seedCustomers(db, 5000);
    const recording: Db = {
      ...db,
      query: (sql, params = []) => { sent.push({ sql, params }); return db.query(sql, params); },
    };
    repo = new CustomerRepo(recording);
  });
  afterAll(async () => { await m?.close(); });

  async function planOf(sql: string, params: readonly unknown[]): Promise<PlanNode[]> {
    const r = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const raw = r.rows[0]!['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
    return nodes(doc[0]!.Plan);
  }

  const cases: Array<[string, (r: CustomerRepo) => Promise<unknown>, (out: unknown) => void]> = [
    ['screen pop: findByPhone', (r) => r.findByPhone('+8613900004242'), (c) => expect(c).toMatchObject({ name: 'Customer 4242', phones: [{ number: '+8613900004242' }] })],
    ['GET /customers?phone=', (r) => r.list({ limit: 20, phone: '+8613900004242' }), (p) => expect(p).toMatchObject({ items: [{ name: 'Customer 4242', phones: [{ number: '+8613900004242', label: 'mobile' }] }], next: null })],
  ];

  for (const [name, call, check] of cases) {
    it(`${name}: one statement, index probes only`, async () => {
      sent.length = 0;
      check(await call(repo));
      expect(sent).toHaveLength(1); // the customer and its phones in one round trip
      const plan = await planOf(sent[0]!.sql, sent[0]!.params);
      const types = plan.map((n) => n['Node Type']);
      expect(types).not.toContain('Seq Scan');
      expect(types.filter((t) => t === 'Bitmap Heap Scan')).toEqual([]);
      const probe = plan.find((n) => n['Relation Name'] === 'customer_phones');
      expect(probe?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
      expect(probe?.['Index Name']).toBe('customer_phones_pkey');
    });
  }

  it('an unknown number is one probe that finds nothing', async () => {
    sent.length = 0;
    expect(await repo.findByPhone('+8613999999999')).toBeNull();
    expect(sent).toHaveLength(1);
  });
});
