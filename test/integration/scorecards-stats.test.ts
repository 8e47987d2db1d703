/**
 * One source for KPI figures: the scorecards' call figures are the statistics
 * engine's. For a generated month of calls (test/helpers/stats-month.ts: queue
 * waits, calls across midnight, a re-wrap, a late campaign link, a pruned call,
 * an open call, wrap-ups in the agents' state history), every agent's
 * scorecard values (answered, response = ASA, handle, conversion) equal
 * `GET /stats/kpi?dimension=agent&bucket=none` for the same period: a month in
 * the office's zone (the statistics' daily rollups answer the report, the
 * hourly ones the scorecard), a month in UTC (hourly both), and a period that
 * is not on whole hours (the per-call facts; checked against the generated
 * calls themselves). Team values pool the same sums.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { writeStatsMonth, AGENTS, type GenCall } from '../helpers/stats-month.ts';
import { applyStatsSettings } from '../../src/db/repos/stats-live.ts';
import { agentPeriodSums } from '../../src/db/repos/stats-agents.ts';

// November 2026 in Asia/Shanghai (the office's zone in the test config): 2026-10-31T16:00Z .. 2026-11-30T16:00Z.
const FROM = new Date('2026-10-31T16:00:00Z');
const TO = new Date('2026-11-30T16:00:00Z');
const CONVERSION = ['sale', 'callback'];
const ITEMS = ['answered', 'responseMs', 'handleMs', 'conversion', 'complaints', 'churn', 'survey'] as const;
const round4 = (x: number) => Math.round(x * 10_000 + 1e-9) / 10_000;

type Row = { key: string; answered: number; averageSpeedOfAnswerMs: number | null; averageHandleMs: number | null; talkMs: number; wrapUpMs: number };

describe(`scorecards read the statistics (one source) on ${testDbKind()}`, () => {
  let t: TestApp;
  let calls: GenCall[];
  let individual: string;
  let team: string;

  beforeAll(async () => {
    t = await startTestApp();
    await applyStatsSettings(t.db, { serviceLevelMs: 20_000, ringCycleMs: 6000, timeZone: 'Asia/Shanghai' });
    calls = (await writeStatsMonth(t.db, t.repos, FROM, 30, 6)).calls;
    await t.db.query("INSERT INTO teams(id, name) VALUES ('t1', 'One'), ('t2', 'Two')");
    await t.db.query("UPDATE agents SET team_id = CASE WHEN id = 'a3' THEN 't2' ELSE 't1' END WHERE id = ANY($1::text[])", [AGENTS]);
    const s = await t.call('POST', '/scorecards/schemes', {
      body: {
        name: 'stats', kind: 'individual', definition: {
          items: ITEMS.map((kpi, i) => ({ kpi, target: 1, weight: i === 0 ? 16 : 14, rule: { type: 'linear', max: 120 } })), conversionOutcomes: CONVERSION,
        },
      },
    });
    expect(s.status, s.text).toBe(201);
    individual = s.body.id;
    const ts = await t.call('POST', '/scorecards/schemes', { body: { name: 'teams', kind: 'team', definition: { items: ITEMS.map((kpi) => ({ kpi, level: 2 })), conversionOutcomes: CONVERSION } } });
    expect(ts.status, ts.text).toBe(201);
    team = ts.body.id;
  });
  afterAll(async () => { await t?.close(); });

  async function cards(body: Record<string, unknown>, schemeId = individual) {
    const p = await t.call('POST', '/scorecards/periods', { body: { schemeId, ...body } });
    expect(p.status, p.text).toBe(201);
    const c = await t.call('POST', `/scorecards/periods/${p.body.id}/compute`);
    expect(c.status, c.text).toBe(200);
    const r = await t.call('GET', `/scorecards/periods/${p.body.id}/results`);
    expect(r.status, r.text).toBe(200);
    return { period: p.body as { from: string; to: string }, results: r.body };
  }

  const values = (card: { items: Array<{ kpi: string; value: number | null }> }) => Object.fromEntries(card.items.map((i) => [i.kpi, i.value]));

  async function stats(from: string, to: string, timeZone: string, extra = ''): Promise<Map<string, Row>> {
    const r = await t.call('GET', `/stats/kpi?from=${from}&to=${to}&dimension=agent&bucket=none&timeZone=${timeZone}${extra}`);
    expect(r.status, r.text).toBe(200);
    return new Map((r.body.items as Row[]).map((x) => [x.key, x]));
  }

  async function expectSameAsStats(body: Record<string, unknown>, timeZone: string) {
    const { period, results } = await cards(body);
    const all = await stats(period.from, period.to, timeZone);
    const converted = new Map<string, number>();
    for (const o of CONVERSION) for (const [k, x] of await stats(period.from, period.to, timeZone, `&outcome=${o}`)) converted.set(k, (converted.get(k) ?? 0) + x.answered);
    expect(results.cards.map((c: { agentId: string }) => c.agentId).sort()).toEqual([...AGENTS]);
    for (const card of results.cards) {
      const x = all.get(card.agentId)!;
      expect(x.answered, card.agentId).toBeGreaterThan(0);
      expect(values(card), `${card.agentId} ${timeZone}`).toMatchObject({
        answered: x.answered, responseMs: x.averageSpeedOfAnswerMs, handleMs: x.averageHandleMs, conversion: round4((converted.get(card.agentId) ?? 0) / x.answered),
      });
    }
    return { period, all, converted };
  }

  it('a month in the office zone (the default): every agent\'s values are the /stats/kpi figures', async () => {
    const { period, all } = await expectSameAsStats({ month: '2026-11' }, 'Asia/Shanghai');
    // The scorecard month and the statistics' buckets agree on the office's zone: the same local midnights.
    expect(period).toMatchObject({ from: FROM.toISOString(), to: TO.toISOString() });
    // Wrap-up is in the figures (45 s after each inbound call in a shift): handle is talk + wrap-up per answered call.
    for (const x of all.values()) if (AGENTS.includes(x.key)) expect(x.wrapUpMs).toBeGreaterThan(0);
  });

  it('a month in UTC (hourly rollups, not the statistics zone) gives the /stats/kpi figures of that month', async () => {
    const { period } = await expectSameAsStats({ month: '2026-11', timeZone: 'UTC' }, 'UTC');
    expect(period).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
  });

  it('a team month pools the same sums: team answered and handle are the members\' statistics added', async () => {
    const { results } = await cards({ month: '2026-11' }, team);
    const all = await stats(FROM.toISOString(), TO.toISOString(), 'Asia/Shanghai');
    const byTeam = Object.fromEntries(results.teams.map((x: { teamId: string; items: Array<{ kpi: string; value: number | null }> }) => [x.teamId, values(x)]));
    const pool = (ids: string[]) => {
      const rows = ids.map((id) => all.get(id)!);
      const answered = rows.reduce((s, x) => s + x.answered, 0);
      return { answered, handleMs: Math.round(rows.reduce((s, x) => s + x.talkMs + x.wrapUpMs, 0) / answered) };
    };
    expect(byTeam.t1).toMatchObject(pool(['a1', 'a2']));
    const a3 = all.get('a3')!;
    expect(byTeam.t2).toMatchObject({ ...pool(['a3']), responseMs: a3.averageSpeedOfAnswerMs });
  });

  it('a period off whole hours is answered from the per-call facts, exactly as the generated calls say', async () => {
    const from = new Date(FROM.getTime() + 2 * 86_400_000 + 17 * 60_000 + 123);
    const to = new Date(TO.getTime() - 3 * 86_400_000 - 41 * 60_000);
    expect((await agentPeriodSums(t.db, { from, to, agentIds: AGENTS })).source).toBe('facts');
    const { results } = await cards({ from: from.toISOString(), to: to.toISOString() });
    for (const card of results.cards) {
      const mine = calls.filter((c) => c.agentId === card.agentId && c.endedAt && c.answeredAt && c.disposition === 'answered'
        && c.startedAt >= from && c.startedAt < to);
      const wait = mine.reduce((s, c) => s + (c.queueWaitMs ?? c.answeredAt!.getTime() - c.startedAt.getTime()), 0);
      const sold = mine.filter((c) => CONVERSION.includes(c.outcome ?? '')).length;
      expect(mine.length).toBeGreaterThan(0);
      expect(values(card), card.agentId).toMatchObject({ answered: mine.length, responseMs: Math.round(wait / mine.length), conversion: round4(sold / mine.length) });
    }
    // On whole hours the same question goes to the hourly rollups.
    expect((await agentPeriodSums(t.db, { from: FROM, to: TO, agentIds: AGENTS })).source).toBe('hourly');
  });
});
