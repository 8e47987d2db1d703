/**
 * /campaigns through build() + inject() on a real database (PGlite and
 * PostgreSQL): validation that names the field, lists from CSV (UTF-8 and
 * GBK) and from customers with duplicates merged and bad rows reported,
 * states, the compliance figures from attempt records, and the exports.
 * Dialling itself is tested on the PBX (test/unit/dialer, test/asterisk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe(`campaigns API on ${testDbKind()}`, () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t?.close(); });

  const create = async (body: Record<string, unknown>) => {
    const r = await t.call('POST', '/campaigns', { body });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: string; state: string; settings: Record<string, unknown> };
  };

  it('creates a draft with the rules\' defaults, and refuses settings that break them, naming the field', async () => {
    const c = await create({ name: 'Renewals', mode: 'predictive', settings: { maxLines: 8 } });
    expect(c.state).toBe('draft');
    expect(c.settings).toMatchObject({ ringTimeoutS: 25, abandonCap: 0.03, connectWithinS: 2, maxLines: 8, window: {} });
    const short = await t.call('POST', '/campaigns', { body: { name: 'x', mode: 'progressive', settings: { ringTimeoutS: 10 } } });
    expect(short.status).toBe(400);
    expect(short.text).toContain('ringTimeoutS');
    const cap = await t.call('POST', '/campaigns', { body: { name: 'x', mode: 'predictive', settings: { abandonCap: 0.05 } } });
    expect(cap.status).toBe(400);
    expect(cap.text).toContain('abandonCap');
    const silent = await t.call('POST', '/campaigns', { body: { name: 'x', mode: 'broadcast' } });
    expect(silent.status).toBe(400);
    expect(silent.body.error.details.field).toBe('body.settings.message');
    const keys = await t.call('POST', '/campaigns', { body: { name: 'x', mode: 'broadcast', settings: { message: 'hi', keys: { agent: '1', optOut: '1' } } } });
    expect(keys.status).toBe(400);
    expect(keys.text).toContain('settings.keys');
    const patched = await t.call('PATCH', `/campaigns/${c.id}`, { body: { settings: { ringTimeoutS: 30 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toMatchObject({ ringTimeoutS: 30, maxLines: 8 });
  });

  it('fills the list from CSV in UTF-8 and GBK and from customers: numbers normalised, duplicates merged, bad rows by line', async () => {
    const c = await create({ name: 'List', mode: 'progressive' });
    const utf8 = 'number,name,priority,plan\n138 0013 8000,王芳,5,gold\n+86 138-0013-8000,dup,,\nnot a number,x,,\n13900139000,李娜,abc,\n';
    const r1 = await t.call('POST', `/campaigns/${c.id}/numbers`, { body: utf8, type: 'text/csv' });
    expect(r1.status, r1.text).toBe(200);
    expect(r1.body).toMatchObject({ rows: 4, inserted: 1, duplicates: 1 });
    expect(r1.body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5]);
    // GBK bytes of "号码,姓名\n13700137000,张伟\n" (a spreadsheet saved as CSV on a Chinese Windows)
    const gbk = Buffer.concat([Buffer.from([0xba, 0xc5, 0xc2, 0xeb, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb, 0x0a]), Buffer.from('13700137000,'), Buffer.from([0xd5, 0xc5, 0xce, 0xb0, 0x0a])]);
    const r2 = await t.call('POST', `/campaigns/${c.id}/numbers`, { body: gbk, type: 'text/csv' });
    expect(r2.status, r2.text).toBe(200);
    expect(r2.body).toMatchObject({ rows: 1, inserted: 1, duplicates: 0 });
    const cust = await t.call('POST', '/customers', { body: { name: '赵强', tier: 'vip', phones: [{ number: '010 8888 6666' }, { number: '13800138000' }] } });
    expect(cust.status).toBe(201);
    const r3 = await t.call('POST', `/campaigns/${c.id}/numbers`, { body: { fromCustomers: { tier: 'vip' } } });
    expect(r3.body).toMatchObject({ rows: 2, inserted: 1, duplicates: 1 });
    const list = await t.call('GET', `/campaigns/${c.id}/numbers?limit=10`);
    const byNumber = Object.fromEntries(list.body.items.map((n: { number: string }) => [n.number, n]));
    expect(Object.keys(byNumber).sort()).toEqual(['+861088886666', '+8613700137000', '+8613800138000']);
    expect(byNumber['+8613800138000']).toMatchObject({ name: '王芳', priority: 5, state: 'pending', data: { plan: 'gold' } });
    expect(byNumber['+8613700137000'].name).toBe('张伟');
    expect(byNumber['+861088886666'].customerId).toBe(cust.body.id);
    const none = await t.call('POST', `/campaigns/${c.id}/numbers`, { body: {} });
    expect(none.status).toBe(400);
  });

  it('moves through its states only as the rules allow; start needs a line that can dial', async () => {
    const c = await create({ name: 'States', mode: 'progressive' });
    expect((await t.call('POST', `/campaigns/${c.id}/pause`)).status).toBe(409);
    const start = await t.call('POST', `/campaigns/${c.id}/start`);
    expect(start.status).toBe(422);
    expect(start.text).toContain('no line can dial');
    const stop = await t.call('POST', `/campaigns/${c.id}/stop`);
    expect(stop.body.state).toBe('finished');
    expect((await t.call('POST', `/campaigns/${c.id}/start`)).status).toBe(409);
    expect((await t.call('DELETE', `/campaigns/${c.id}`)).status).toBe(204);
    expect((await t.call('GET', `/campaigns/${c.id}`)).status).toBe(404);
  });

  it('computes abandonment from the attempt records and exports the audit as CSV and PDF', async () => {
    const c = await create({ name: 'Audit', mode: 'predictive' });
    await t.call('POST', `/campaigns/${c.id}/numbers`, { body: { numbers: Array.from({ length: 40 }, (_, i) => ({ number: `1380000${String(i).padStart(4, '0')}` })) } });
    const nums = (await t.call('GET', `/campaigns/${c.id}/numbers?limit=100`)).body.items as Array<{ id: string; number: string }>;
    const now = Date.now();
    // 40 live answers in the last hours, 1 abandoned; and 1 abandoned 10 days ago on its own number
    for (const [i, n] of nums.entries()) {
      const a = await t.repos.campaigns.openAttempt({ campaignId: c.id, numberId: n.id, number: n.number, lineId: 'trunk1', agentId: null, placedAt: new Date(now - 3600_000 + i * 1000) });
      const liveAt = new Date(now - 3600_000 + i * 1000 + 8000);
      await t.repos.campaigns.updateAttempt(a.id, { answeredAt: liveAt, liveAt, endedAt: new Date(liveAt.getTime() + 60_000), outcome: i === 7 ? 'abandoned' : 'connected', abandoned: i === 7 });
    }
    const old = await t.repos.campaigns.openAttempt({ campaignId: c.id, numberId: nums[0]!.id, number: nums[0]!.number, lineId: 'trunk1', agentId: null, placedAt: new Date(now - 10 * 86400_000) });
    await t.repos.campaigns.updateAttempt(old.id, { answeredAt: new Date(now - 10 * 86400_000 + 5000), liveAt: new Date(now - 10 * 86400_000 + 5000), endedAt: new Date(now - 10 * 86400_000 + 9000), outcome: 'abandoned', abandoned: true });

    const comp = await t.call('GET', `/campaigns/${c.id}/compliance`);
    expect(comp.status, comp.text).toBe(200);
    expect(comp.body.day).toEqual({ liveAnswered: 40, abandoned: 1, rate: 1 / 40 });
    expect(comp.body.month).toEqual({ liveAnswered: 41, abandoned: 2, rate: 2 / 41 });
    expect(comp.body.withinCap).toBe(false);
    expect(comp.body.abandoned).toHaveLength(2);
    const stats = await t.call('GET', `/campaigns/${c.id}/stats`);
    expect(stats.body).toMatchObject({ numbers: { total: 40 }, outcomes: { connected: 39, abandoned: 2 }, attempts: 41 });

    const csv = await t.call('GET', `/campaigns/${c.id}/compliance/export`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('Last 30 days,2 abandoned of 41 live answers: 4.88 %');
    expect(csv.text.split('\r\n').filter((l) => l.startsWith('+86'))).toHaveLength(2);
    const pdf = await t.call('GET', `/campaigns/${c.id}/compliance/export?format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    const attempts = await t.call('GET', `/campaigns/${c.id}/attempts/export`);
    expect(attempts.text.trim().split('\r\n')).toHaveLength(42);
  });

  it('lets agents read but not run campaigns', async () => {
    const c = await create({ name: 'Roles', mode: 'progressive' });
    expect((await t.call('GET', `/campaigns/${c.id}/stats`, { key: t.agent })).status).toBe(200);
    expect((await t.call('POST', `/campaigns/${c.id}/start`, { key: t.agent })).status).toBe(403);
    expect((await t.call('POST', '/campaigns', { key: t.agent, body: { name: 'x', mode: 'preview' } })).status).toBe(403);
  });
});
