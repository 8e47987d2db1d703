/**
 * /contacts, /blacklist and /recordings through build() + inject(), against
 * a real database (PGlite and PostgreSQL), plus BlacklistService's delta:
 * changes take effect before the background rebuild, and survive it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type Res, type TestApp } from '../helpers/app.ts';
import type { Repos } from '../../src/db/repos/index.ts';
import { NumberService } from '../../src/services/numbers.ts';
import { BlacklistService } from '../../src/services/blacklist.ts';
import type { App } from '../../src/http/app.ts';

/** A small real WAV: 8 kHz 16-bit mono, `samples` samples of a ramp. */
function wav(samples: number): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE((i * 97) % 32768, i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

describe(`API resources on ${testDbKind()}`, () => {
  let t: TestApp;
  let repos: Repos;
  let blacklist: BlacklistService;
  let app: App;
  let admin: string;
  let agent: string;
  let dir: string;
  const numbers = new NumberService('CN');
  const logger = pino({ level: 'silent' });
  const call = (method: string, url: string, opts?: Parameters<TestApp['call']>[2]): Promise<Res> => t.call(method, url, opts);

  beforeAll(async () => {
    t = await startTestApp();
    ({ repos, blacklist, app, admin, agent, dir } = t);
  });

  afterAll(async () => { await t?.close(); });

  describe('auth and validation', () => {
    it('401 without a key, 403 for an agent on writes', async () => {
      expect((await call('GET', '/contacts', { key: null })).status).toBe(401);
      expect((await call('GET', '/blacklist', { key: null })).body.error.code).toBe('UNAUTHORIZED');
      expect((await call('GET', '/contacts', { key: agent })).status).toBe(200);
      const denied = await call('POST', '/blacklist', { key: agent, body: { number: '13800138000' } });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('FORBIDDEN');
      expect((await call('POST', '/contacts/import', { key: agent, body: 'name\nA\n', type: 'text/csv' })).status).toBe(403);
      expect((await call('DELETE', `/contacts/${randomUUID()}`, { key: agent })).status).toBe(403);
    });

    it('400 naming the field for bad bodies', async () => {
      const bad = await call('POST', '/contacts', { body: { name: 'X', phones: [{ number: '12' }] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.field).toBe('body.phones.0.number');
      const unknown = await call('POST', '/contacts', { body: { name: 'X', colour: 'red' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/body\.colour is not a known field/);
      const both = await call('POST', '/blacklist', { body: { number: '13800138000', prefix: '0755' } });
      expect(both.status).toBe(400);
      expect(both.body.error.details.field).toBe('body.prefix');
      const dir = await call('POST', '/blacklist', { body: { number: '13800138000', direction: 'sideways' } });
      expect(dir.status).toBe(400);
      expect(dir.body.error.message).toMatch(/body\.direction/);
      const prefix = await call('POST', '/blacklist', { body: { prefix: 'abc' } });
      expect(prefix.body.error.details.field).toBe('body.prefix');
    });
  });

  describe('/contacts', () => {
    it('CRUD, and ?phone= in any written form finds the E.164 number', async () => {
      const created = await call('POST', '/contacts', { key: agent, body: {
        name: '王芳', company: 'Acme', title: 'Buyer', email: 'wf@example.com', address: '北京', groups: ['suppliers'],
        phones: [{ number: '+86 138-0013-8000', label: 'mobile' }, { number: '010 8888 8888' }], notes: 'n',
      } });
      expect(created.status).toBe(201);
      expect(created.body.phones).toEqual([{ number: '+8613800138000', label: 'mobile' }, { number: '+861088888888' }]);
      const id = created.body.id as string;
      const found = await call('GET', `/contacts?phone=${encodeURIComponent('138 0013 8000')}`);
      expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await call('GET', '/contacts?q=acme')).body.items).toHaveLength(1);
      expect((await call('GET', '/contacts?group=suppliers')).body.items).toHaveLength(1);
      expect((await call('GET', '/contacts?group=nobody')).body.items).toHaveLength(0);
      expect((await call('GET', `/contacts/${id}`)).body.name).toBe('王芳');
      const patched = await call('PATCH', `/contacts/${id}`, { body: { title: 'Director', phones: [{ number: '13900139000' }] } });
      expect(patched.body).toMatchObject({ title: 'Director', company: 'Acme', phones: [{ number: '+8613900139000' }] });
      expect((await call('GET', '/contacts?phone=13800138000')).body.items).toHaveLength(0);
      const put = await call('PUT', `/contacts/${id}`, { body: { name: 'Wang Fang' } });
      expect(put.body).toMatchObject({ name: 'Wang Fang', company: null, phones: [], groups: [] });
      expect((await call('DELETE', `/contacts/${id}`)).status).toBe(204);
      expect((await call('GET', `/contacts/${id}`)).status).toBe(404);
    });

    it('imports CSV, reporting a bad row by line; a second import skips the same contacts', async () => {
      const csv = '\ufeff姓名,公司,职务,手机,电话,邮箱,地址\r\n张三,华为,经理,13800138001,0755-12345678,zs@example.cn,"深圳, 南山"\r\n' +
        '李四,,,12,,,\r\n"Multi\nLine",X,,13800138002,,,\r\n';
      const r = await call('POST', '/contacts/import', { body: csv, type: 'text/csv; charset=utf-8' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ rows: 3, imported: 2, skipped: 1, errors: [{ line: 3, message: expect.stringMatching(/"12" is not a valid phone number/) }] });
      const zs = (await call('GET', '/contacts?phone=0755 1234 5678')).body.items[0];
      expect(zs).toMatchObject({ name: '张三', company: '华为', title: '经理', address: '深圳, 南山',
        phones: [{ number: '+8613800138001', label: 'mobile' }, { number: '+8675512345678', label: 'tel' }] });
      expect((await call('POST', '/contacts/import', { body: csv, type: 'text/csv' })).body).toMatchObject({ imported: 0, skipped: 3 });
      const bad = await call('POST', '/contacts/import', { body: 'foo,bar\n1,2\n', type: 'text/csv' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/header row/);
    });

    it('imports customers from the same CSV; groups become tags; known numbers are skipped', async () => {
      const csv = 'name,company,mobile,groups\r\n赵六,华为,13700137001,VIP;华南\r\n钱七,,13700137002,\r\n孙八,,99,\r\n';
      const r = await call('POST', '/customers/import', { body: csv, type: 'text/csv' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ imported: 2, skipped: 1, errors: [{ line: 4 }] });
      const zl = (await call('GET', '/customers?phone=137 0013 7001')).body.items[0];
      expect(zl).toMatchObject({ name: '赵六', company: '华为', tags: ['VIP', '华南'], phones: [{ number: '+8613700137001' }] });
      expect((await call('POST', '/customers/import', { body: csv, type: 'text/csv' })).body).toMatchObject({ imported: 0, skipped: 3 });
      expect((await call('POST', '/customers/import', { key: agent, body: csv, type: 'text/csv' })).status).toBe(403);
    });

    it('imports vCard 3.0 and 4.0 with folded lines and quoted-printable', async () => {
      const vcf = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Li Lei', 'ORG:Globex', 'TEL;TYPE=CELL:+86 139 0013 9001', 'EMAIL:li@example.com', 'NOTE:a long no', ' te', 'END:VCARD',
        'BEGIN:VCARD', 'VERSION:2.1', 'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=9F=A9;=E6=A2=85;;;', 'TEL;WORK:021-6234-5678', 'END:VCARD',
        'BEGIN:VCARD', 'VERSION:4.0', 'FN:Bad Number', 'TEL;VALUE=uri:tel:12', 'END:VCARD'].join('\r\n');
      const r = await call('POST', '/contacts/import', { body: vcf, type: 'text/vcard' });
      expect(r.body).toEqual({ rows: 3, imported: 2, skipped: 1, errors: [{ line: 15, message: expect.stringMatching(/"12"/) }] });
      expect((await call('GET', '/contacts?phone=13900139001')).body.items[0]).toMatchObject({ name: 'Li Lei', company: 'Globex', notes: 'a long note' });
      expect((await call('GET', '/contacts?phone=02162345678')).body.items[0]).toMatchObject({ name: '韩梅', phones: [{ number: '+862162345678', label: 'work' }] });
      const plain = await call('POST', '/contacts/import', { body: 'BEGIN:VCARD\nFN:Plain Text\nTEL:13900139002\nEND:VCARD\n', type: 'text/plain' });
      expect(plain.body).toEqual({ rows: 1, imported: 1, skipped: 0, errors: [] });
      await call('DELETE', `/contacts/${(await call('GET', '/contacts?phone=13900139002')).body.items[0].id}`);
      expect((await call('POST', '/contacts/import', { body: { name: 'x' } })).status).toBe(400);
    });

    it('exports CSV and vCard that import back into a fresh address book unchanged', async () => {
      const all = async () => {
        const items: Array<Record<string, unknown>> = [];
        for (let cursor: string | null = ''; cursor !== null;) {
          const p: Res = await call('GET', `/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          items.push(...p.body.items);
          cursor = p.body.next;
        }
        return items.map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest).sort((a, b) => String(a.name).localeCompare(String(b.name)));
      };
      const before = await all();
      expect(before.length).toBe(4);
      for (const format of ['csv', 'vcard'] as const) {
        const file = await call('GET', `/contacts/export?format=${format}`);
        expect(file.status).toBe(200);
        expect(file.headers['content-type']).toBe(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/vcard; charset=utf-8');
        expect(file.headers['content-disposition']).toMatch(/attachment; filename="contacts\.(csv|vcf)"/);
        expect((await call('POST', '/contacts/import', { body: file.text, type: `text/${format}` })).body).toEqual({ rows: 4, imported: 0, skipped: 4, errors: [] });
        for (const c of (await call('GET', '/contacts?limit=500')).body.items) await call('DELETE', `/contacts/${c.id}`);
        expect((await call('POST', '/contacts/import', { body: file.text, type: `text/${format}` })).body).toEqual({ rows: 4, imported: 4, skipped: 0, errors: [] });
        expect(await all()).toEqual(before);
      }
    });
  });

  describe('/blacklist', () => {
    it('adds, rejects duplicates with 409, checks exact and prefix numbers at once', async () => {
      const added = await call('POST', '/blacklist', { body: { number: '138 0013 8000', direction: 'inbound', reason: 'spam' } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ number: '+8613800138000', prefix: null, direction: 'inbound', reason: 'spam' });
      expect((await call('POST', '/blacklist', { body: { number: '+8613800138000', direction: 'inbound' } })).status).toBe(409);
      const exact = await call('GET', '/blacklist/check?number=0086%20138-0013-8000&direction=inbound');
      expect(exact.body).toEqual({ number: '+8613800138000', blocked: true, match: { kind: 'exact', value: '+8613800138000', entry: added.body } });
      expect((await call('GET', '/blacklist/check?number=13800138000&direction=outbound')).body).toMatchObject({ blocked: false, match: null });

      const p = await call('POST', '/blacklist', { body: { prefix: '0755' } });
      expect(p.body).toMatchObject({ prefix: '+86755', number: null, direction: 'both' });
      const viaPrefix = await call('GET', '/blacklist/check?number=0755-12345678', { key: agent });
      expect(viaPrefix.body).toMatchObject({ number: '+8675512345678', blocked: true, match: { kind: 'prefix', value: '+86755', entry: { id: p.body.id } } });
      expect((await call('GET', '/blacklist/check?number=010-12345678')).body.blocked).toBe(false);
      expect((await call('GET', '/blacklist?q=0755')).body.items.map((e: { id: string }) => e.id)).toContain(p.body.id);
      expect((await call('GET', '/blacklist?direction=inbound')).body.items.map((e: { id: string }) => e.id)).toEqual([added.body.id]);

      expect((await call('DELETE', `/blacklist/${p.body.id}`)).status).toBe(204);
      expect((await call('GET', '/blacklist/check?number=0755-12345678')).body).toMatchObject({ blocked: false, match: null });
      expect((await call('DELETE', `/blacklist/${p.body.id}`)).status).toBe(404);
      expect((await call('DELETE', `/blacklist/${added.body.id}`)).status).toBe(204);
      expect((await call('GET', '/blacklist/check?number=13800138000')).body.blocked).toBe(false);
    });

    it('bulk-imports 10k numbers as JSON and blocks them at once; CSV import reports bad lines', async () => {
      const entries = Array.from({ length: 10_000 }, (_, i) => ({ number: `139${String(i).padStart(8, '0')}` }));
      const r = await call('POST', '/blacklist/import', { body: { entries: [...entries, { number: '13900000001' }, { number: 'x' }, { prefix: '400' }] } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ rows: 10_003, inserted: 10_001, duplicates: 1, errors: [{ line: 10_002, message: expect.stringMatching(/^number "x" has no digits/) }] });
      for (const n of ['139 0000 0000', '13900005000', '+86 139 0000 9999', '400-800-8888']) {
        expect((await call('GET', `/blacklist/check?number=${encodeURIComponent(n)}&direction=outbound`)).body.blocked).toBe(true);
      }
      expect((await call('GET', '/blacklist/check?number=13900010000')).body.blocked).toBe(false);
      expect((await call('POST', '/blacklist/import', { body: { entries } })).body).toMatchObject({ inserted: 0, duplicates: 10_000 });

      const csv = 'number,direction,reason\n13700137000,outbound,\n021*,呼入,fraud\n13700137001,sideways,\n12,,\n';
      const c = await call('POST', '/blacklist/import', { body: csv, type: 'text/csv' });
      expect(c.body).toEqual({ rows: 4, inserted: 2, duplicates: 0, errors: [
        { line: 4, message: expect.stringMatching(/direction "sideways"/) }, { line: 5, message: expect.stringMatching(/number "12"/) }] });
      expect((await call('GET', '/blacklist/check?number=021-62345678&direction=inbound')).body.match).toMatchObject({ kind: 'prefix', value: '+8621', entry: { reason: 'fraud' } });
      expect((await call('GET', '/blacklist/check?number=021-62345678&direction=outbound')).body.blocked).toBe(false);
      const plain = await call('POST', '/blacklist/import', { body: '13600136000\n0512*,outbound\n', type: 'text/csv' });
      expect(plain.body).toEqual({ rows: 2, inserted: 2, duplicates: 0, errors: [] });
    });
  });

  describe('BlacklistService delta against the database', () => {
    it('keeps changes in effect across background rebuilds, including rows that overlap', async () => {
      const svc = new BlacklistService(repos.blacklist, numbers, logger, { debounceMs: 10_000, scanChunk: 3000 });
      await svc.start();
      expect(svc.check('13900005000', 'inbound').blocked).toBe(true); // loaded from the DB (the 10k import above)
      expect(svc.stats()).toMatchObject({ rebuilds: 1, pending: 0 });
      const inbound = await svc.add({ number: '13500135000', direction: 'inbound' });
      const both = await svc.add({ number: '13500135000', direction: 'both' });
      expect(svc.check('135 0013 5000', 'outbound')).toEqual({ blocked: true, match: { kind: 'exact', value: '+8613500135000' } });
      await svc.remove(both.id);
      expect(svc.check('13500135000', 'outbound').blocked).toBe(false);
      expect(svc.check('13500135000', 'inbound').blocked).toBe(true);
      // An exact entry removed while a prefix still covers the number: the prefix answers.
      const pre = await svc.add({ prefix: '135', direction: 'outbound' });
      expect(svc.check('13500135000', 'outbound').match).toEqual({ kind: 'prefix', value: '+86135' });
      await svc.remove(inbound.id);
      expect(svc.check('13500135000', 'inbound').blocked).toBe(false);
      expect(svc.stats().pending).toBeGreaterThan(0);
      await svc.rebuildNow();
      expect(svc.stats()).toMatchObject({ rebuilds: 2, pending: 0 });
      expect(svc.check('13500135000', 'inbound').blocked).toBe(false);
      expect(svc.check('13500135000', 'outbound').match).toEqual({ kind: 'prefix', value: '+86135' });
      // The snapshot now holds the 10k numbers; removing one of them works through the delta.
      const row = (await repos.blacklist.find('number', '+8613900005000'))[0]!;
      await svc.remove(row.id);
      expect(svc.check('13900005000', 'inbound').blocked).toBe(false);
      await svc.remove(pre.id);
      expect(svc.check('13500135000', 'outbound').blocked).toBe(false);
      // Rebuilds never lose a change made while the scan runs.
      const during = svc.rebuildNow();
      await svc.add({ number: '13300133000', direction: 'both' });
      await during;
      expect(svc.check('13300133000', 'inbound').blocked).toBe(true);
      expect(svc.check('13900005000', 'inbound').blocked).toBe(false);
      await svc.stop();
    });

    it('debounces: the app service rebuilds in the background after changes', async () => {
      const before = blacklist.stats().rebuilds;
      await blacklist.add({ number: '13100131000', direction: 'both' });
      // an earlier change's rebuild may finish first: wait until the one for this change is done too
      await expect.poll(() => { const st = blacklist.stats(); return st.rebuilds > before && st.pending === 0 && !st.rebuilding; }, { timeout: 10_000 }).toBe(true);
      expect(blacklist.check('13100131000', 'outbound').blocked).toBe(true);
      expect(blacklist.stats().lastRebuildMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('/recordings', () => {
    let recId: string;
    let callId: string;
    const audio = wav(4000);

    beforeAll(async () => {
      callId = randomUUID();
      recId = randomUUID();
      await repos.calls.create({ id: callId, lineId: 'office', direction: 'inbound', state: 'ended', number: '+8613800138000' });
      const customer = await repos.customers.create({ name: '王芳', phones: [] });
      await repos.calls.update(callId, { customerId: customer.id, callerName: 'WANG F' });
      const file = join(dir, 'rec.wav');
      writeFileSync(file, audio);
      await repos.recordings.create({ id: recId, callId, path: file });
      await repos.recordings.complete(recId, { state: 'ready', durationMs: 500, bytes: audio.length, sha256: 'abc' });
    });

    it('lists by call and returns metadata', async () => {
      const list = await call('GET', `/recordings?callId=${callId}`, { key: agent });
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ id: recId, callId, state: 'ready', bytes: audio.length, audioUrl: `/api/v1/recordings/${recId}/audio` });
      // who called, without a second request: number, caller-ID name, line, customer
      expect(list.body.items[0]).toMatchObject({ number: '+8613800138000', callerName: 'WANG F', lineId: 'office', direction: 'inbound', customerName: '王芳' });
      expect((await call('GET', `/recordings/${recId}`)).body).toMatchObject({ number: '+8613800138000', customerName: '王芳', lineId: 'office' });
      expect((await call('GET', `/calls/${callId}`)).body).toMatchObject({ customerName: '王芳', lineId: 'office' });
      expect((await call('GET', `/recordings?callId=${randomUUID()}`)).body.items).toEqual([]);
      expect((await call('GET', `/recordings/${recId}`)).body).not.toHaveProperty('path');
    });

    it('streams the WAV whole and by Range; 416 past the end; 404 when the file is gone', async () => {
      const whole = await app.inject({ method: 'GET', url: `/api/v1/recordings/${recId}/audio`, headers: { authorization: `Bearer ${admin}` } });
      expect(whole.statusCode).toBe(200);
      expect(whole.headers['content-type']).toBe('audio/wav');
      expect(whole.headers['content-length']).toBe(String(audio.length));
      expect(whole.headers['accept-ranges']).toBe('bytes');
      expect(whole.rawPayload.equals(audio)).toBe(true);
      const part = await app.inject({ method: 'GET', url: `/api/v1/recordings/${recId}/audio`, headers: { authorization: `Bearer ${admin}`, range: 'bytes=44-143' } });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 44-143/${audio.length}`);
      expect(part.headers['content-length']).toBe('100');
      expect(part.rawPayload.equals(audio.subarray(44, 144))).toBe(true);
      const tail = await app.inject({ method: 'GET', url: `/api/v1/recordings/${recId}/audio`, headers: { authorization: `Bearer ${admin}`, range: 'bytes=-10' } });
      expect(tail.rawPayload.equals(audio.subarray(audio.length - 10))).toBe(true);
      const open = await app.inject({ method: 'GET', url: `/api/v1/recordings/${recId}/audio`, headers: { authorization: `Bearer ${admin}`, range: `bytes=${audio.length - 4}-` } });
      expect(open.headers['content-range']).toBe(`bytes ${audio.length - 4}-${audio.length - 1}/${audio.length}`);
      const head = await app.inject({ method: 'HEAD', url: `/api/v1/recordings/${recId}/audio`, headers: { authorization: `Bearer ${admin}` } });
      expect([head.statusCode, head.headers['content-length'], head.body]).toEqual([200, String(audio.length), '']);
      const past = await call('GET', `/recordings/${recId}/audio`, { headers: { range: `bytes=${audio.length}-` } });
      expect(past.status).toBe(416);
      expect(past.headers['content-range']).toBe(`bytes */${audio.length}`);
      rmSync(join(dir, 'rec.wav'));
      const gone = await call('GET', `/recordings/${recId}/audio`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('NOT_FOUND');
      expect((await call('GET', `/recordings/${randomUUID()}/audio`)).status).toBe(404);
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json', { key: null })).body;
    for (const p of ['/api/v1/contacts', '/api/v1/contacts/import', '/api/v1/contacts/export', '/api/v1/blacklist/check', '/api/v1/blacklist/import', '/api/v1/recordings/{id}/audio']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths['/api/v1/blacklist'].post.tags).toEqual(['blacklist']);
  });
});
