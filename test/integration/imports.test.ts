/**
 * Imports in batches: the event loop keeps serving other requests while a
 * file imports, progress goes out as `import.progress`, the row cap refuses a
 * file whole, and a record the database refuses is reported by line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { EventBus, type KefuEvent } from '../../src/core/events/bus.ts';
import type { App } from '../../src/http/app.ts';

const ROWS = 3000;
const csvOf = (n: number, first = 0) => ['name,mobile', ...Array.from({ length: n }, (_, i) => `客户 ${first + i},139${String(first + i).padStart(8, '0')}`)].join('\n');

describe(`imports in batches on ${testDbKind()}`, () => {
  let t: TestApp;
  let app: App;
  let admin: string;
  const bus = new EventBus();
  const events: Array<KefuEvent<'import.progress'>> = [];
  bus.subscribe((e) => { if (e.type === 'import.progress') events.push(e as KefuEvent<'import.progress'>); });

  const post = async (url: string, body: string, type = 'text/csv') => {
    const r = await t.call('POST', url, { body, type });
    return { status: r.status, body: r.body as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startTestApp({ bus, config: { imports: { maxRows: 5000, batchSize: 200, sliceMs: 5 } } });
    ({ app, admin } = t);
  });

  afterAll(async () => { await t?.close(); });

  it('answers /health while customers import, and reports progress up to the total', async () => {
    events.length = 0;
    let imported = false;
    let healthBeforeEnd: boolean | null = null;
    // When the first batch is written, ask /health: it must be answered before the import ends.
    const firstProgress = new Promise<void>((resolve) => { const off = bus.subscribe((e) => { if (e.type === 'import.progress') { off(); resolve(); } }); });
    const health = firstProgress.then(async () => {
      const r = await app.inject({ method: 'GET', url: '/api/v1/health' });
      healthBeforeEnd = !imported;
      return r.statusCode;
    });
    const r = await post('/customers/import', csvOf(ROWS)).finally(() => { imported = true; });
    expect(r).toEqual({ status: 200, body: { rows: ROWS, imported: ROWS, skipped: 0, errors: [] } });
    expect(await health).toBe(200);
    expect(healthBeforeEnd).toBe(true);
    const last = events.at(-1)!.data;
    expect(last).toMatchObject({ kind: 'customers', done: ROWS, total: ROWS, imported: ROWS, skipped: 0, finished: true });
    expect(events.map((e) => e.data.done)).toEqual([...events.map((e) => e.data.done)].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.data.importId)).size).toBe(1);
    const found = await app.inject({ method: 'GET', url: `/api/v1/customers?phone=${encodeURIComponent('139 0000 2999')}`, headers: { authorization: `Bearer ${admin}` } });
    expect(JSON.parse(found.body).items[0]).toMatchObject({ name: '客户 2999', phones: [{ number: '+8613900002999' }] });
    // A second import of the same file skips every record (known numbers), across batches.
    expect((await post('/customers/import', csvOf(ROWS))).body).toMatchObject({ rows: ROWS, imported: 0, skipped: ROWS });
  });

  it('refuses a file over imports.maxRows whole, before writing anything', async () => {
    const r = await post('/contacts/import', csvOf(5001, 100_000));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringMatching(/5001 lines after the header; an import takes at most 5000 \(imports\.maxRows\)/) } });
    expect(JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: `Bearer ${admin}` } })).body).items).toEqual([]);
    const bl = await post('/blacklist/import', Array.from({ length: 5001 }, (_, i) => `137${String(i).padStart(8, '0')}`).join('\n'));
    expect(bl.status).toBe(400);
  });

  it('reads a CSV saved as GBK (Chinese spreadsheets) as well as UTF-8; an unknown charset is a 400 naming it', async () => {
    // 王芳 and 张伟 in GBK: CD F5 B7 BC, D5 C5 CE B0 (not valid UTF-8, so read as GB18030)
    const gbk = Buffer.concat([Buffer.from('name,mobile\n'), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from(',13912340001\n'), Buffer.from([0xd5, 0xc5, 0xce, 0xb0]), Buffer.from(',13912340002\n')]);
    const r = await t.call('POST', '/customers/import', { body: gbk, type: 'text/csv' });
    expect(r.body).toMatchObject({ imported: 2, skipped: 0 });
    const named = await t.call('POST', '/customers/import', { body: Buffer.concat([Buffer.from('name,mobile\n'), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from(',13912340003\n')]), type: 'text/csv; charset=GBK' });
    expect(named.body).toMatchObject({ imported: 1 });
    const utf8 = await t.call('POST', '/customers/import', { body: Buffer.from('\ufeffname,mobile\n李娜,13912340004\n'), type: 'text/csv' });
    expect(utf8.body).toMatchObject({ imported: 1 });
    for (const [n, name] of [['13912340001', '王芳'], ['13912340002', '张伟'], ['13912340003', '王芳'], ['13912340004', '李娜']]) {
      const found = await t.call('GET', `/customers?phone=${n}`);
      expect((found.body as { items: Array<{ name: string }> }).items.map((c) => c.name)).toEqual([name]);
    }
    const bad = await t.call('POST', '/customers/import', { body: Buffer.from('name,mobile\n'), type: 'text/csv; charset=klingon' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/charset "klingon"/);
  });

  it('reports a record with a NUL by line and imports the rest of its batch', async () => {
    const csv = `${csvOf(300, 200_000)}\nbad\u0000name,13600000001\n`;
    const r = await post('/contacts/import', csv);
    expect(r.body).toEqual({ rows: 301, imported: 300, skipped: 1, errors: [{ line: 302, message: 'contains a NUL character' }] });
  });

  it('imports the blacklist in batches with progress; entries block as they are written', async () => {
    events.length = 0;
    const r = await post('/blacklist/import', Array.from({ length: ROWS }, (_, i) => `135${String(i).padStart(8, '0')}`).join('\n'));
    expect(r.body).toEqual({ rows: ROWS, inserted: ROWS, duplicates: 0, errors: [] });
    expect(events.at(-1)!.data).toMatchObject({ kind: 'blacklist', done: ROWS, total: ROWS, finished: true });
    expect(events.length).toBeGreaterThanOrEqual(1);
    const check = await app.inject({ method: 'GET', url: '/api/v1/blacklist/check?number=13500002999', headers: { authorization: `Bearer ${admin}` } });
    expect(JSON.parse(check.body).blocked).toBe(true);
  });
});
