/**
 * /scorecards through HTTP: bad input answered by 400s naming the field,
 * who sees what (an agent only their own card and appeals), the period's
 * life refusing what its state does not allow, overdue appeals, a rejected
 * appeal leaving the score alone, a team month with its own items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testDbKind } from '../helpers/db.ts';

const individual = (over: Record<string, unknown> = {}) => ({
  items: [
    { kpi: 'answered', target: 2, weight: 60, rule: { type: 'linear', max: 120 } },
    { kpi: 'handleMs', target: 60000, weight: 40, rule: { type: 'linear', max: 100 } },
  ],
  ...over,
});

describe(`scorecards API on ${testDbKind()}`, () => {
  let t: TestApp;
  let a1: string;
  let a2: string;
  let sup: string;
  let integrator: string;
  let schemeId: string;
  let periodId: string;
  let card1: string;
  let card2: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.db.query("INSERT INTO teams(id, name) VALUES ('t1', 'Team 1'), ('t2', 'Team 2')");
    await t.db.query("INSERT INTO agents(id, name, team_id) VALUES ('a1', 'A1', 't1'), ('a2', 'A2', 't2')");
    a1 = (await t.repos.keys.create('agent', 'a1', { agentId: 'a1' })).key;
    a2 = (await t.repos.keys.create('agent', 'a2', { agentId: 'a2' })).key;
    sup = (await t.repos.keys.create('supervisor', 'sup')).key;
    integrator = (await t.repos.keys.create('integrator', 'bi')).key;
    for (const [agent, talkS] of [['a1', 60], ['a1', 60], ['a2', 120]] as const) {
      const start = new Date('2026-11-10T08:00:00Z');
      await t.db.query(`INSERT INTO calls(id, line_id, direction, state, agent_id, started_at, answered_at, ended_at) VALUES ($1,'l1','inbound','ended',$2,$3,$4,$5)`,
        [randomUUID(), agent, start, new Date(start.getTime() + 1000), new Date(start.getTime() + 1000 + talkS * 1000)]);
    }
  });
  afterAll(async () => { await t?.close(); });

  const expectField = (r: { status: number; body: any; text: string }, field: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.status, r.text).toBe(400);
    const fields = [r.body.error.details?.field, ...(r.body.error.details?.problems ?? []).map((p: { field: string }) => p.field), ...(Array.isArray(r.body.error.details) ? r.body.error.details.map((d: { field: string }) => d.field) : [])];
    expect(fields, r.text).toContain(field);
    expect(r.body.error.message).toContain(field);
  };

  it('scheme bad input: 400s that name the field', async () => {
    const post = (body: unknown) => t.call('POST', '/scorecards/schemes', { body });
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ items: [{ kpi: 'answered', target: 2, weight: 50, rule: { type: 'linear', max: 120 } }] }) }), 'body.definition.items');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ grades: { A: 90, B: 95, C: 70, D: 60 } }) }), 'body.definition.grades.B');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ parts: { kpi: 50, review: 30 } }) }), 'body.definition.parts');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ reviewWeights: { self: 30, supervisor: 60 } }) }), 'body.definition.reviewWeights');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ items: [{ kpi: 'answered', target: 2, weight: 'lots', rule: { type: 'linear', max: 120 } }] }) }), 'body.definition.items.0.weight');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ items: [{ kpi: 'answered', target: 2, weight: 100, rule: { type: 'linear', max: 120 }, bonus: 1 }] }) }), 'body.definition.items.0.bonus');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ items: [{ kpi: 'smiles', target: 2, weight: 100, rule: { type: 'linear', max: 120 } }] }) }), 'body.definition.items.0.kpi');
    expectField(await post({
      name: 'x', kind: 'individual',
      definition: individual({ items: [{ kpi: 'complaints', target: 0, weight: 100, rule: { type: 'bands', bands: [{ limit: 2, score: 50 }, { limit: 0, score: 100 }] } }] }),
    }), 'body.definition.items.0.rule.bands.1.limit');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ teamSchemeId: randomUUID(), boundByTeam: true }) }), 'body.definition.teamSchemeId');
    expectField(await post({ name: 'x', kind: 'individual', definition: individual({ boundByTeam: true }) }), 'body.definition.teamSchemeId');
    expectField(await post({ name: 'x', kind: 'team', definition: { items: [{ kpi: 'answered', level: 5 }] } }), 'body.definition.items.0.level');
    expectField(await post({ name: 'x', kind: 'team', definition: { items: [{ kpi: 'answered', level: 4 }], grades: { A: 92, B: 95 } } }), 'body.definition.grades.B');
    expectField(await post({ name: 'x', kind: 'team', definition: 'all of them' }), 'body.definition');
    expectField(await post({ name: 'x', kind: 'club', definition: {} }), 'body.kind');
    expectField(await post({ name: 'x', kind: 'team', definition: { items: [] }, owner: 'me' }), 'body.owner');
    expectField(await post({ name: 'x', kind: 'team', definition: { items: [{ kpi: 'answered', level: 4 }], conversionOutcomes: ['sale', 'x\u0000y'] } }), 'body.definition.conversionOutcomes.1');
    expectField(await post({ name: 'a\u0000b', kind: 'team', definition: { items: [{ kpi: 'answered', level: 4 }] } }), 'body.name');
  });

  it('schemes CRUD; a period keeps the definition it was made with; periods: month, zone, bounds and duplicates', async () => {
    const s = await t.call('POST', '/scorecards/schemes', { key: sup, body: { name: 'Monthly', kind: 'individual', definition: individual({ complaintDeduction: 50 }) } });
    expect(s.status, s.text).toBe(201);
    schemeId = s.body.id;
    // defaults filled in
    expect(s.body.definition).toMatchObject({ parts: { kpi: 70, review: 30 }, reviewWeights: { self: 30, supervisor: 70 }, grades: { A: 90, B: 80, C: 70, D: 60 }, appealDays: 7, boundByTeam: false });
    expect((await t.call('POST', '/scorecards/schemes', { key: a1, body: { name: 'Mine', kind: 'team', definition: { items: [{ kpi: 'answered', level: 1 }] } } })).status).toBe(403);

    const bad = (body: unknown) => t.call('POST', '/scorecards/periods', { body });
    expectField(await bad({ schemeId, month: '2026-13' }), 'body.month');
    expectField(await bad({ schemeId, month: '2026-11', timeZone: 'Mars/Olympus' }), 'body.timeZone');
    expectField(await bad({ schemeId }), 'body.from');
    expectField(await bad({ schemeId, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }), 'body.to');
    expectField(await bad({ schemeId, month: '2026-11', items: [{ kpi: 'answered', level: 2 }] }), 'body.items');
    const p = await t.call('POST', '/scorecards/periods', { key: sup, body: { schemeId, month: '2026-11', timeZone: 'Asia/Shanghai' } });
    expect(p.status, p.text).toBe(201);
    expect(p.body).toMatchObject({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z', state: 'open', kind: 'individual' });
    periodId = p.body.id;
    expect((await t.call('POST', '/scorecards/periods', { body: { schemeId, month: '2026-11', timeZone: 'Asia/Shanghai' } })).status).toBe(409);

    const put = await t.call('PUT', `/scorecards/schemes/${schemeId}`, { body: { name: 'Monthly v2', definition: individual({ complaintDeduction: 20 }) } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.definition.complaintDeduction).toBe(20);
    expect((await t.call('GET', `/scorecards/periods/${periodId}`)).body.definition.complaintDeduction).toBe(50);
    expectField(await t.call('PUT', `/scorecards/schemes/${schemeId}`, { body: { name: 'v3', definition: individual({ grades: { A: 50, B: 60, C: 40, D: 30 } }) } }), 'body.definition.grades.B');
    expect((await t.call('DELETE', `/scorecards/schemes/${schemeId}`)).status).toBe(409);

    const list = await t.call('GET', '/scorecards/schemes?limit=1');
    expect(list.body.items).toHaveLength(1);
    expect((await t.call('GET', '/scorecards/schemes?limit=1', { key: a1 })).status).toBe(403);
    expect((await t.call('GET', '/scorecards/schemes?limit=1', { key: integrator })).status).toBe(200);
  });

  it('the period refuses what its state does not allow', async () => {
    expect((await t.call('POST', `/scorecards/periods/${periodId}/publish`)).status).toBe(409);
    expect((await t.call('POST', `/scorecards/periods/${periodId}/close-reviews`)).body.error.message).toBe('cannot closeReviews a period that is open (only when computed)');
    expect((await t.call('POST', `/scorecards/periods/${periodId}/compute`, { key: a1 })).status).toBe(403);
    const c = await t.call('POST', `/scorecards/periods/${periodId}/compute`, { key: sup });
    expect(c.status, c.text).toBe(200);
    expect(c.body.computedAt).not.toBeNull();
    expect((await t.call('DELETE', `/scorecards/periods/${periodId}`)).status).toBe(409);
    const cards = (await t.call('GET', `/scorecards/periods/${periodId}/results`)).body.cards;
    card1 = cards.find((x: { agentId: string }) => x.agentId === 'a1').id;
    card2 = cards.find((x: { agentId: string }) => x.agentId === 'a2').id;
  });

  it('reviews: an agent gives only their own self-review; supervisor reviews are for supervisors; scores bounded', async () => {
    const review = (key: string, body: unknown) => t.call('PUT', `/scorecards/periods/${periodId}/reviews`, { key, body });
    expect((await review(a1, { agentId: 'a1', kind: 'self', score: 88 })).status).toBe(200);
    const other = await review(a1, { agentId: 'a2', kind: 'self', score: 100 });
    expect(other.status).toBe(403);
    expect(other.body.error.details.field).toBe('body.agentId');
    const boss = await review(a1, { agentId: 'a1', kind: 'supervisor', score: 100 });
    expect(boss.status).toBe(403);
    expect(boss.body.error.details.field).toBe('body.kind');
    expect((await review(sup, { agentId: 'a1', kind: 'self', score: 100 })).status).toBe(403);
    expectField(await review(sup, { agentId: 'a1', kind: 'supervisor', score: 101 }), 'body.score');
    expectField(await review(sup, { agentId: 'a1', kind: 'supervisor', score: '9x' }), 'body.score');
    expect((await review(sup, { agentId: 'nobody', kind: 'supervisor', score: 50 })).status).toBe(404);
    expect((await review(sup, { agentId: 'a1', kind: 'supervisor', score: 75.5, comment: '不错' })).status).toBe(200);
    expectField(await t.call('POST', `/scorecards/periods/${periodId}/deductions`, { key: sup, body: { agentId: 'a1', points: -3, reason: 'x' } }), 'body.points');
    expectField(await t.call('POST', `/scorecards/periods/${periodId}/deductions`, { key: sup, body: { agentId: 'a1', points: 3 } }), 'body.reason');
    expect((await t.call('POST', `/scorecards/periods/${periodId}/deductions`, { key: a1, body: { agentId: 'a2', points: 3, reason: 'x' } })).status).toBe(403);
    const card = (await t.call('GET', `/scorecards/${card1}`)).body;
    expect(card).toMatchObject({ selfScore: 88, supervisorScore: 75.5, reviewScore: 79.25 });
    expect(card.history.map((h: { reason: string }) => h.reason)).toEqual(['computed', 'self-review: 88', 'supervisor review: 75.5']);
    expect((await t.call('POST', `/scorecards/periods/${periodId}/close-reviews`)).status).toBe(200);
    expect((await review(a1, { agentId: 'a1', kind: 'self', score: 99 })).status).toBe(409);
    expect((await t.call('POST', `/scorecards/periods/${periodId}/reopen`)).body.state).toBe('computed');
    expect((await t.call('POST', `/scorecards/periods/${periodId}/close-reviews`)).status).toBe(200);
  });

  it('an agent sees only their own card and appeals', async () => {
    expect((await t.call('GET', `/scorecards/${card1}`, { key: a1 })).status).toBe(200);
    const theirs = await t.call('GET', `/scorecards/${card2}`, { key: a1 });
    expect(theirs.status).toBe(403);
    expect(theirs.text).not.toContain('"total"');
    expect((await t.call('GET', `/scorecards/${card2}/appeals`, { key: a1 })).status).toBe(403);
    const mine = await t.call('GET', '/scorecards', { key: a1 });
    expect(mine.body.items.map((c: { agentId: string }) => c.agentId)).toEqual(['a1']);
    expect((await t.call('GET', '/scorecards?agentId=a2', { key: a1 })).status).toBe(403);
    expect((await t.call('GET', `/scorecards/periods/${periodId}/results`, { key: a1 })).status).toBe(403);
    expect((await t.call('GET', '/scorecards', { key: t.agent })).status).toBe(403); // an agent key bound to no agent
    expect((await t.call('GET', '/scorecards?agentId=a2')).body.items.map((c: { agentId: string }) => c.agentId)).toEqual(['a2']);
    expect((await t.call('GET', `/scorecards/${randomUUID()}`, { key: a1 })).status).toBe(404);
  });

  it('appeals: only once published, only by the card\'s agent, answered once; overdue shows; a rejected appeal leaves the score', async () => {
    expect((await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: 'too early' } })).status).toBe(409);
    expect((await t.call('POST', `/scorecards/periods/${periodId}/publish`)).body.state).toBe('published');
    expect((await t.call('POST', `/scorecards/${card2}/appeals`, { key: a1, body: { reason: 'not mine' } })).status).toBe(403);
    expect((await t.call('POST', `/scorecards/${card1}/appeals`, { body: { reason: 'as admin' } })).status).toBe(403);
    expectField(await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: '' } }), 'body.reason');
    expectField(await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: 'x'.repeat(2001) } }), 'body.reason');
    expect((await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: 'that deduction', deductionId: randomUUID() } })).status).toBe(404);
    const before = (await t.call('GET', `/scorecards/${card1}`)).body;
    const ap = await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: 'my handle time was measured wrong' } });
    expect(ap.status, ap.text).toBe(201);
    expect((await t.call('POST', `/scorecards/${card1}/appeals`, { key: a1, body: { reason: 'again' } })).status).toBe(409);
    const ap2 = await t.call('POST', `/scorecards/${card2}/appeals`, { key: a2, body: { reason: 'rank' } });
    expect(ap2.status).toBe(201);
    // a1's appeal was filed eight days ago: past its seven days.
    await t.db.query("UPDATE scorecard_appeals SET created_at = now() - interval '8 days', due_at = now() - interval '1 day' WHERE id = $1", [ap.body.id]);
    const overdue = await t.call('GET', '/scorecards/appeals?overdue=true', { key: sup });
    expect(overdue.body.items.map((a: { id: string; overdue: boolean }) => [a.id, a.overdue])).toEqual([[ap.body.id, true]]);
    expect((await t.call('GET', '/scorecards/appeals?overdue=false', { key: sup })).body.items.map((a: { id: string }) => a.id)).toEqual([ap2.body.id]);
    expect((await t.call('GET', '/scorecards/appeals', { key: a2 })).body.items.map((a: { id: string }) => a.id)).toEqual([ap2.body.id]);
    expect((await t.call('GET', '/scorecards/appeals?agentId=a1', { key: a2 })).status).toBe(403);
    expect((await t.call('GET', `/scorecards/${card1}/appeals`, { key: a1 })).body.items[0]).toMatchObject({ id: ap.body.id, overdue: true, status: 'open' });

    expect((await t.call('POST', `/scorecards/${card1}/appeals/${ap.body.id}/decision`, { key: a1, body: { status: 'upheld', answer: 'self-serve', adjustment: 50 } })).status).toBe(403);
    expectField(await t.call('POST', `/scorecards/${card1}/appeals/${ap.body.id}/decision`, { body: { status: 'maybe', answer: 'x' } }), 'body.status');
    expect((await t.call('POST', `/scorecards/${card2}/appeals/${ap.body.id}/decision`, { body: { status: 'rejected', answer: 'x' } })).status).toBe(404);
    const no = await t.call('POST', `/scorecards/${card1}/appeals/${ap.body.id}/decision`, { key: sup, body: { status: 'rejected', answer: 'the recording confirms the time' } });
    expect(no.status, no.text).toBe(200);
    expect(no.body).toMatchObject({ status: 'rejected', overdue: false, answer: 'the recording confirms the time' });
    expect((await t.call('POST', `/scorecards/${card1}/appeals/${ap.body.id}/decision`, { key: sup, body: { status: 'upheld', answer: 'changed my mind', adjustment: 5 } })).status).toBe(409);
    const after = (await t.call('GET', `/scorecards/${card1}`)).body;
    expect(after.total).toBe(before.total);
    expect(after.history).toHaveLength(before.history.length);
  });

  it('a team month with its own items; an integrator reads results', async () => {
    const s = await t.call('POST', '/scorecards/schemes', { body: { name: '小组', kind: 'team', definition: { items: [{ kpi: 'answered', level: 1 }] } } });
    expect(s.status, s.text).toBe(201);
    expect(s.body.definition.grades).toEqual({ A: 92 });
    const p = await t.call('POST', '/scorecards/periods', { body: { schemeId: s.body.id, month: '2026-11', items: [{ kpi: 'answered', level: 3 }, { kpi: 'handleMs', level: 2 }] } });
    expect(p.status, p.text).toBe(201);
    await t.call('POST', `/scorecards/periods/${p.body.id}/compute`);
    const r = await t.call('GET', `/scorecards/periods/${p.body.id}/results`, { key: integrator });
    expect(r.status).toBe(200);
    // t1 (a1): 2 answered, handle 61 s; t2 (a2): 1 answered, handle 121 s → t1 first on both: 2×3 + 2×2 = 10; t2: 1×3 + 1×2 = 5.
    expect(r.body.teams.map((x: { teamId: string; total: number; rank: number; grade: string }) => [x.teamId, x.total, x.rank, x.grade])).toEqual([['t1', 10, 1, 'A'], ['t2', 5, 2, 'B']]);
    expect((await t.call('PUT', `/scorecards/periods/${p.body.id}/reviews`, { body: { agentId: 'a1', kind: 'supervisor', score: 1 } })).status).toBe(422);
    // An individual scheme for team t1 only: a card for a1 alone.
    const only = await t.call('POST', '/scorecards/schemes', { body: { name: 'Team 1 only', kind: 'individual', definition: individual({ teamIds: ['t1'] }) } });
    expect(only.status, only.text).toBe(201);
    const op = await t.call('POST', '/scorecards/periods', { body: { schemeId: only.body.id, month: '2026-11' } });
    await t.call('POST', `/scorecards/periods/${op.body.id}/compute`);
    expect((await t.call('GET', `/scorecards/periods/${op.body.id}/results`)).body.cards.map((c: { agentId: string }) => c.agentId)).toEqual(['a1']);
    const periods = await t.call('GET', '/scorecards/periods?limit=1', { key: a1 });
    expect(periods.status).toBe(200);
    expect(periods.body.next).not.toBeNull();
    expect((await t.call('GET', `/scorecards/periods?limit=1&cursor=${periods.body.next}`)).body.items[0].id).not.toBe(periods.body.items[0].id);
  });
});
