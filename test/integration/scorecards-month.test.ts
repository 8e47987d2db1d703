/**
 * A hand-computed month (November 2026, UTC) for five agents in four teams,
 * through HTTP: records seeded (calls, agent legs, complaints, surveys,
 * customers), the team (小组) scheme and the individual scheme computed,
 * reviewed, deducted, published and appealed; every figure checked exactly
 * against the computation written out below.
 *
 * Teams: red = a1 + a2, blue = a3, green = a4, gold = a5.
 *
 * Records in the month (each answered call: an agent leg ringing `ring` ms, talk, wrap-up). The call figures are the
 * statistics engine's (one source, docs/statistics.md): answer speed = the caller's wait (start → answer, no queue here),
 * talk = the agent leg's answer → end, wrap-up = the agent's wrap-up state after the call (agent_state_history, as the
 * daemon records it; calls.wrapped_at is written too). The month is November in UTC (timeZone given: the default is
 * the office's zone).
 * | agent | answered | ring ms | talk s | wrap s | handle ms | conv. (sale/renewal) | complaints counted        | churned | surveys   |
 * | a1    | 4        | 3000    | 200    | 40     | 240000    | 2 (sale)             | 0 (1 rejected: not)        | 0       | 5,5,4,4   |
 * | a2    | 2        | 6000    | 300    | 60     | 360000    | 0                    | 0                          | 1       | 3         |
 * | a3    | 5        | 2000    | 150    | 30     | 180000    | 1 (renewal)          | 0 (1 in October: not)      | 0       | 5,5       |
 * | a4    | 3        | 5000    | 240    | 60     | 300000    | 0                    | 2 (1 substantiated, 1 open)| 1       | 4         |
 * | a5    | 1        | 8000    | 400    | 80     | 480000    | 0                    | 0                          | 2       | –         |
 * Not counted: a1's missed call (never answered) and unanswered leg, a3's call on 31 October,
 * a1's customer lost in October, a3's customer not lost.
 *
 * KPI values: conversion a1 2/4 = 0.5, a3 1/5 = 0.2, others 0; survey a1 18/4 = 4.5, a2 3, a3 5, a4 4, a5 none.
 *
 * Individual scheme (weights 20/15/15/20/10/10/10; parts KPI 70 % / review 30 %; reviews self 30 % / supervisor 70 %;
 * −10 per substantiated complaint; grades A ≥ 90, B ≥ 70, C ≥ 45, D ≥ 40; bounded by the team's grade):
 * | item                     | rule                                    | a1         | a2            | a3         | a4        | a5         |
 * | answered, target 4       | linear, max 120                         | 100 → 20   | 50 → 10       | 125→120 → 24| 75 → 15  | 25 → 5     |
 * | responseMs, target 4000  | linear lower, max 120 (100×4000/v)      | 133→120 →18| 66.67 → 10.00 | 200→120 →18| 80 → 12   | 50 → 7.5   |
 * | handleMs                 | bands ≤200000:100 ≤300000:80 ≤400000:50 | 80 → 12    | 50 → 7.5      | 100 → 15   | 80 → 12   | 0 → 0      |
 * | conversion, target 0.5   | linear, max 120                         | 100 → 20   | 0 → 0         | 40 → 8     | 0 → 0     | 0 → 0      |
 * | complaints               | bands ≤0:100 ≤1:60 ≤2:20                | 100 → 10   | 100 → 10      | 100 → 10   | 20 → 2    | 100 → 10   |
 * | churn                    | bands ≤0:100 ≤1:50                      | 100 → 10   | 50 → 5        | 100 → 10   | 50 → 5    | 0 → 0      |
 * | survey, target 5         | linear, max 100                         | 90 → 9     | 60 → 6        | 100 → 10   | 80 → 8    | none 0 → 0 |
 * | KPI score                |                                         | 99         | 48.5          | 95         | 54        | 22.5       |
 * | self / supervisor        |                                         | 90 / 80    | – / 60        | 100 / 90   | 80 / 90   | 100 / 100  |
 * | review score             | 0.3 self + 0.7 sup.                     | 83         | 42            | 93         | 87        | 100        |
 * | 0.7 KPI + 0.3 review     |                                         | 69.3+24.9  | 33.95+12.6    | 66.5+27.9  | 37.8+26.1 | 15.75+30   |
 * | deductions               |                                         | 0          | −5 (manual)   | 0          | −10 (compl.)| 0        |
 * | total                    |                                         | 94.2       | 41.55         | 94.4       | 53.9      | 45.75      |
 * | rank                     |                                         | 2          | 5             | 1          | 3         | 4          |
 * | own grade / team / grade |                                         | A / A / A  | D / A / D     | A / A / A  | C / C / C | C / D / D  |
 *
 * Team scheme (N = 4 teams; levels answered 4, responseMs 4, handleMs 3, conversion 4, complaints 4, churn 4, survey 4;
 * points = (N − rank + 1) × level; ties share the better rank; no value: 0). Pooled values:
 * red: answered 6, response (4×3000+2×6000)/6 = 4000, handle (4×240000+2×360000)/6 = 280000, conversion 2/6 = 0.3333,
 * complaints 0, churn 1, survey 21/5 = 4.2; blue: 5, 2000, 180000, 0.2, 0, 0, 5; green: 3, 5000, 300000, 0, 2, 1, 4;
 * gold: 1, 8000, 480000, 0, 0, 2, none.
 * | item (level)     | red            | blue           | green          | gold           |
 * | answered (4)     | 1st 16         | 2nd 12         | 3rd 8          | 4th 4          |
 * | responseMs (4)   | 2nd 12         | 1st 16         | 3rd 8          | 4th 4          |
 * | handleMs (3)     | 2nd 9          | 1st 12         | 3rd 6          | 4th 3          |
 * | conversion (4)   | 1st 16         | 2nd 12         | =3rd 8         | =3rd 8         |
 * | complaints (4)   | =1st 16        | =1st 16        | 4th 4          | =1st 16        |
 * | churn (4)        | =2nd 12        | 1st 16         | =2nd 12        | 4th 4          |
 * | survey (4)       | 2nd 12         | 1st 16         | 3rd 8          | 4th (none) 0   |
 * | total            | 93             | 100            | 54             | 39             |
 * | rank / grade     | 2 / A (≥ 92)   | 1 / A          | 3 / C          | 4 / D          |
 *
 * Then, published: a4 appeals the complaint deduction (upheld: −10 voided → 63.9, still rank 3, C); a2 appeals the
 * whole card (upheld with +5 → 46.55: own grade C, red is A so C stays; rank 4, which puts a5 at rank 5). Each change
 * leaves a change row with who, when and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testDbKind } from '../helpers/db.ts';
import type { KefuEvent } from '../../src/core/events/bus.ts';

const T = (iso: string) => new Date(iso);
const AGENTS = { a1: 'red', a2: 'red', a3: 'blue', a4: 'green', a5: 'gold' } as const;
type AgentId = keyof typeof AGENTS;

describe(`scorecards: a hand-computed month on ${testDbKind()}`, () => {
  let t: TestApp;
  const keys = {} as Record<AgentId, string>;
  let supervisor: string;
  const events: KefuEvent[] = [];

  const q = (sql: string, params: unknown[] = []) => t.db.query(sql, params);

  async function answeredCall(agent: AgentId, start: Date, o: { ring: number; talk: number; wrap: number; outcome?: string | null; survey?: number }): Promise<void> {
    const id = randomUUID();
    const answered = new Date(start.getTime() + o.ring);
    const ended = new Date(answered.getTime() + o.talk * 1000);
    const wrapped = new Date(ended.getTime() + o.wrap * 1000);
    await q(`INSERT INTO calls(id, line_id, direction, number, state, disposition, agent_id, started_at, answered_at, ended_at, wrapped_at, outcome)
             VALUES ($1,'l1','inbound','+8613800138000','ended','answered',$2,$3,$4,$5,$6,$7)`, [id, agent, start, answered, ended, wrapped, o.outcome ?? null]);
    await q(`INSERT INTO call_legs(id, call_id, kind, agent_id, started_at, answered_at, ended_at) VALUES ($1,$2,'agent',$3,$4,$5,$6)`,
      [randomUUID(), id, agent, start, answered, ended]);
    if (o.wrap > 0) await q("INSERT INTO agent_state_history(agent_id, state, call_id, started_at, ended_at) VALUES ($1,'wrap-up',$2,$3,$4)", [agent, id, ended, wrapped]);
    if (o.survey !== undefined) await q('INSERT INTO call_surveys(call_id, agent_id, score, at) VALUES ($1,$2,$3,$4)', [id, agent, o.survey, wrapped]);
  }

  async function complaint(agent: AgentId, status: string, at: string): Promise<string> {
    const id = randomUUID();
    await q('INSERT INTO complaints(id, agent_id, status, summary, created_at) VALUES ($1,$2,$3,$4,$5)', [id, agent, status, `complaint about ${agent}`, T(at)]);
    return id;
  }

  async function customer(owner: AgentId, churnedAt: string | null): Promise<void> {
    await q('INSERT INTO customers(id, name, owner_id, churned_at) VALUES ($1,$2,$3,$4)', [randomUUID(), `customer of ${owner}`, owner, churnedAt ? T(churnedAt) : null]);
  }

  let substantiated: string;
  let teamPeriod: string;
  let period: string;
  let cards: Record<AgentId, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    t = await startTestApp();
    t.bus.subscribe((e) => { if (e.type.startsWith('scorecard.')) events.push(e); });
    for (const team of new Set(Object.values(AGENTS))) await q('INSERT INTO teams(id, name) VALUES ($1,$2)', [team, team]);
    for (const [a, team] of Object.entries(AGENTS)) {
      await q('INSERT INTO agents(id, name, team_id) VALUES ($1,$2,$3)', [a, a, team]);
      keys[a as AgentId] = (await t.repos.keys.create('agent', a, { agentId: a })).key;
    }
    supervisor = (await t.repos.keys.create('supervisor', 'lead')).key;

    const day = (d: number, h = 10) => T(`2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`);
    // a1: 4 answered (2 sales), surveys 5,5,4,4; a missed call and an unanswered leg.
    for (const [i, s] of [5, 5, 4, 4].entries()) await answeredCall('a1', day(2 + i), { ring: 3000, talk: 200, wrap: 40, outcome: i < 2 ? 'sale' : 'info', survey: s });
    const missed = randomUUID();
    await q(`INSERT INTO calls(id, line_id, direction, state, disposition, agent_id, started_at, ended_at) VALUES ($1,'l1','inbound','ended','missed','a1',$2,$3)`, [missed, day(9), day(9, 11)]);
    await q(`INSERT INTO call_legs(id, call_id, kind, agent_id, started_at, ended_at) VALUES ($1,$2,'agent','a1',$3,$4)`, [randomUUID(), missed, day(9), day(9, 11)]);
    // a2: 2 answered, survey 3
    await answeredCall('a2', day(3), { ring: 6000, talk: 300, wrap: 60, survey: 3 });
    await answeredCall('a2', day(4), { ring: 6000, talk: 300, wrap: 60, outcome: 'info' });
    // a3: 5 answered (1 renewal), surveys 5,5; one more on 31 October (not in the month)
    for (let i = 0; i < 5; i++) await answeredCall('a3', day(10 + i), { ring: 2000, talk: 150, wrap: 30, outcome: i === 0 ? 'renewal' : null, ...(i < 2 ? { survey: 5 } : {}) });
    await answeredCall('a3', T('2026-10-31T23:59:59Z'), { ring: 9000, talk: 900, wrap: 0, outcome: 'sale' });
    // a4: 3 answered, survey 4; a5: 1 answered, the call ending in the month's last seconds
    for (let i = 0; i < 3; i++) await answeredCall('a4', day(20 + i), { ring: 5000, talk: 240, wrap: 60, ...(i === 0 ? { survey: 4 } : {}) });
    await answeredCall('a5', T('2026-11-30T23:40:00Z'), { ring: 8000, talk: 400, wrap: 80 });
    // complaints
    await complaint('a1', 'rejected', '2026-11-05T09:00:00Z');
    await complaint('a3', 'substantiated', '2026-10-20T09:00:00Z');
    substantiated = await complaint('a4', 'substantiated', '2026-11-21T09:00:00Z');
    await complaint('a4', 'open', '2026-11-22T09:00:00Z');
    // customers lost
    await customer('a2', '2026-11-15T00:00:00Z');
    await customer('a4', '2026-11-01T00:00:00Z');
    await customer('a5', '2026-11-07T00:00:00Z');
    await customer('a5', '2026-11-29T00:00:00Z');
    await customer('a1', '2026-10-30T00:00:00Z');
    await customer('a3', null);
  });
  afterAll(async () => { await t?.close(); });

  it('the team (小组) scheme: points per item, totals, ranks, grades with the ≥ 92 rule', async () => {
    const scheme = await t.call('POST', '/scorecards/schemes', {
      key: supervisor,
      body: {
        name: '小组考核', kind: 'team',
        definition: {
          items: [
            { kpi: 'answered', level: 4 }, { kpi: 'responseMs', level: 4 }, { kpi: 'handleMs', level: 3 }, { kpi: 'conversion', level: 4 },
            { kpi: 'complaints', level: 4 }, { kpi: 'churn', level: 4 }, { kpi: 'survey', level: 4 },
          ],
          conversionOutcomes: ['sale', 'renewal'], grades: { A: 92 },
        },
      },
    });
    expect(scheme.status, scheme.text).toBe(201);
    const p = await t.call('POST', '/scorecards/periods', { key: supervisor, body: { schemeId: scheme.body.id, month: '2026-11', timeZone: 'UTC' } });
    expect(p.status, p.text).toBe(201);
    expect(p.body).toMatchObject({ label: '2026-11', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', state: 'open' });
    teamPeriod = p.body.id;
    expect((await t.call('POST', `/scorecards/periods/${teamPeriod}/compute`, { key: supervisor })).body.state).toBe('computed');

    const r = await t.call('GET', `/scorecards/periods/${teamPeriod}/results`);
    expect(r.status).toBe(200);
    const byTeam = Object.fromEntries(r.body.teams.map((x: { teamId: string }) => [x.teamId, x]));
    const pts = (team: string) => byTeam[team].items.map((i: { kpi: string; rank: number; points: number }) => [i.kpi, i.rank, i.points]);
    expect(pts('red')).toEqual([['answered', 1, 16], ['responseMs', 2, 12], ['handleMs', 2, 9], ['conversion', 1, 16], ['complaints', 1, 16], ['churn', 2, 12], ['survey', 2, 12]]);
    expect(pts('blue')).toEqual([['answered', 2, 12], ['responseMs', 1, 16], ['handleMs', 1, 12], ['conversion', 2, 12], ['complaints', 1, 16], ['churn', 1, 16], ['survey', 1, 16]]);
    expect(pts('green')).toEqual([['answered', 3, 8], ['responseMs', 3, 8], ['handleMs', 3, 6], ['conversion', 3, 8], ['complaints', 4, 4], ['churn', 2, 12], ['survey', 3, 8]]);
    expect(pts('gold')).toEqual([['answered', 4, 4], ['responseMs', 4, 4], ['handleMs', 4, 3], ['conversion', 3, 8], ['complaints', 1, 16], ['churn', 4, 4], ['survey', 4, 0]]);
    expect(byTeam.red.items.map((i: { value: number | null }) => i.value)).toEqual([6, 4000, 280000, 0.3333, 0, 1, 4.2]);
    expect(byTeam.gold.items.at(-1).value).toBeNull();
    expect(r.body.teams.map((x: { teamId: string; total: number; rank: number; grade: string }) => [x.teamId, x.total, x.rank, x.grade])).toEqual([
      ['blue', 100, 1, 'A'], ['red', 93, 2, 'A'], ['green', 54, 3, 'C'], ['gold', 39, 4, 'D'],
    ]);
  });

  it('the individual scheme: each item, reviews, deductions, totals, ranks and grades bounded by the team', async () => {
    const teamScheme = (await t.call('GET', '/scorecards/schemes?kind=team')).body.items[0].id;
    const scheme = await t.call('POST', '/scorecards/schemes', {
      key: supervisor,
      body: {
        name: '个人考核', kind: 'individual',
        definition: {
          items: [
            { kpi: 'answered', target: 4, weight: 20, rule: { type: 'linear', max: 120 } },
            { kpi: 'responseMs', target: 4000, weight: 15, rule: { type: 'linear', max: 120 } },
            { kpi: 'handleMs', target: 300000, weight: 15, rule: { type: 'bands', bands: [{ limit: 200000, score: 100 }, { limit: 300000, score: 80 }, { limit: 400000, score: 50 }] } },
            { kpi: 'conversion', target: 0.5, weight: 20, rule: { type: 'linear', max: 120 } },
            { kpi: 'complaints', target: 0, weight: 10, rule: { type: 'bands', bands: [{ limit: 0, score: 100 }, { limit: 1, score: 60 }, { limit: 2, score: 20 }] } },
            { kpi: 'churn', target: 0, weight: 10, rule: { type: 'bands', bands: [{ limit: 0, score: 100 }, { limit: 1, score: 50 }] } },
            { kpi: 'survey', target: 5, weight: 10, rule: { type: 'linear', max: 100 } },
          ],
          conversionOutcomes: ['sale', 'renewal'], parts: { kpi: 70, review: 30 }, reviewWeights: { self: 30, supervisor: 70 },
          complaintDeduction: 10, grades: { A: 90, B: 70, C: 45, D: 40 }, appealDays: 5, teamSchemeId: teamScheme, boundByTeam: true,
        },
      },
    });
    expect(scheme.status, scheme.text).toBe(201);
    period = (await t.call('POST', '/scorecards/periods', { key: supervisor, body: { schemeId: scheme.body.id, month: '2026-11', timeZone: 'UTC' } })).body.id;

    // Self-reviews before the figures (kept until compute), by each agent for themselves.
    for (const [a, s] of [['a1', 90], ['a3', 100], ['a4', 80], ['a5', 100]] as const) {
      const r = await t.call('PUT', `/scorecards/periods/${period}/reviews`, { key: keys[a], body: { agentId: a, kind: 'self', score: s } });
      expect(r.status, r.text).toBe(200);
    }
    expect((await t.call('POST', `/scorecards/periods/${period}/compute`, { key: supervisor })).body.state).toBe('computed');
    // Supervisor reviews and a manual deduction after: each recomputes the card.
    for (const [a, s] of [['a1', 80], ['a2', 60], ['a3', 90], ['a4', 90], ['a5', 100]] as const) {
      expect((await t.call('PUT', `/scorecards/periods/${period}/reviews`, { key: supervisor, body: { agentId: a, kind: 'supervisor', score: s, comment: `月度评价 ${a}` } })).status).toBe(200);
    }
    const d = await t.call('POST', `/scorecards/periods/${period}/deductions`, { key: supervisor, body: { agentId: 'a2', points: 5, reason: 'late for three shifts' } });
    expect(d.status, d.text).toBe(201);
    expect((await t.call('POST', `/scorecards/periods/${period}/close-reviews`, { key: supervisor })).body.state).toBe('reviewed');

    const r = await t.call('GET', `/scorecards/periods/${period}/results`);
    cards = Object.fromEntries(r.body.cards.map((c: { agentId: string }) => [c.agentId, c])) as typeof cards;
    const scores = (a: AgentId) => cards[a].items.map((i: { score: number; weighted: number }) => [i.score, i.weighted]);
    expect(scores('a1')).toEqual([[100, 20], [120, 18], [80, 12], [100, 20], [100, 10], [100, 10], [90, 9]]);
    expect(scores('a2')).toEqual([[50, 10], [66.67, 10], [50, 7.5], [0, 0], [100, 10], [50, 5], [60, 6]]);
    expect(scores('a3')).toEqual([[120, 24], [120, 18], [100, 15], [40, 8], [100, 10], [100, 10], [100, 10]]);
    expect(scores('a4')).toEqual([[75, 15], [80, 12], [80, 12], [0, 0], [20, 2], [50, 5], [80, 8]]);
    expect(scores('a5')).toEqual([[25, 5], [50, 7.5], [0, 0], [0, 0], [100, 10], [0, 0], [0, 0]]);
    expect(cards.a1.items.map((i: { value: number | null }) => i.value)).toEqual([4, 3000, 240000, 0.5, 0, 0, 4.5]);
    expect(cards.a5.items.map((i: { value: number | null }) => i.value)).toEqual([1, 8000, 480000, 0, 0, 2, null]);
    const row = (a: AgentId) => { const c = cards[a]; return [c.kpiScore, c.selfScore, c.supervisorScore, c.reviewScore, c.deductions, c.total, c.rank, c.ownGrade, c.teamGrade, c.grade]; };
    expect(row('a1')).toEqual([99, 90, 80, 83, 0, 94.2, 2, 'A', 'A', 'A']);
    expect(row('a2')).toEqual([48.5, null, 60, 42, 5, 41.55, 5, 'D', 'A', 'D']);
    expect(row('a3')).toEqual([95, 100, 90, 93, 0, 94.4, 1, 'A', 'A', 'A']);
    expect(row('a4')).toEqual([54, 80, 90, 87, 10, 53.9, 3, 'C', 'C', 'C']);
    expect(row('a5')).toEqual([22.5, 100, 100, 100, 0, 45.75, 4, 'C', 'D', 'D']);
    expect(r.body.cards.map((c: { agentId: string }) => c.agentId)).toEqual(['a3', 'a1', 'a4', 'a5', 'a2']);
  });

  it('publishes (scorecard.published); appeals: upheld ones change the score, ranks move, every change keeps who, when and why', async () => {
    expect((await t.call('POST', `/scorecards/periods/${period}/publish`, { key: supervisor })).body.state).toBe('published');
    expect(events.find((e) => e.type === 'scorecard.published' && (e.data as { periodId: string }).periodId === period)?.data).toMatchObject({ kind: 'individual', label: '2026-11', results: 5 });

    // a4 appeals the complaint deduction.
    const mine = await t.call('GET', `/scorecards/${cards.a4.id}`, { key: keys.a4 });
    expect(mine.status).toBe(200);
    const ded = mine.body.deductionList.find((x: { complaintId: string | null }) => x.complaintId === substantiated);
    expect(ded).toMatchObject({ kind: 'complaint', points: 10, voidedAt: null });
    const ap = await t.call('POST', `/scorecards/${cards.a4.id}/appeals`, { key: keys.a4, body: { deductionId: ded.id, reason: 'the customer withdrew the complaint' } });
    expect(ap.status, ap.text).toBe(201);
    expect(ap.body).toMatchObject({ status: 'open', overdue: false, deductionId: ded.id, agentId: 'a4' });
    expect(new Date(ap.body.dueAt).getTime() - new Date(ap.body.createdAt).getTime()).toBe(5 * 86_400_000);
    const up = await t.call('POST', `/scorecards/${cards.a4.id}/appeals/${ap.body.id}/decision`, { key: supervisor, body: { status: 'upheld', answer: 'withdrawn by the customer on 25 Nov' } });
    expect(up.status, up.text).toBe(200);
    expect(up.body).toMatchObject({ status: 'upheld', answeredBy: expect.stringContaining('lead') });

    // a2 appeals the whole card: upheld with +5.
    const ap2 = await t.call('POST', `/scorecards/${cards.a2.id}/appeals`, { key: keys.a2, body: { reason: 'two of my calls were booked to a5' } });
    expect(ap2.status, ap2.text).toBe(201);
    const noPoints = await t.call('POST', `/scorecards/${cards.a2.id}/appeals/${ap2.body.id}/decision`, { key: supervisor, body: { status: 'upheld', answer: 'yes' } });
    expect(noPoints.status).toBe(422);
    expect(noPoints.body.error.details.field).toBe('body.adjustment');
    expect((await t.call('POST', `/scorecards/${cards.a2.id}/appeals/${ap2.body.id}/decision`, { key: supervisor, body: { status: 'upheld', answer: 'calls re-booked', adjustment: 5 } })).status).toBe(200);

    const after = Object.fromEntries((await t.call('GET', `/scorecards/periods/${period}/results`)).body.cards.map((c: { agentId: string }) => [c.agentId, c]));
    const row = (a: AgentId) => [after[a].deductions, after[a].adjustments, after[a].total, after[a].rank, after[a].ownGrade, after[a].grade];
    expect(row('a4')).toEqual([0, 0, 63.9, 3, 'C', 'C']);
    expect(row('a2')).toEqual([5, 5, 46.55, 4, 'C', 'C']);
    expect(row('a5')).toEqual([0, 0, 45.75, 5, 'C', 'D']);
    expect(row('a3')).toEqual([0, 0, 94.4, 1, 'A', 'A']);

    const h4 = (await t.call('GET', `/scorecards/${cards.a4.id}`, { key: keys.a4 })).body;
    expect(h4.deductionList.find((x: { id: string }) => x.id === ded.id)).toMatchObject({ voidedBy: expect.stringContaining('lead'), voidReason: expect.stringContaining('withdrawn by the customer') });
    const last4 = h4.history.at(-1);
    expect(last4).toMatchObject({ actor: expect.stringContaining('lead'), reason: `appeal ${ap.body.id} upheld: withdrawn by the customer on 25 Nov`, before: { total: 53.9, deductions: 10 }, after: { total: 63.9, deductions: 0 } });
    expect(Date.parse(last4.at)).not.toBeNaN();
    expect(h4.history[0]).toMatchObject({ reason: 'computed', before: null });
    // a5 moved from 4th to 5th by a2's appeal: its change row says so.
    const h5 = (await t.call('GET', `/scorecards/${cards.a5.id}`)).body.history.at(-1);
    expect(h5).toMatchObject({ reason: expect.stringContaining(`appeal ${ap2.body.id} upheld`), before: { rank: 4 }, after: { rank: 5 } });
    const rows = await q('SELECT count(*)::int AS n FROM scorecard_changes WHERE scorecard_id = $1', [cards.a2.id]);
    expect((rows.rows[0] as { n: number }).n).toBeGreaterThanOrEqual(3);

    expect(events.filter((e) => e.type === 'scorecard.appeal').map((e) => (e.data as { status: string }).status)).toEqual(['open', 'upheld', 'open', 'upheld']);
  });
});
