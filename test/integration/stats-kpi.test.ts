/**
 * The statistics engine through HTTP on both databases: the rollups equal a
 * plain GROUP BY over the raw call records for a generated month with edge
 * cases, bad parameters are 400s naming the field, CSV and XLSX exports read
 * back, today's live figures, and the per-agent period figures for scorecards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { writeStatsMonth, AGENTS, type GenCall } from '../helpers/stats-month.ts';
import { parseCsv } from '../../src/core/crm/csv.ts';
import { applyStatsSettings, rebuildStats } from '../../src/db/repos/stats-live.ts';
import { agentPeriodSums } from '../../src/db/repos/stats-agents.ts';

// November 2026 in Asia/Shanghai: 2026-10-31T16:00Z .. 2026-11-30T16:00Z.
const FROM = new Date('2026-10-31T16:00:00Z');
const TO = new Date('2026-11-30T16:00:00Z');
const month = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;

describe(`statistics engine on ${testDbKind()}`, () => {
  let h: TestApp;
  let calls: GenCall[];
  beforeAll(async () => {
    h = await startTestApp();
    // The daily rollups in Asia/Shanghai (as stats.timeZone would make them), before any call: the triggers keep them from here on.
    await applyStatsSettings(h.db, { serviceLevelMs: 20_000, ringCycleMs: 6000, timeZone: 'Asia/Shanghai' });
    calls = (await writeStatsMonth(h.db, h.repos, FROM, 30, 6)).calls;
  });
  afterAll(async () => { await h?.close(); });

  it('keeps the rollup table equal to a GROUP BY over the facts of the raw records (both ways, every column)', async () => {
    const diff = async (a: string, b: string) => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ((${a}) EXCEPT ALL (${b})) d`)).rows[0]!.n;
    const rollup = 'SELECT * FROM stats_hourly';
    const grouped = `SELECT hour, agent_id, queue_id, line_id, campaign_id, outcome, direction, sum(calls)::bigint, sum(answered)::bigint, sum(abandoned)::bigint,
      sum(abandon_wait_ms)::bigint, sum(answer_wait_ms)::bigint, sum(sl_met)::bigint, sum(ring1)::bigint, sum(ring2)::bigint, sum(ring3)::bigint, sum(ring4)::bigint,
      sum(ring5)::bigint, sum(talk_ms)::bigint, sum(wrap_ms)::bigint, sum(wraps)::bigint FROM stats_call_facts_v GROUP BY 1, 2, 3, 4, 5, 6, 7`;
    expect(await diff(rollup, grouped)).toBe(0);
    expect(await diff(grouped, rollup)).toBe(0);
    const n = (await h.db.query<{ n: number }>('SELECT sum(calls)::int AS n FROM stats_hourly')).rows[0]!.n;
    expect(n).toBe(calls.filter((c) => c.endedAt).length);
    // The daily rollups are the hourly ones summed per local day; agent time per day is the agent time per hour summed.
    const M = 'calls, answered, abandoned, abandon_wait_ms, answer_wait_ms, sl_met, ring1, ring2, ring3, ring4, ring5, talk_ms, wrap_ms, wraps';
    const sums = M.split(', ').map((m) => `sum(${m})::bigint`).join(', ');
    const daily = `SELECT day, agent_id, queue_id, ${M} FROM stats_daily`;
    const dailyGrouped = `SELECT (hour AT TIME ZONE 'Asia/Shanghai')::date, agent_id, queue_id, ${sums} FROM stats_hourly GROUP BY 1, 2, 3`;
    expect(await diff(daily, dailyGrouped)).toBe(0);
    expect(await diff(dailyGrouped, daily)).toBe(0);
    const ad = 'SELECT day, agent_id, state, ms FROM stats_agent_days WHERE ms <> 0';
    const adGrouped = "SELECT (hour AT TIME ZONE 'Asia/Shanghai')::date, agent_id, state, sum(ms)::bigint FROM stats_agent_hours GROUP BY 1, 2, 3 HAVING sum(ms) <> 0";
    expect(await diff(ad, adGrouped)).toBe(0);
    expect(await diff(adGrouped, ad)).toBe(0);
    // A rebuild from the raw tables gives exactly what the triggers kept.
    const tables = ['stats_hourly ORDER BY 1, 2, 3, 4, 5, 6, 7', 'stats_daily ORDER BY 1, 2, 3', 'stats_call_facts ORDER BY 1'];
    const before = await Promise.all(tables.map(async (t) => (await h.db.query(`SELECT * FROM ${t}`)).rows));
    const hoursBefore = (await h.db.query('SELECT * FROM stats_agent_hours WHERE ms <> 0 ORDER BY 1, 2, 3')).rows;
    await rebuildStats(h.db);
    const after = await Promise.all(tables.map(async (t) => (await h.db.query(`SELECT * FROM ${t}`)).rows));
    expect(after).toEqual(before);
    expect((await h.db.query('SELECT * FROM stats_agent_hours WHERE ms <> 0 ORDER BY 1, 2, 3')).rows).toEqual(hoursBefore);
  });

  it('answers every dimension and bucket from the rollups with the same figures as the plain GROUP BY, in Asia/Shanghai and UTC', async () => {
    // Every dimension by day and over the whole period, and every bucket for everything and per agent (daily and hourly rollups).
    const combos = [
      ...['agent', 'queue', 'line', 'campaign', 'outcome', 'direction', 'all'].flatMap((d) => [[d, 'day'], [d, 'none']]),
      ...['hour', 'week', 'month'].flatMap((b) => [['all', b], ['agent', b]]),
      ['queue', 'week&agent=a1'], ['agent', 'month&queue=sales'],
    ];
    for (const tz of ['Asia/Shanghai', 'UTC']) {
      for (const [dimension, bucket] of combos) {
        {
          const q = `/stats/kpi?${month}&dimension=${dimension}&bucket=${bucket}&timeZone=${tz}`;
          const a = await h.call('GET', q);
          const b = await h.call('GET', `${q}&source=raw`);
          expect(a.status, a.text).toBe(200);
          expect(b.status, b.text).toBe(200);
          expect(a.body.items, `${tz} ${dimension} ${bucket}`).toEqual(b.body.items);
          expect(a.body.totals).toEqual(b.body.totals);
        }
      }
    }
  }, 600_000);

  it('counts like a hand-written GROUP BY over calls and like the generated records', async () => {
    const r = await h.call('GET', `/stats/kpi?${month}&dimension=queue&bucket=none&timeZone=Asia/Shanghai`);
    const plain = await h.db.query<{ q: string; n: number; ans: number; ab: number }>(
      `SELECT coalesce(queue_id, '') AS q, count(*)::int AS n,
         count(*) FILTER (WHERE answered_at IS NOT NULL AND disposition = 'answered')::int AS ans, count(*) FILTER (WHERE disposition = 'abandoned')::int AS ab
       FROM calls WHERE ended_at IS NOT NULL AND started_at >= $1 AND started_at < $2 GROUP BY 1 ORDER BY 1`, [FROM, TO]);
    expect(r.body.items.map((x: { key: string; offered: number; answered: number; abandoned: number }) => [x.key, x.offered, x.answered, x.abandoned]))
      .toEqual(plain.rows.map((x) => [x.q, x.n, x.ans, x.ab]));
    // From the generator's own list: answered within 3 rings of 6 s = wait <= 18 000 ms.
    const ended = calls.filter((c) => c.endedAt);
    const wait = (c: GenCall) => c.queueWaitMs ?? (c.answeredAt!.getTime() - c.startedAt.getTime());
    const within3 = ended.filter((c) => c.disposition === 'answered' && wait(c) <= 18_000).length;
    const all = await h.call('GET', `/stats/kpi?${month}&bucket=none&timeZone=Asia/Shanghai&rings=3`);
    expect(all.body.totals.offered).toBe(ended.length);
    expect(all.body.totals.answeredWithinRings).toBe(within3);
    const sl = ended.filter((c) => c.disposition === 'answered' && wait(c) <= 20_000).length;
    expect(all.body.totals.serviceLevel).toBeCloseTo(sl / ended.length, 12);
    expect(all.body.totals.averageHoldMs).toBeNull();
    const ab = ended.filter((c) => c.disposition === 'abandoned');
    const abWait = ab.reduce((s, c) => s + (c.queueWaitMs ?? c.endedAt!.getTime() - c.startedAt.getTime()), 0);
    expect(all.body.totals.averageAbandonWaitMs).toBe(Math.round(abWait / ab.length));
    // The re-wrapped call counts under its new outcome only; the campaign attempt linked late counts for the campaign.
    const byOutcome = await h.call('GET', `/stats/kpi?${month}&dimension=outcome&bucket=none&timeZone=Asia/Shanghai`);
    const expectOutcome = (o: string) => ended.filter((c) => (c.outcome ?? '') === o).length;
    for (const row of byOutcome.body.items) expect(row.offered, row.key).toBe(expectOutcome(row.key));
    const byCampaign = await h.call('GET', `/stats/kpi?${month}&dimension=campaign&bucket=none&timeZone=Asia/Shanghai`);
    expect(byCampaign.body.items.find((x: { key: string }) => x.key !== '').offered).toBe(ended.filter((c) => c.campaignId).length);
  });

  it('gives agents wrap-up, occupancy and utilisation from their state history, and scorecards the same per-agent figures', async () => {
    const r = await h.call('GET', `/stats/kpi?${month}&dimension=agent&bucket=none&timeZone=Asia/Shanghai`);
    const rows = r.body.items.filter((x: { key: string }) => AGENTS.includes(x.key));
    expect(rows).toHaveLength(3);
    for (const x of rows) {
      expect(x.occupancy).toBeGreaterThan(0);
      expect(x.occupancy).toBeLessThanOrEqual(1);
      expect(x.utilisation).toBeLessThanOrEqual(x.occupancy);
      expect(x.averageWrapUpMs).toBe(45_000);
    }
    const figures = await agentPeriodSums(h.db, { from: FROM, to: TO, agentIds: [...AGENTS, 'nobody'], outcomes: ['sale'] });
    expect(figures.source).toBe('hourly');
    expect(figures.rows.map((f) => f.agentId)).toEqual([...AGENTS, 'nobody']);
    const sales = await h.call('GET', `/stats/kpi?${month}&dimension=agent&bucket=none&outcome=sale&timeZone=Asia/Shanghai`);
    for (const f of figures.rows.slice(0, 3)) {
      const x = rows.find((y: { key: string }) => y.key === f.agentId);
      expect(f).toMatchObject({ answered: x.answered, talkMs: x.talkMs, wrapMs: x.wrapUpMs, converted: sales.body.items.find((y: { key: string }) => y.key === f.agentId)?.answered ?? 0 });
      expect(Math.round(f.answerWaitMs / f.answered)).toBe(x.averageSpeedOfAnswerMs);
    }
    expect(figures.rows[3]).toEqual({ agentId: 'nobody', answered: 0, answerWaitMs: 0, talkMs: 0, wrapMs: 0, converted: 0 });
    // A queue filter makes agent time unattributable: null, not invented.
    const f = await h.call('GET', `/stats/kpi?${month}&dimension=agent&bucket=none&queue=sales&timeZone=Asia/Shanghai`);
    expect(f.body.items.every((x: { occupancy: unknown }) => x.occupancy === null)).toBe(true);
  });

  it('answers bad parameters with a 400 naming the field, and agents with a 403', async () => {
    const cases: Array<[string, string]> = [
      [`${month}&dimension=team`, 'querystring.dimension'],
      [`${month}&bucket=year`, 'querystring.bucket'],
      [`from=2026-11-01T00:30:00Z&to=${TO.toISOString()}`, 'querystring.from'],
      [`from=${TO.toISOString()}&to=${FROM.toISOString()}`, 'querystring.to'],
      [`${month}&timeZone=Asia/Kolkata`, 'querystring.timeZone'],
      [`${month}&timeZone=Mars/Base`, 'querystring.timeZone'],
      [`${month}&rings=9`, 'querystring.rings'],
      [`${month}&rings=1e309`, 'querystring.rings'],
      [`${month}&bogus=1`, 'querystring.bogus'],
      [`${month}&format=pdf`, 'querystring.format'],
      [`to=${TO.toISOString()}`, 'querystring.from'],
    ];
    for (const [q, field] of cases) {
      const r = await h.call('GET', `/stats/kpi?${q}`);
      expect(r.status, q).toBe(400);
      expect(JSON.stringify(r.body.error), q).toContain(field);
    }
    expect((await h.call('GET', '/stats/live?timeZone=Asia/Kathmandu')).status).toBe(400);
    // found by the fuzz: a number that overflows to Infinity is no integer
    expect((await h.call('GET', '/stats/live?rings=1e309')).status).toBe(400);
    expect((await h.call('GET', `/stats/kpi?${month}`, { key: h.agent })).status).toBe(403);
  });

  it('exports CSV (UTF-8 with a BOM, formulas neutralised) and XLSX that read back to the JSON figures', async () => {
    const q = `/stats/kpi?${month}&dimension=outcome&bucket=none&timeZone=Asia/Shanghai`;
    const json = (await h.call('GET', q)).body.items as Array<Record<string, unknown>>;
    const csv = await h.call('GET', `${q}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.text);
    const head = rows[0]!.fields;
    expect(rows.length - 1).toBe(json.length);
    const keys = rows.slice(1).map((r) => r.fields[head.indexOf('key')]);
    expect(keys).toContain("'=SUM(1,2)");
    for (const [i, r] of rows.slice(1).entries()) {
      expect(Number(r.fields[head.indexOf('offered')])).toBe(json[i]!.offered);
      expect(r.fields[head.indexOf('averageHandleMs')]).toBe(json[i]!.averageHandleMs === null ? '' : String(json[i]!.averageHandleMs));
    }
    const x = await h.call('GET', `${q}&format=xlsx`);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(head.map((c) => c.replace(/^\ufeff/, '')));
    expect(ws.rowCount - 1).toBe(json.length);
    for (let i = 0; i < json.length; i++) {
      const v = (ws.getRow(i + 2).values as unknown[]).slice(1);
      expect(v[header.indexOf('offered')]).toBe(json[i]!.offered);
      expect(String(v[header.indexOf('key')] ?? '')).toBe(String(json[i]!.key).startsWith('=') ? `'${String(json[i]!.key)}` : json[i]!.key);
    }
  });

  it("gives today's live figures: ended calls since local midnight, calls up and agents per state", async () => {
    const now = Date.now();
    const id = crypto.randomUUID();
    await h.repos.calls.create({ id, lineId: 'l1', direction: 'inbound', state: 'ringing', startedAt: new Date(now - 60_000) });
    await h.repos.calls.update(id, { queueId: 'sales', answeredAt: new Date(now - 55_000), queueWaitMs: 5000, agentId: 'a1' });
    const before = (await h.call('GET', '/stats/live?timeZone=Asia/Shanghai')).body;
    await h.repos.calls.update(id, { state: 'ended', disposition: 'answered', endedAt: new Date(now - 1000), durationMs: 59_000 });
    const up = crypto.randomUUID();
    await h.repos.calls.create({ id: up, lineId: 'l2', direction: 'inbound', state: 'queued', startedAt: new Date(now - 30_000) });
    await h.repos.acd.saveAgentState({ id: 'a2', state: 'ready', seatId: null, reason: null, callId: null, lastCallEndedAt: 0, callsTaken: 0, missedInARow: 0, since: now - 10_000, wrapUpUntil: null });
    const r = await h.call('GET', '/stats/live?timeZone=Asia/Shanghai');
    expect(r.status, r.text).toBe(200);
    expect(r.body.today.offered).toBe(before.today.offered + 1);
    expect(r.body.today.answered).toBe(before.today.answered + 1);
    expect(r.body.waiting).toBeGreaterThanOrEqual(1);
    expect(r.body.agents.ready).toBeGreaterThanOrEqual(1);
    expect(r.body.queues.find((x: { queueId: string }) => x.queueId === 'sales').offered).toBeGreaterThanOrEqual(1);
  });
});
