/**
 * Follow-up tasks, care plans and complaints through HTTP, on the database
 * KEFU_TEST_DB names: bad input named by field, agents held to their own
 * tasks, idempotent plan runs, progress, timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testDbKind } from '../helpers/db.ts';
import { CareService } from '../../src/services/care/care-service.ts';
import { addDays, addMonths, dayBounds, localDate } from '../../src/core/care/zoned.ts';
import type { KefuEvent } from '../../src/core/events/bus.ts';

const TZ = 'Asia/Shanghai';
const hour = 3_600_000;

describe(`care layer over HTTP on ${testDbKind()}`, () => {
  let t: TestApp;
  let liNa: string;
  let wang: string;
  let vip1: string;
  let vip2: string;
  let regular: string;
  const today = () => localDate(new Date(), TZ);

  beforeAll(async () => {
    t = await startTestApp();
    for (const id of ['li-na', 'wang-wei']) await t.repos.acd.createAgent({ id, name: id });
    liNa = (await t.repos.keys.create('agent', 'li na', { agentId: 'li-na' })).key;
    wang = (await t.repos.keys.create('agent', 'wang', { agentId: 'wang-wei' })).key;
    const mk = async (name: string, body: Record<string, unknown>) => (await t.call('POST', '/customers', { body: { name, ...body } })).body.id as string;
    vip1 = await mk('Zhang San', { tier: 'vip', phones: [{ number: '138 0013 8000' }], attributes: { birthday: `1980-${today().slice(5)}` } });
    vip2 = await mk('Li Si', { tier: 'vip', attributes: { birthday: `1975-${addDays(today(), 1).slice(5)}` } });
    regular = await mk('Wang Wu', { tier: 'regular', attributes: { birthday: `1990-${today().slice(5)}` } });
    await t.db.query("UPDATE customers SET owner_id = 'li-na' WHERE id = $1", [vip1]);
    await t.db.query("UPDATE customers SET owner_id = 'wang-wei' WHERE id = $1", [vip2]);
  });
  afterAll(async () => { await t?.close(); });

  describe('bad input is 400 naming the field', () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/tasks', { kind: 'fax', title: 'x', dueAt: new Date().toISOString() }, 'body.kind'],
      ['POST', '/tasks', { kind: 'call', title: 'x', dueAt: 'tomorrow' }, 'body.dueAt'],
      ['POST', '/tasks', { kind: 'call', title: '', dueAt: new Date().toISOString() }, 'body.title'],
      ['POST', '/tasks', { kind: 'call', title: 'x', dueAt: new Date().toISOString(), colour: 'red' }, 'body.colour'],
      ['POST', '/tasks', { kind: 'call', title: 'x', dueAt: new Date().toISOString(), customerId: randomUUID() }, 'body.customerId'],
      ['POST', '/tasks', { kind: 'call', title: 'x', dueAt: new Date().toISOString(), ownerId: 'nobody' }, 'body.ownerId'],
      ['POST', '/tasks', { kind: 'call', title: 'a\u0000b', dueAt: new Date().toISOString() }, 'body.title'],
      ['POST', '/care-plans', { name: 'p', schedule: { type: 'every', every: 3, unit: 'month', start: '2026-02-30' }, task: { kind: 'call', title: 'x' } }, 'body.schedule.start'],
      ['POST', '/care-plans', { name: 'p', schedule: { type: 'every', every: 0, unit: 'month', start: '2026-02-01' }, task: { kind: 'call', title: 'x' } }, 'body.schedule'],
      ['POST', '/care-plans', { name: 'p', schedule: { type: 'yearly', field: 'birthday' }, task: { kind: 'call', title: 'x', dueTime: '25:00' } }, 'body.task.dueTime'],
      ['POST', '/care-plans', { name: 'p', schedule: { type: 'yearly', field: 'birthday' }, task: { kind: 'call', title: 'x', ownerId: 'ghost' } }, 'body.task.ownerId'],
      ['POST', '/care-plans', { name: 'p', segment: { tier: 'vip' }, schedule: { type: 'yearly', field: 'birthday' }, task: { kind: 'call', title: 'x' } }, 'body.segment.tier'],
      ['POST', '/complaints', { summary: 'rude', agentId: 'ghost' }, 'body.agentId'],
      ['POST', '/complaints', { summary: 'rude', severity: 3 }, 'body.severity'],
    ];
    for (const [method, url, body, field] of cases) {
      it(`${method} ${url} → ${field}`, async () => {
        const r = await t.call(method, url, { body });
        expect(r.status, r.text).toBe(400);
        expect(r.text).toContain(field);
      });
    }
    it('query strings too: due, status, unknown parameters', async () => {
      for (const [q, field] of [['due=yesterday', 'querystring.due'], ['status=late', 'querystring.status'], ['colour=red', 'querystring.colour'], ['owner=a%20b', 'querystring.owner']]) {
        const r = await t.call('GET', `/tasks?${q}`);
        expect(r.status, q).toBe(400);
        expect(r.text).toContain(field);
      }
    });
  });

  describe('tasks', () => {
    it('due today per agent, in the configured time zone', async () => {
      const b = dayBounds(today(), TZ);
      const mk = (owner: string, at: Date, title: string) => t.call('POST', '/tasks', { body: { kind: 'call', title, ownerId: owner, customerId: vip1, dueAt: at.toISOString() } });
      expect((await mk('li-na', new Date(b.start.getTime() + 60_000), 'today early')).status).toBe(201);
      await mk('li-na', new Date(b.end.getTime() - 60_000), 'today late');
      await mk('li-na', new Date(b.end.getTime() + 60_000), 'tomorrow');
      await mk('li-na', new Date(b.start.getTime() - 60_000), 'yesterday');
      await mk('wang-wei', new Date(b.start.getTime() + 60_000), 'wang today');
      const r = await t.call('GET', '/tasks?due=today&owner=li-na');
      expect(r.status).toBe(200);
      expect(r.body.items.map((x: { title: string }) => x.title)).toEqual(['today early', 'today late']);
      const mine = await t.call('GET', '/tasks?due=today', { key: liNa });
      expect(mine.body.items.map((x: { title: string }) => x.title)).toEqual(['today early', 'today late']);
      const overdue = await t.call('GET', '/tasks?status=overdue&owner=li-na');
      expect(overdue.body.items.map((x: { title: string; status: string }) => `${x.title}:${x.status}`)).toContain('yesterday:overdue');
    });

    it('an agent sees and completes only their own tasks', async () => {
      const theirs = (await t.call('POST', '/tasks', { body: { kind: 'visit', title: 'wang visit', ownerId: 'wang-wei', dueAt: new Date(Date.now() + hour).toISOString() } })).body;
      expect((await t.call('GET', `/tasks/${theirs.id}`, { key: liNa })).status).toBe(404);
      expect((await t.call('POST', `/tasks/${theirs.id}/complete`, { key: liNa, body: { outcome: 'done' } })).status).toBe(404);
      expect((await t.call('PATCH', `/tasks/${theirs.id}`, { key: liNa, body: { title: 'mine now' } })).status).toBe(404);
      expect((await t.call('POST', `/tasks/${theirs.id}/cancel`, { key: liNa, body: {} })).status).toBe(404);
      expect((await t.call('GET', '/tasks?owner=wang-wei', { key: liNa })).status).toBe(403);
      expect((await t.call('POST', '/tasks', { key: liNa, body: { kind: 'call', title: 'x', ownerId: 'wang-wei', dueAt: new Date().toISOString() } })).status).toBe(403);
      const all = await t.call('GET', '/tasks?limit=500', { key: liNa });
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.body.items.every((x: { ownerId: string }) => x.ownerId === 'li-na')).toBe(true);
      expect((await t.call('DELETE', `/tasks/${theirs.id}`, { key: liNa })).status).toBe(403);
      // their owner may
      expect((await t.call('POST', `/tasks/${theirs.id}/complete`, { key: wang, body: { outcome: 'visited' } })).body.status).toBe('done');
    });

    it('completing a call task links the call; an agent links only their own calls', async () => {
      const own = (await t.call('POST', '/tasks', { key: liNa, body: { kind: 'call', title: 'call back', customerId: vip1, dueAt: new Date(Date.now() + hour).toISOString() } })).body;
      expect(own.ownerId).toBe('li-na');
      expect(own.customerPhone).toBe('+8613800138000');
      const mine = randomUUID();
      const other = randomUUID();
      await t.repos.calls.create({ id: mine, lineId: 'office', direction: 'outbound', state: 'ended', number: '+8613800138000' });
      await t.repos.calls.update(mine, { agentId: 'li-na' });
      await t.repos.calls.create({ id: other, lineId: 'office', direction: 'outbound', state: 'ended', number: '+8613800138000' });
      await t.repos.calls.update(other, { agentId: 'wang-wei' });
      expect((await t.call('POST', `/tasks/${own.id}/complete`, { key: liNa, body: { outcome: 'x', callId: randomUUID() } })).text).toContain('body.callId');
      expect((await t.call('POST', `/tasks/${own.id}/complete`, { key: liNa, body: { outcome: 'x', callId: other } })).status).toBe(403);
      expect((await t.call('POST', `/tasks/${own.id}/complete`, { key: liNa, body: {} })).text).toContain('body.outcome');
      const done = await t.call('POST', `/tasks/${own.id}/complete`, { key: liNa, body: { outcome: 'renewed', callId: mine } });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'done', outcome: 'renewed', callId: mine, closedBy: 'li-na' });
      expect((await t.call('POST', `/tasks/${own.id}/complete`, { key: liNa, body: { outcome: 'again' } })).status).toBe(409);
      expect((await t.call('PATCH', `/tasks/${own.id}`, { key: liNa, body: { title: 'x' } })).status).toBe(409);
      expect((await t.call('POST', `/tasks/${own.id}/reopen`, { key: liNa })).body.status).toBe('open');
      const timeline = (await t.call('GET', `/customers/${vip1}/interactions?limit=100`)).body.items as Array<{ kind: string; refId: string; summary: string }>;
      const mineT = timeline.filter((i) => i.kind === 'task' && i.refId === own.id).map((i) => i.summary);
      expect(mineT).toEqual(['task reopened: call back', 'task done: call back (renewed)', 'call task: call back']);
    });

    it('a new due time makes a fired task fall due again', async () => {
      const events: KefuEvent[] = [];
      const off = t.bus.subscribe((e) => { if (e.type === 'task.due') events.push(e); });
      const care = new CareService({ repos: t.repos, bus: t.bus, logger: pino({ level: 'silent' }), timezone: TZ, tickS: 60, planRunS: 600 });
      const task = (await t.call('POST', '/tasks', { body: { kind: 'sms', title: 'remind', ownerId: 'li-na', dueAt: new Date(Date.now() - 1000).toISOString() } })).body;
      await care.fireDue();
      await care.fireDue();
      const mine = () => events.filter((e) => (e.data as { taskId: string }).taskId === task.id);
      expect(mine()).toHaveLength(1);
      expect(mine()[0]!.data).toMatchObject({ ownerId: 'li-na', kind: 'sms', title: 'remind' });
      expect((await t.call('GET', `/tasks/${task.id}`)).body.firedAt).not.toBeNull();
      await t.call('PATCH', `/tasks/${task.id}`, { body: { dueAt: new Date(Date.now() - 500).toISOString() } });
      await care.fireDue();
      expect(mine()).toHaveLength(2);
      off();
    });
  });

  describe('care plans', () => {
    it('every VIP called each quarter: one task per customer per occurrence, however many runs', async () => {
      const start = addMonths(today(), -4);
      const plan = await t.call('POST', '/care-plans', {
        body: { name: 'VIP quarterly', segment: { tiers: ['vip'] }, schedule: { type: 'every', every: 3, unit: 'month', start }, task: { kind: 'call', title: 'Quarterly VIP call', fallbackOwnerId: 'li-na', dueTime: '09:00' } },
      });
      expect(plan.status, plan.text).toBe(201);
      const id = plan.body.id as string;
      const other = new CareService({ repos: t.repos, bus: t.bus, logger: pino({ level: 'silent' }), timezone: TZ, tickS: 60, planRunS: 600 });
      const runs = await Promise.all([t.call('POST', `/care-plans/${id}/run`), t.call('POST', `/care-plans/${id}/run`), other.runPlans()]);
      expect(runs[0].body.created + runs[1].body.created).toBe(0); // made when the plan was created
      expect(runs[0].body.occurrence).toBe(addMonths(start, 3));
      const tasks = (await t.call('GET', `/tasks?planId=${id}`)).body.items as Array<{ customerId: string; ownerId: string; occurrence: string; status: string; dueAt: string }>;
      expect(tasks.map((x) => x.customerId).sort()).toEqual([vip1, vip2].sort());
      expect(tasks.find((x) => x.customerId === vip1)!.ownerId).toBe('li-na');
      expect(tasks.find((x) => x.customerId === vip2)!.ownerId).toBe('wang-wei');
      expect(tasks.every((x) => x.occurrence === addMonths(start, 3) && x.status === 'overdue')).toBe(true);
      expect(localDate(new Date(tasks[0]!.dueAt), TZ)).toBe(addMonths(start, 3));
      // a new VIP joins: the next run adds theirs only
      const vip3 = (await t.call('POST', '/customers', { body: { name: 'Zhao Liu', tier: 'vip' } })).body.id as string;
      expect((await t.call('POST', `/care-plans/${id}/run`)).body.created).toBe(1);
      expect((await t.call('POST', `/care-plans/${id}/run`)).body.created).toBe(0);
      let p = (await t.call('GET', `/care-plans/${id}/progress`)).body;
      expect(p).toMatchObject({ occurrence: addMonths(start, 3), next: addMonths(start, 6), created: 3, done: 0, open: 0, overdue: 3 });
      const vip3Task = (await t.call('GET', `/tasks?planId=${id}&customerId=${vip3}`)).body.items[0];
      expect(vip3Task.ownerId).toBe('li-na'); // no owner: the fallback
      await t.call('POST', `/tasks/${vip3Task.id}/complete`, { body: { outcome: 'reached' } });
      p = (await t.call('GET', `/care-plans/${id}/progress`)).body;
      expect(p).toMatchObject({ created: 3, done: 1, overdue: 2 });
      expect((await t.call('GET', `/customers/${vip3}/interactions`)).body.items.map((i: { kind: string }) => i.kind)).toEqual(['task', 'task']);
    });

    it('a birthday greeting: yearly on customers.attributes.birthday, owner from the plan', async () => {
      const plan = await t.call('POST', '/care-plans', {
        body: { name: 'Birthday', segment: {}, schedule: { type: 'yearly', field: 'birthday' }, task: { kind: 'sms', title: 'Birthday greeting', ownerId: 'wang-wei', dueTime: '23:59' } },
      });
      expect(plan.status).toBe(201);
      const tasks = (await t.call('GET', `/tasks?planId=${plan.body.id}`)).body.items as Array<{ customerId: string; ownerId: string; occurrence: string; status: string }>;
      expect(tasks.map((x) => x.customerId).sort()).toEqual([vip1, regular].sort());
      expect(tasks.every((x) => x.ownerId === 'wang-wei' && x.occurrence === today() && x.status === 'open')).toBe(true);
      expect((await t.call('POST', `/care-plans/${plan.body.id}/run`)).body.created).toBe(0);
      expect((await t.call('GET', `/care-plans/${plan.body.id}/progress`)).body).toMatchObject({ occurrence: today().slice(0, 4), created: 2, open: 2 });
      // leadDays 1 reaches tomorrow's birthday too
      expect((await t.call('PATCH', `/care-plans/${plan.body.id}`, { body: { schedule: { type: 'yearly', field: 'birthday', leadDays: 1 } } })).status).toBe(200);
      expect((await t.call('POST', `/care-plans/${plan.body.id}/run`)).body.created).toBe(1);
    });

    it('plans are for admins and supervisors: agents get 403', async () => {
      expect((await t.call('GET', '/care-plans', { key: liNa })).status).toBe(403);
      expect((await t.call('GET', '/care-plans')).body.items.length).toBe(2);
    });
  });

  describe('call surveys', () => {
    it('stored against the call, its customer and its agent; a second answer replaces the first; the timeline has each', async () => {
      const callId = randomUUID();
      await t.repos.calls.create({ id: callId, lineId: 'office', direction: 'inbound', state: 'ended', number: '+8613800138000' });
      await t.repos.calls.update(callId, { agentId: 'li-na', customerId: vip1 });
      expect(await t.repos.surveys.record(callId, 3)).toMatchObject({ callId, customerId: vip1, agentId: 'li-na', score: 3 });
      expect(await t.repos.surveys.record(callId, 5)).toMatchObject({ score: 5 });
      expect(await t.repos.surveys.forCall(callId)).toMatchObject({ score: 5, agentId: 'li-na' });
      const tl = (await t.call('GET', `/customers/${vip1}/interactions?limit=100`)).body.items.filter((i: { kind: string }) => i.kind === 'survey');
      expect(tl.map((i: { summary: string }) => i.summary)).toEqual(['satisfaction 5/5', 'satisfaction 3/5']);
      await expect(t.repos.surveys.record(callId, 6)).rejects.toThrow();
    });
  });

  describe('complaints', () => {
    it('open → investigating → substantiated → closed, with who and when; the timeline has it', async () => {
      const c = await t.call('POST', '/complaints', { key: liNa, body: { summary: 'Waited 20 minutes on hold', customerId: vip1, agentId: 'wang-wei' } });
      expect(c.status, c.text).toBe(201);
      expect(c.body).toMatchObject({ status: 'open', createdBy: 'li-na', history: [{ from: null, to: 'open', by: 'li-na' }] });
      const id = c.body.id as string;
      expect((await t.call('POST', `/complaints/${id}/transitions`, { key: liNa, body: { to: 'investigating' } })).status).toBe(403);
      expect((await t.call('POST', `/complaints/${id}/transitions`, { body: { to: 'closed' } })).status).toBe(409);
      expect((await t.call('POST', `/complaints/${id}/transitions`, { body: { to: 'investigating', note: 'listening to the recording' } })).body.status).toBe('investigating');
      const s = await t.call('POST', `/complaints/${id}/transitions`, { body: { to: 'substantiated', resolution: 'apologised, coupon' } });
      expect(s.body).toMatchObject({ status: 'substantiated', resolution: 'apologised, coupon' });
      expect(s.body.resolvedAt).not.toBeNull();
      const closed = await t.call('POST', `/complaints/${id}/transitions`, { body: { to: 'closed' } });
      expect(closed.body.history.map((h: { from: string | null; to: string; by: string }) => `${h.from}>${h.to}`)).toEqual(['null>open', 'open>investigating', 'investigating>substantiated', 'substantiated>closed']);
      expect(closed.body.history[1].note).toBe('listening to the recording');
      expect(closed.body.history[1].by).toMatch(/^key:/);
      const tl = (await t.call('GET', `/customers/${vip1}/interactions?limit=100`)).body.items.filter((i: { kind: string }) => i.kind === 'complaint');
      expect(tl).toHaveLength(4);
    });

    it('lists by customer, agent and status; an agent sees the ones against them or recorded by them', async () => {
      await t.call('POST', '/complaints', { body: { summary: 'Wrong invoice', customerId: regular, agentId: 'li-na' } });
      await t.call('POST', '/complaints', { body: { summary: 'Nobody called back', customerId: vip2 } });
      expect((await t.call('GET', `/complaints?customerId=${regular}`)).body.items.map((c: { summary: string }) => c.summary)).toEqual(['Wrong invoice']);
      expect((await t.call('GET', '/complaints?agentId=wang-wei&status=closed')).body.items).toHaveLength(1);
      expect((await t.call('GET', '/complaints?status=open')).body.items).toHaveLength(2);
      const mine = (await t.call('GET', '/complaints', { key: liNa })).body.items.map((c: { summary: string }) => c.summary).sort();
      expect(mine).toEqual(['Waited 20 minutes on hold', 'Wrong invoice']);
      const nobody = (await t.call('GET', '/complaints?status=open')).body.items.find((c: { summary: string }) => c.summary === 'Nobody called back');
      expect((await t.call('GET', `/complaints/${nobody.id}`, { key: liNa })).status).toBe(404);
      expect((await t.call('GET', `/complaints/${nobody.id}`, { key: wang })).status).toBe(404);
    });
  });
});
