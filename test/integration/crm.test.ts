/**
 * CRM through HTTP: the customer info card (four typed groups), custom
 * fields defined by the admin, the roster (search, filters, sorts, pages,
 * CSV and XLSX export read back), duplicates and merging them with every row
 * that pointed at the merged customers kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { parseCsv } from '../../src/core/crm/csv.ts';
import { customerReferences } from '../../src/db/repos/customer-merge.ts';

const FULL = {
  name: '上海星辰贸易有限公司',
  company: '上海星辰贸易有限公司',
  address: '上海市浦东新区世纪大道 100 号',
  phones: [{ number: '021 6123 4567', label: 'tel' }],
  ownerId: 'li-na',
  basic: { kind: 'company', legalRepresentative: '王强', founded: '2003-05-18', relationshipSince: '2019-01-07' },
  characteristics: { region: '华东', salesCapacity: '年采购 500 万', potential: 'high', industry: '批发', source: 'exhibition', size: '50-200' },
  business: { scale: 'medium', sales: 'growing', relationship: 'good', attitude: 'positive' },
  transaction: { currentOrders: 3, issues: 'late delivery in March', terms: '30 days net', credit: { limit: 200000, rating: 'AA', overdue: false } },
};

describe(`CRM on ${testDbKind()}`, () => {
  let h: TestApp;
  beforeAll(async () => { h = await startTestApp(); });
  afterAll(async () => { await h?.close(); });

  describe('info card', () => {
    it('creates a full card and returns every group', async () => {
      const r = await h.call('POST', '/customers', { body: FULL });
      expect(r.status, r.text).toBe(201);
      expect(r.body).toMatchObject({ ...FULL, phones: [{ number: '+862161234567', label: 'tel' }], custom: {} });
      const g = await h.call('GET', `/customers/${r.body.id}`);
      expect(g.body).toMatchObject({ basic: FULL.basic, characteristics: FULL.characteristics, business: FULL.business, transaction: FULL.transaction, ownerId: 'li-na' });
    });

    it('PATCH merges a group key by key, null removes a key; PUT replaces the groups', async () => {
      const c = (await h.call('POST', '/customers', { body: FULL })).body;
      const p = await h.call('PATCH', `/customers/${c.id}`, { body: { basic: { founded: '2004-01-01', legalRepresentative: null }, transaction: { credit: { limit: 5000, overdue: true } } } });
      expect(p.status, p.text).toBe(200);
      expect(p.body.basic).toEqual({ kind: 'company', founded: '2004-01-01', relationshipSince: '2019-01-07' });
      expect(p.body.transaction).toEqual({ ...FULL.transaction, credit: { limit: 5000, overdue: true } });
      expect(p.body.characteristics).toEqual(FULL.characteristics);
      const zero = await h.call('PATCH', `/customers/${c.id}`, { body: { transaction: { currentOrders: 0, credit: { limit: 0, overdue: false } } } });
      expect(zero.body.transaction).toMatchObject({ currentOrders: 0, credit: { limit: 0, overdue: false } });
      const put = await h.call('PUT', `/customers/${c.id}`, { body: { name: 'Replaced', basic: { kind: 'person' } } });
      expect(put.status, put.text).toBe(200);
      expect(put.body).toMatchObject({ basic: { kind: 'person' }, characteristics: {}, business: {}, transaction: {}, ownerId: null, company: null });
    });

    it.each([
      [{ basic: { founded: '2023-02-30' } }, 'body.basic.founded'],
      [{ basic: { kind: 'robot' } }, 'body.basic.kind'],
      [{ characteristics: { potential: 'huge' } }, 'body.characteristics.potential'],
      [{ business: { attitude: 'hostile' } }, 'body.business.attitude'],
      [{ transaction: { currentOrders: -1 } }, 'body.transaction.currentOrders'],
      [{ transaction: { credit: { limit: 'lots' } } }, 'body.transaction.credit.limit'],
      [{ transaction: { credit: { rating: 'Z' } } }, 'body.transaction.credit.rating'],
      [{ basic: { favouriteColour: 'red' } }, 'body.basic.favouriteColour'],
      [{ transaction: { credit: { score: 1 } } }, 'body.transaction.credit.score'],
      [{ colour: 'red' }, 'body.colour'],
      [{ characteristics: { region: 'x'.repeat(101) } }, 'body.characteristics.region'],
    ])('refuses %j with a 400 naming %s', async (extra, field) => {
      const r = await h.call('POST', '/customers', { body: { name: 'Bad', ...extra } });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error.message).toContain(field);
    });
  });

  describe('custom fields', () => {
    it('admin defines typed fields; agents read them and may not change them', async () => {
      const defs = [
        { key: 'vip_no', label: '会员号', type: 'text' },
        { key: 'score', label: 'Score', type: 'number', position: 2 },
        { key: 'birthday', label: '生日', type: 'date', position: 3 },
        { key: 'channel', label: '渠道', type: 'choice', options: ['电话', 'web', 'store'], position: 4 },
      ];
      for (const d of defs) expect((await h.call('POST', '/customers/fields', { body: d })).status).toBe(201);
      expect((await h.call('POST', '/customers/fields', { body: defs[0] })).status).toBe(409);
      expect((await h.call('POST', '/customers/fields', { key: h.agent, body: { key: 'x', label: 'x', type: 'text' } })).status).toBe(403);
      const bad = await h.call('POST', '/customers/fields', { body: { key: 'mood', label: 'Mood', type: 'choice' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('body.options');
      expect((await h.call('POST', '/customers/fields', { body: { key: 'Bad Key', label: 'x', type: 'text' } })).body.error.message).toContain('body.key');
      expect((await h.call('POST', '/customers/fields', { body: { key: 'b', label: 'x', type: 'colour' } })).status).toBe(400);
      const list = await h.call('GET', '/customers/fields', { key: h.agent });
      expect(list.status).toBe(200);
      expect(list.body.items.map((f: { key: string }) => f.key)).toEqual(['vip_no', 'score', 'birthday', 'channel']);
      expect((await h.call('PATCH', '/customers/fields/channel', { body: { options: ['电话', 'web', 'store', 'wechat'] } })).body.options).toHaveLength(4);
      expect((await h.call('PATCH', '/customers/fields/score', { body: { type: 'text' } })).status).toBe(400);
      expect((await h.call('PATCH', '/customers/fields/channel', { key: h.agent, body: { label: 'x' } })).status).toBe(403);
    });

    it.each([
      [{ score: 'high' }, 'body.custom.score', 'a finite number'],
      [{ birthday: '1990-13-01' }, 'body.custom.birthday', 'YYYY-MM-DD'],
      [{ channel: 'fax' }, 'body.custom.channel', '"wechat"'],
      [{ vip_no: 42 }, 'body.custom.vip_no', 'text'],
      [{ shoe_size: 42 }, 'body.custom.shoe_size', 'a defined custom field'],
      [{ 'Bad-Key': 1 }, 'body.custom', ''],
    ])('refuses custom values %j: 400 naming %s', async (custom, field, expected) => {
      const r = await h.call('POST', '/customers', { body: { name: 'Custom bad', custom } });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error.message).toContain(field);
      expect(r.body.error.message).toContain(expected);
    });

    it('stores valid values, patches them (null removes), and deleting a definition drops its values', async () => {
      const c = await h.call('POST', '/customers', { body: { name: 'Custom ok', custom: { vip_no: 'A-1', score: 4.5, birthday: '1990-02-28', channel: 'wechat' } } });
      expect(c.status, c.text).toBe(201);
      expect(c.body.custom).toEqual({ vip_no: 'A-1', score: 4.5, birthday: '1990-02-28', channel: 'wechat' });
      const p = await h.call('PATCH', `/customers/${c.body.id}`, { key: h.agent, body: { custom: { score: 5, vip_no: null } } });
      expect(p.status, p.text).toBe(200);
      expect(p.body.custom).toEqual({ score: 5, birthday: '1990-02-28', channel: 'wechat' });
      expect((await h.call('PATCH', `/customers/${c.body.id}`, { body: { custom: { score: '5' } } })).status).toBe(400);
      expect((await h.call('DELETE', '/customers/fields/birthday')).status).toBe(204);
      expect((await h.call('GET', `/customers/${c.body.id}`)).body.custom).toEqual({ score: 5, channel: 'wechat' });
      expect((await h.call('DELETE', '/customers/fields/birthday')).status).toBe(404);
    });
  });

  describe('roster', () => {
    const seed = [
      { name: 'delta', tier: 'vip', status: 'active', ownerId: 'li-na', tags: ['roster', 'east'], characteristics: { region: 'east' }, phones: [{ number: '+86 138 0013 8001' }] },
      { name: 'alpha', tier: 'regular', status: 'active', ownerId: 'wang', tags: ['roster'], characteristics: { region: 'north' }, phones: [{ number: '13800138002' }] },
      { name: 'Charlie', tier: 'vip', status: 'prospect', ownerId: 'li-na', tags: ['roster', 'east'], characteristics: { region: 'east' }, company: '=HYPERLINK("http://evil.example","x")' },
      { name: 'bravo', tier: 'gold', status: 'churned', ownerId: 'wang', tags: ['roster'], characteristics: { region: 'south' }, company: '北京示例科技' },
      { name: 'echo', tags: ['roster'] },
    ];
    beforeAll(async () => {
      for (const s of seed) expect((await h.call('POST', '/customers', { body: s })).status).toBe(201);
    });
    const names = async (url: string): Promise<string[]> => {
      const r = await h.call('GET', url);
      expect(r.status, r.text).toBe(200);
      return r.body.items.map((c: { name: string }) => c.name);
    };

    it('filters by tag, tier, status, owner and region, and searches numbers in any written form', async () => {
      expect((await names('/customers?tag=roster&sort=name')).length).toBe(5);
      expect(await names('/customers?tag=east&sort=name')).toEqual(['Charlie', 'delta']);
      expect(await names('/customers?tag=roster&tier=vip&sort=name')).toEqual(['Charlie', 'delta']);
      expect(await names('/customers?tag=roster&status=active&sort=name')).toEqual(['alpha', 'delta']);
      expect(await names('/customers?tag=roster&owner=wang&sort=name')).toEqual(['alpha', 'bravo']);
      expect(await names('/customers?region=east&owner=li-na&status=prospect')).toEqual(['Charlie']);
      expect(await names(`/customers?phone=${encodeURIComponent('138-0013-8002')}`)).toEqual(['alpha']);
      expect(await names('/customers?q=0013800&tag=roster&sort=name')).toEqual(['alpha', 'delta']);
      expect(await names(`/customers?q=${encodeURIComponent('0013 8002')}&tag=roster`)).toEqual(['alpha']);
      expect(await names(`/customers?q=${encodeURIComponent('(0013)-800')}&tag=roster&sort=name`)).toEqual(['alpha', 'delta']);
      expect(await names(`/customers?q=${encodeURIComponent('示例')}`)).toEqual(['bravo']);
      expect((await h.call('GET', '/customers?sort=colour')).body.error.message).toContain('querystring.sort');
      expect((await h.call('GET', '/customers?region=')).status).toBe(400);
    });

    it('sorts by name, tier, created and updated, both ways, across cursor pages', async () => {
      const all = async (q: string): Promise<string[]> => {
        const out: string[] = [];
        let cursor: string | null = null;
        do {
          const r = await h.call('GET', `/customers?tag=roster&limit=2&${q}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(r.status, r.text).toBe(200);
          out.push(...r.body.items.map((c: { name: string }) => c.name));
          cursor = r.body.next;
        } while (cursor);
        return out;
      };
      expect(await all('sort=name')).toEqual(['alpha', 'bravo', 'Charlie', 'delta', 'echo']);
      expect(await all('sort=name&order=desc')).toEqual(['echo', 'delta', 'Charlie', 'bravo', 'alpha']);
      expect(await all('sort=created')).toEqual(seed.map((s) => s.name));
      expect(await all('')).toEqual(seed.map((s) => s.name));
      const byTier = await all('sort=tier');
      expect(byTier[0]).toBe('echo');
      expect(byTier.slice(1, 3)).toEqual(['bravo', 'alpha']);
      const c = (await h.call('GET', '/customers?tag=roster&q=alpha')).body.items[0];
      await h.call('PATCH', `/customers/${c.id}`, { body: { notes: 'touched' } });
      expect((await all('sort=updated&order=desc'))[0]).toBe('alpha');
      const first = await h.call('GET', '/customers?tag=roster&limit=2&sort=name');
      expect((await h.call('GET', `/customers?tag=roster&limit=2&sort=tier&cursor=${first.body.next}`)).status).toBe(400);
    });

    it('exports the filtered roster as CSV with a BOM, formulas neutralised', async () => {
      const r = await h.call('GET', '/customers/export?format=csv&tag=roster&sort=name');
      expect(r.status, r.text).toBe(200);
      expect(String(r.headers['content-type'])).toContain('text/csv');
      expect(String(r.headers['content-disposition'])).toMatch(/attachment; filename="customers-.*\.csv"/);
      expect(r.text.startsWith('\ufeff')).toBe(true);
      const rows = parseCsv(r.text.slice(1)).map((x) => x.fields);
      const header = rows[0]!;
      expect(header).toEqual(expect.arrayContaining(['name', 'region', 'creditLimit', 'custom.score']));
      const col = (n: string) => header.indexOf(n);
      expect(rows.slice(1).map((x) => x[col('name')])).toEqual(['alpha', 'bravo', 'Charlie', 'delta', 'echo']);
      const bravo = rows.find((x) => x[col('name')] === 'bravo')!;
      expect(bravo[col('company')]).toBe('北京示例科技');
      expect(bravo[col('region')]).toBe('south');
      expect(rows.find((x) => x[col('name')] === 'Charlie')![col('company')]).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(rows.find((x) => x[col('name')] === 'delta')![col('phones')]).toBe('+8613800138001');
      const east = await h.call('GET', '/customers/export?format=csv&region=east&status=active');
      expect(parseCsv(east.text.slice(1)).length).toBe(2);
    });

    it('exports XLSX that exceljs reads back; agents may not export; bad format is a 400', async () => {
      const r = await h.call('GET', '/customers/export?format=xlsx&tag=roster&sort=name&order=desc');
      expect(r.status, r.text.slice(0, 200)).toBe(200);
      expect(String(r.headers['content-type'])).toContain('spreadsheetml');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.raw as unknown as ExcelJS.Buffer);
      const ws = wb.getWorksheet('Customers')!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const nameCol = header.indexOf('name') + 1;
      const names: unknown[] = [];
      ws.eachRow((row, n) => { if (n > 1) names.push(row.getCell(nameCol).value); });
      expect(names).toEqual(['echo', 'delta', 'Charlie', 'bravo', 'alpha']);
      const charlie = ws.getRow(4);
      expect(charlie.getCell(header.indexOf('company') + 1).value).toBe('=HYPERLINK("http://evil.example","x")');
      expect(charlie.getCell(header.indexOf('company') + 1).type).toBe(ExcelJS.ValueType.String);
      expect((await h.call('GET', '/customers/export?format=xlsx', { key: h.agent })).status).toBe(403);
      expect((await h.call('GET', '/customers/export?format=pdf')).body.error.message).toContain('querystring.format');
    });

    it('refuses an export over crm.exportMaxRows with 422', async () => {
      const small = await startTestApp({ config: { crm: { exportMaxRows: 2 } } });
      try {
        for (const n of ['a', 'b', 'c']) await small.call('POST', '/customers', { body: { name: n } });
        const r = await small.call('GET', '/customers/export?format=csv');
        expect(r.status).toBe(422);
        expect(r.body.error.message).toContain('crm.exportMaxRows');
        expect((await small.call('GET', '/customers/export?format=csv&q=a')).status).toBe(200);
      } finally { await small.close(); }
    });
  });

  describe('duplicates and merge', () => {
    it('finds every table that references customers(id) in sql/', async () => {
      const grepped = new Set<string>();
      for (const f of readdirSync('sql').filter((x) => x.endsWith('.sql'))) {
        const text = readFileSync(`sql/${f}`, 'utf8');
        for (const m of text.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
          for (const line of m[2]!.split('\n')) {
            const col = /^\s*(\w+) uuid[^,]*REFERENCES customers\(id\)/.exec(line);
            if (col) grepped.add(`${m[1]}.${col[1]}`);
          }
        }
      }
      expect(grepped.size).toBeGreaterThanOrEqual(8);
      const found = new Set((await customerReferences(h.db)).map((r) => `${r.table}.${r.column}`));
      for (const g of grepped) expect(found, g).toContain(g);
    });

    it('lists customers sharing a number and merges them keeping every row that pointed at them', async () => {
      const a = (await h.call('POST', '/customers', { body: { name: 'Zhou Min', phones: [{ number: '139 0000 1111', label: 'mobile' }], tags: ['dup'], basic: { kind: 'person' } } })).body;
      const b = (await h.call('POST', '/customers', { body: { name: '周敏', email: 'zhou@example.com', tier: 'vip', phones: [{ number: '+86 139-0000-1111' }, { number: '010 8888 9999', label: 'work' }], tags: ['dup', 'beijing'], characteristics: { region: 'north' }, basic: { kind: 'company', founded: '2010-10-10' }, custom: { score: 3 } } })).body;
      const c = (await h.call('POST', '/customers', { body: { name: 'Zhou M.', phones: [{ number: '13900001111' }], address: 'Beijing' } })).body;
      const dups = await h.call('GET', '/customers/duplicates?limit=50');
      expect(dups.status, dups.text).toBe(200);
      const group = dups.body.items.find((g: { number: string }) => g.number === '+8613900001111');
      expect(group.customers.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id, c.id].sort());
      expect((await h.call('GET', '/customers/duplicates', { key: h.agent })).status).toBe(403);

      // Rows of every kind pointing at b and c.
      const note = (await h.call('POST', `/customers/${b.id}/interactions`, { body: { kind: 'note', summary: 'called about invoice' } })).body;
      const callId = randomUUID();
      await h.repos.calls.create({ id: callId, lineId: 'demo', direction: 'inbound', state: 'ended', number: '+8613900001111', startedAt: new Date() });
      await h.repos.calls.update(callId, { customerId: c.id, endedAt: new Date() });
      await h.db.query(`INSERT INTO interactions(id, customer_id, kind, ref_id, summary) VALUES ($1, $2, 'call', $3, 'inbound call')`, [randomUUID(), c.id, callId]);
      await h.db.query(`INSERT INTO sms_messages(id, direction, number, text, status, customer_id) VALUES ($1, 'inbound', '+8613900001111', '你好', 'received', $2)`, [randomUUID(), b.id]);
      await h.db.query(`INSERT INTO faxes(id, direction, number, status, customer_id) VALUES ($1, 'inbound', '+861088889999', 'received', $2)`, [randomUUID(), b.id]);
      await h.db.query(`INSERT INTO complaints(id, customer_id, call_id, summary) VALUES ($1, $2, $3, 'rude')`, [randomUUID(), c.id, callId]);
      await h.db.query(`INSERT INTO call_surveys(call_id, customer_id, score) VALUES ($1, $2, 2)`, [callId, c.id]);

      expect((await h.call('POST', '/customers/merge', { body: { into: a.id, from: [a.id, b.id] } })).status).toBe(409);
      const missing = randomUUID();
      const nf = await h.call('POST', '/customers/merge', { body: { into: a.id, from: [b.id, missing] } });
      expect(nf.status).toBe(404);
      expect(nf.body.error.message).toContain(missing);
      expect((await h.call('POST', '/customers/merge', { body: { into: 'nope', from: [b.id] } })).body.error.message).toContain('body.into');
      expect((await h.call('POST', '/customers/merge', { body: { into: a.id, from: [] } })).status).toBe(400);
      expect((await h.call('POST', '/customers/merge', { key: h.agent, body: { into: a.id, from: [b.id] } })).status).toBe(403);
      // nothing moved by the refused attempts
      expect((await h.call('GET', `/customers/${b.id}`)).status).toBe(200);

      const m = await h.call('POST', '/customers/merge', { body: { into: a.id, from: [b.id, c.id] } });
      expect(m.status, m.text).toBe(200);
      expect(m.body.merged).toEqual([b.id, c.id]);
      expect(m.body.moved).toMatchObject({ 'calls.customer_id': 1, 'sms_messages.customer_id': 1, 'faxes.customer_id': 1, 'complaints.customer_id': 1, 'call_surveys.customer_id': 1, 'interactions.customer_id': 2 });
      const s = m.body.customer;
      expect(s).toMatchObject({ id: a.id, name: 'Zhou Min', email: 'zhou@example.com', tier: 'vip', address: 'Beijing', tags: ['dup', 'beijing'],
        basic: { kind: 'person', founded: '2010-10-10' }, characteristics: { region: 'north' }, custom: { score: 3 } });
      expect(s.phones).toEqual([{ number: '+8613900001111', label: 'mobile' }, { number: '+861088889999', label: 'work' }]);
      expect((await h.call('GET', `/customers/${b.id}`)).status).toBe(404);
      expect((await h.call('GET', `/customers/${c.id}`)).status).toBe(404);
      expect((await h.call('GET', '/customers?phone=010-8888-9999')).body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);

      const timeline = (await h.call('GET', `/customers/${a.id}/interactions?limit=50`)).body.items;
      expect(timeline.map((i: { id: string }) => i.id)).toContain(note.id);
      expect(timeline.filter((i: { kind: string }) => i.kind === 'call')).toHaveLength(1);
      const mergeNote = timeline.find((i: { summary: string }) => i.summary.startsWith('Merged 2 duplicate records'));
      expect(mergeNote.summary).toContain('周敏');
      expect((await h.call('GET', `/calls?customer=${a.id}`)).body.items.map((x: { id: string }) => x.id)).toEqual([callId]);
      for (const t of ['sms_messages', 'faxes', 'complaints', 'call_surveys']) {
        const r = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE customer_id = $1`, [a.id]);
        expect(r.rows[0]!.n, t).toBe(1);
      }
      const after = await h.call('GET', '/customers/duplicates?limit=50');
      expect(after.body.items.find((g: { number: string }) => g.number === '+8613900001111')).toBeUndefined();
    });
  });
});
