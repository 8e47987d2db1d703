/**
 * Bodies are bounded by the kind of route: 1 MiB by default, small on the
 * routes that answer without a key (login), larger on the import routes,
 * which also cap the number of records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe(`body limits on ${testDbKind()}`, () => {
  let h: TestApp;
  beforeAll(async () => { h = await startTestApp({ config: { imports: { maxRows: 50 } } }); });
  afterAll(async () => { await h?.close(); });

  it('413 PAYLOAD_TOO_LARGE above 1 MiB on an ordinary route', async () => {
    const r = await h.call('POST', '/customers', { body: { name: 'x', notes: 'n'.repeat(1_100_000) } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('the public login route takes a few KiB, not 1 MiB', async () => {
    const r = await h.call('POST', '/auth/login', { key: null, body: { username: 'admin', password: 'p'.repeat(8 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const small = await h.call('POST', '/auth/login', { key: null, body: { username: 'nobody', password: 'wrong-password' } });
    expect(small.status).toBe(401);
  });

  it('an import of 2 MiB is taken (import limit), one of more records than imports.maxRows is a 400', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const big = `name,phone,notes\nA,13800138000,${padding.slice(0, 9000)}\n# ${padding}\n`;
    const ok = await h.call('POST', '/contacts/import', { body: big, type: 'text/csv' });
    expect(ok.status).not.toBe(413);
    const rows = ['name,phone', ...Array.from({ length: 60 }, (_, i) => `P${i},1380013${String(i).padStart(4, '0')}`)].join('\n');
    for (const path of ['/contacts/import', '/customers/import', '/blacklist/import']) {
      const r = await h.call('POST', path, { body: path === '/blacklist/import' ? rows.split('\n').slice(1).map((l) => l.split(',')[1]).join('\n') : rows, type: 'text/csv' });
      expect(r.status, path).toBe(400);
      expect(r.body.error.details, path).toMatchObject({ field: 'body', maxRows: 50 });
    }
    const json = await h.call('POST', '/blacklist/import', { body: { entries: Array.from({ length: 51 }, (_, i) => ({ number: `1380013${String(i).padStart(4, '0')}` })) } });
    expect(json.status).toBe(400);
    expect((await h.call('GET', '/contacts?limit=5')).body.items.map((c: { name: string }) => c.name)).toEqual(['A']);
  });

  it('the server has its time-outs and connection cap', () => {
    expect(h.app.server.headersTimeout).toBe(30_000);
    expect(h.app.server.requestTimeout).toBe(120_000);
    expect(h.app.server.keepAliveTimeout).toBe(5000);
    expect(h.app.server.timeout).toBe(120_000);
    expect(h.app.server.maxConnections).toBe(1024);
  });
});
