/**
 * Text refuses NUL and lone surrogates on every route, before the database
 * sees it (PostgreSQL answered 500 DB_ERROR); free-form JSON is bounded in
 * size and depth. Each case must be a 400 BAD_REQUEST naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const flow = (name: string) => ({
  id: 'nul-test', name, entry: 'bye',
  nodes: { bye: { type: 'hangup' } },
});

describe(`text fields and free-form JSON on ${testDbKind()}`, () => {
  let h: TestApp;
  let customerId: string;
  beforeAll(async () => {
    h = await startTestApp();
    customerId = (await h.call('POST', '/customers', { body: { name: 'Ok' } })).body.id;
  });
  afterAll(async () => { await h?.close(); });

  const bad = ['\u0000', '\uD800', 'x\uDC00y'];
  const cases: Array<[string, string, string, (s: string) => unknown, string]> = [
    ['customers', 'POST', '/customers', (s) => ({ name: `A${s}B` }), 'body.name'],
    ['customer attributes', 'POST', '/customers', (s) => ({ name: 'A', attributes: { note: { deep: [`x${s}`] } } }), 'body.attributes.note.deep.0'],
    ['contacts', 'POST', '/contacts', (s) => ({ name: 'A', company: `C${s}` }), 'body.company'],
    ['users', 'POST', '/users', (s) => ({ username: 'nul-user', displayName: `D${s}`, role: 'agent', password: 'a-long-password-1' }), 'body.displayName'],
    ['agents', 'POST', '/agents', (s) => ({ id: 'a1', name: `N${s}` }), 'body.name'],
    ['blacklist', 'POST', '/blacklist', (s) => ({ number: '13800138000', reason: `R${s}` }), 'body.reason'],
    ['interactions', 'POST', '/customers/:id/interactions', (s) => ({ kind: 'note', summary: `S${s}` }), 'body.summary'],
    ['flows', 'POST', '/ivr/flows', (s) => flow(`F${s}`), 'body.name'],
    ['flow validation', 'POST', '/ivr/flows/validate', (s) => flow(`F${s}`), 'body.name'],
  ];

  for (const [what, method, path, body, field] of cases) {
    it(`${what}: NUL and lone surrogates are a 400 naming ${field}`, async () => {
      for (const s of bad) {
        const r = await h.call(method, path.replace(':id', customerId), { body: body(s) });
        expect(r.status, `${what} ${JSON.stringify(s)}`).toBe(400);
        expect(r.body.error.code).toBe('BAD_REQUEST');
        expect(r.body.error.details.field).toBe(field);
        expect(r.body.error.message).toMatch(new RegExp(`^${field.replaceAll('.', '\\.')}: must (not contain NUL|be valid Unicode)`));
      }
    });
  }

  it('a NUL in a key of free-form JSON, in the query string and in a path parameter', async () => {
    const key = await h.call('POST', '/customers', { body: { name: 'A', attributes: { 'a\u0000b': 1 } } });
    expect(key.status).toBe(400);
    expect(key.body.error.details.field).toBe('body.attributes.a\\u0000b');
    const q = await h.call('GET', `/customers?q=${encodeURIComponent('a\u0000b')}`);
    expect(q.status).toBe(400);
    expect(q.body.error.details.field).toBe('querystring.q');
    const p = await h.call('GET', '/contacts/%00');
    expect(p.status).toBe(400);
    expect(p.body.error.details.field).toBe('params.id');
  });

  it('a NUL inside an imported CSV file is reported by line; the other records are imported, none with a NUL', async () => {
    const r = await h.call('POST', '/contacts/import', { body: 'name,phone\nA\u0000,13800138000\nB,13800138001\n', type: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([expect.objectContaining({ line: 2 })]);
    const list = await h.call('GET', '/contacts?limit=100');
    expect(list.body.items.some((c: { name: string }) => c.name === 'B')).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain('\\u0000');
  });

  it('well-formed text outside the BMP is kept', async () => {
    const r = await h.call('POST', '/customers', { body: { name: '𠮷野家 😀', attributes: { tag: '𝄞' } } });
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('𠮷野家 😀');
  });

  it('free-form JSON: at most 16 KiB, 100 keys and 32 levels, else a 400 naming the field', async () => {
    const big = await h.call('POST', '/customers', { body: { name: 'A', attributes: { blob: 'x'.repeat(17 * 1024) } } });
    expect(big.status).toBe(400);
    expect(big.body.error.details).toEqual([expect.objectContaining({ field: 'body.attributes', message: expect.stringMatching(/at most 16384 bytes/) })]);
    const data = await h.call('POST', `/customers/${customerId}/interactions`, { body: { kind: 'note', summary: 's', data: { blob: 'x'.repeat(17 * 1024) } } });
    expect(data.status).toBe(400);
    expect(data.body.error.details[0].field).toBe('body.data');
    const keys = await h.call('PATCH', `/customers/${customerId}`, { body: { attributes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) } });
    expect(keys.status).toBe(400);
    const deep = `${'['.repeat(100_000)}"leaf"${']'.repeat(100_000)}`;
    const nested = await h.call('POST', '/customers', { body: `{"name":"A","attributes":{"deep":${deep}}}` });
    expect(nested.status).toBe(400);
    expect(nested.body.error.message).toMatch(/nested deeper than 32 levels/);
    const fine = await h.call('POST', '/customers', { body: { name: 'A', attributes: { a: { b: { c: [1, 2, 3] } }, s: 'x'.repeat(8000) } } });
    expect(fine.status).toBe(201);
  });
});
