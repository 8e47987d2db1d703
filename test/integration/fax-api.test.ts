/**
 * /api/v1/fax on the database (PGlite and PostgreSQL): faxes as stored by
 * sql/011_fax.sql, listed newest first with cursors, filtered by direction,
 * status and number in any written form; one fax and its document; the
 * document served from the private fax folder; POST /fax validated at the
 * edge (the PDF, the number, the line, the size) before anything is queued;
 * every route declares its roles. Sending itself runs on the lab
 * (test/asterisk/fax.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { makeTestPdf } from '../helpers/fax-pages.ts';

describe(`fax API on ${testDbKind()}`, () => {
  let t: TestApp;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ fax: true, config: { fax: { maxBytes: 200_000 } } });
    const customer = await t.repos.customers.create({ name: '传真客户', phones: [{ number: '+8613800138000' }] } as never);
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      ids.push(id);
      await t.repos.fax.createInbound({ id, number: i % 2 ? '+8613800138000' : '+862188886666', lineId: 'trunk1', customerId: i % 2 ? (customer as { id: string }).id : null, callId: null, detected: 'cng' });
      if (i < 4) {
        mkdirSync(join(t.dir, 'fax', id), { recursive: true });
        const pdf = join(t.dir, 'fax', id, 'received.pdf');
        makeTestPdf(pdf, 1, `inbound ${i}`);
        await t.repos.fax.finish(id, 'received', { ok: true, pages: 1, remoteStationId: `ST ${i}`, resultCode: 'OK', resultText: 'ok', bitRate: 9600 }, { tiffFile: null, pdfFile: `${id}/received.pdf` });
      }
    }
  });
  afterAll(async () => { await t?.close(); });

  it('lists newest first, a page at a time, with filters', async () => {
    const first = await t.call('GET', '/fax?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((f: { id: string }) => f.id)).toEqual([ids[4], ids[3]]);
    const second = await t.call('GET', `/fax?limit=2&cursor=${first.body.next as string}`);
    expect(second.body.items.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);
    const receiving = await t.call('GET', '/fax?status=receiving');
    expect(receiving.body.items.map((f: { id: string }) => f.id)).toEqual([ids[4]]);
    const byNumber = await t.call('GET', `/fax?direction=inbound&number=${encodeURIComponent('138 0013 8000')}`);
    expect(byNumber.body.items.map((f: { id: string }) => f.id)).toEqual([ids[3], ids[1]]);
    expect((await t.call('GET', '/fax?number=12')).status).toBe(400);
    expect((await t.call('GET', '/fax?status=lost')).status).toBe(400);
  });

  it('one fax, its document as PDF, a page as PNG; 404 for what is not there', async () => {
    const f = await t.call('GET', `/fax/${ids[3]}`);
    expect(f.body).toMatchObject({ id: ids[3], direction: 'inbound', status: 'received', pages: 1, remoteStationId: 'ST 3', detected: 'cng', documentUrl: `/api/v1/fax/${ids[3]}/document` });
    expect(f.body).not.toHaveProperty('pdfFile');
    const doc = await t.call('GET', `/fax/${ids[3]}/document`);
    expect(doc.status).toBe(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.raw.equals(readFileSync(join(t.dir, 'fax', ids[3]!, 'received.pdf')))).toBe(true);
    const png = await t.call('GET', `/fax/${ids[3]}/pages/1`);
    expect(png.status).toBe(200);
    expect(png.raw.subarray(1, 4).toString()).toBe('PNG');
    expect((await t.call('GET', `/fax/${ids[3]}/pages/2`)).status).toBe(404);
    expect((await t.call('GET', `/fax/${ids[4]}/document`)).status).toBe(404);
    expect((await t.call('GET', `/fax/${randomUUID()}`)).status).toBe(404);
    expect((await t.call('GET', '/fax/not-a-uuid')).status).toBe(400);
  });

  it('POST /fax checks the PDF, the number, the line and the size at the edge', async () => {
    const pdfPath = join(t.dir, 'one.pdf');
    makeTestPdf(pdfPath, 1);
    const pdf = readFileSync(pdfPath);
    const post = (query: string, body: Buffer | string, type = 'application/pdf') => t.call('POST', `/fax?${query}`, { body, type });
    expect((await post('number=13800138000', 'hello')).body.error.message).toMatch(/document: not a PDF/);
    expect((await post('number=12', pdf)).status).toBe(400);
    expect((await post('', pdf)).status).toBe(400);
    const badLine = await post('number=13800138000&line=office', pdf);
    expect(badLine.status).toBe(400);
    expect(badLine.body.error.message).toMatch(/line: "office" is not a line that can fax/);
    const noLine = await post('number=13800138000', pdf);
    expect(noLine.status).toBe(422);
    expect(noLine.body.error.message).toMatch(/no line can fax/);
    expect((await post('number=13800138000', Buffer.concat([pdf, Buffer.alloc(200_000)]))).status).toBe(413);
    const json = await post('number=13800138000', '{}', 'application/json');
    expect(json.status).toBe(400);
    expect(json.body.error.message).toMatch(/document/);
    expect((await t.call('GET', '/fax?status=queued')).body.items).toEqual([]);
  });

  it('POST /fax refuses a do-not-contact number (the outbound blacklist) before anything is queued', async () => {
    expect((await t.call('POST', '/blacklist', { body: { number: '13800000031', direction: 'outbound', reason: 'asked not to be contacted' } })).status).toBe(201);
    const pdfPath = join(t.dir, 'dnc.pdf');
    makeTestPdf(pdfPath, 1);
    const r = await t.call('POST', '/fax?number=138%200000%200031', { body: readFileSync(pdfPath), type: 'application/pdf' });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/\+8613800000031 is on the do-not-contact list/);
    expect(r.body.error.details).toMatchObject({ field: 'querystring.number', reason: 'do-not-contact' });
    expect((await t.call('GET', '/fax?status=queued')).body.items).toEqual([]);
  });

  it('declares its roles: agents read and send, no key is refused', async () => {
    expect((await t.call('GET', '/fax', { key: t.agent })).status).toBe(200);
    expect((await t.call('GET', '/fax', { key: null })).status).toBe(401);
    const spec = await t.call('GET', '/api/v1/openapi.json');
    expect(spec.body.paths['/api/v1/fax'].post['x-kefu-roles']).toEqual(['admin', 'supervisor', 'agent', 'integrator']);
    expect(spec.body.paths['/api/v1/fax/{id}/document'].get['x-kefu-roles']).toEqual(['admin', 'supervisor', 'agent', 'integrator']);
  });
});
