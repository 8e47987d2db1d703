/**
 * npm run bench -- stats: the statistics engine at 1 M call records on a real
 * PostgreSQL (run under pg_virtualenv, which names the server in PG*).
 * Generates the calls (generate_series, triggers off), rebuilds the rollups,
 * times a call's end with the triggers on, then a month report per agent and
 * per queue and today's live figures from the rollups and by a plain GROUP BY
 * over the raw records, in the same run (p50/p95 over several runs).
 * Writes bench/results/stats.json. Figures only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { freshDatabase } from '../../test/helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { StatsKpiRepo, type KpiQuery } from '../../src/db/repos/stats-kpi.ts';
import { StatsLiveRepo, applyStatsSettings } from '../../src/db/repos/stats-live.ts';
import { kpi } from '../../src/core/stats/metrics.ts';
import { startOfDay } from '../../src/core/stats/buckets.ts';
import type { Db } from '../../src/db/types.ts';
import { percentile, table } from './load.ts';

const TZ = 'Asia/Shanghai';
const CALL_TRIGGERS = ['stats_calls_insert', 'stats_calls_update', 'stats_calls_delete'];

async function generate(db: Db, calls: number, days: number, agents: number): Promise<void> {
  for (const t of CALL_TRIGGERS) await db.query(`ALTER TABLE calls DISABLE TRIGGER ${t}`);
  await db.query('ALTER TABLE campaign_attempts DISABLE TRIGGER stats_attempts');
  await db.query('ALTER TABLE agent_state_history DISABLE TRIGGER stats_history');
  await db.query(`INSERT INTO agents(id, name) SELECT 'a' || i, 'Agent ' || i FROM generate_series(1, $1) i`, [agents]);
  await db.query("INSERT INTO campaigns(id, name, mode) SELECT ('00000000-0000-0000-0000-00000000000' || i)::uuid, 'Campaign ' || i, 'progressive' FROM generate_series(1, 5) i");
  // Spread over `days` up to now; 10 % outbound campaign calls; 70 % of inbound answered, 15 % abandoned, the rest missed/busy/no-answer.
  await db.query(`
    INSERT INTO calls(id, line_id, direction, number, state, disposition, agent_id, queue_id, outcome, started_at, answered_at, ended_at, duration_ms, queue_wait_ms)
    SELECT md5(i::text)::uuid, 'l' || (i % 8), CASE WHEN r1 < 0.1 THEN 'outbound' ELSE 'inbound' END, '+86138' || lpad((i % 100000000)::text, 8, '0'), 'ended',
      disp, CASE WHEN disp = 'answered' THEN 'a' || (1 + (i::bigint * 7919) % $3) END,
      CASE WHEN r1 >= 0.1 AND r2 < 0.85 THEN 'q' || (i % 10) END,
      CASE WHEN disp = 'answered' THEN (ARRAY['sale', 'info', 'callback', 'complaint', 'wrong-number', 'no-sale'])[1 + i % 6] END,
      st, CASE WHEN disp = 'answered' THEN st + wait END, st + wait + talk, (extract(epoch FROM wait + talk) * 1000)::int,
      CASE WHEN r1 >= 0.1 AND r2 < 0.85 AND disp IN ('answered', 'abandoned') THEN (extract(epoch FROM wait) * 1000)::int END
    FROM (SELECT i, r1, r2, now() - make_interval(secs => (i::float8 / $1) * $2 * 86400) AS st,
            make_interval(secs => floor(random() * 45)) AS wait,
            CASE WHEN r3 < 0.7 OR r1 < 0.1 THEN make_interval(secs => 30 + floor(random() * 600)) ELSE make_interval(secs => 1) END AS talk,
            CASE WHEN r1 < 0.1 OR r3 < 0.7 THEN 'answered' WHEN r3 < 0.85 THEN 'abandoned' WHEN r3 < 0.95 THEN 'missed' ELSE 'busy' END AS disp
          FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3 FROM generate_series(1, $1) i) x) y`, [calls, days, agents]);
  await db.query(`INSERT INTO campaign_numbers(id, campaign_id, number)
    SELECT md5('n' || c.id)::uuid, ('00000000-0000-0000-0000-00000000000' || (1 + abs(hashtext(c.id::text)) % 5))::uuid, c.number || '-' || c.id
    FROM calls c WHERE c.direction = 'outbound'`);
  await db.query(`INSERT INTO campaign_attempts(id, campaign_id, number_id, number, call_id, placed_at, ended_at, outcome)
    SELECT md5('t' || n.id)::uuid, n.campaign_id, n.id, c.number, c.id, c.started_at, c.ended_at, 'answered'
    FROM campaign_numbers n JOIN calls c ON md5('n' || c.id)::uuid = n.id`);
  // Agent-state history: each agent's day in 20-minute pieces cycling ready / on-call / wrap-up / paused over nine hours.
  await db.query(`INSERT INTO agent_state_history(agent_id, state, started_at, ended_at)
    SELECT 'a' || a, (ARRAY['ready', 'on-call', 'wrap-up', 'on-call', 'paused'])[1 + k % 5],
      date_trunc('day', now() - make_interval(days => d)) + interval '1 hour' + k * interval '20 minutes',
      date_trunc('day', now() - make_interval(days => d)) + interval '1 hour' + (k + 1) * interval '20 minutes'
    FROM generate_series(1, $1) a, generate_series(1, $2) d, generate_series(0, 26) k`, [agents, days]);
  for (const t of CALL_TRIGGERS) await db.query(`ALTER TABLE calls ENABLE TRIGGER ${t}`);
  await db.query('ALTER TABLE campaign_attempts ENABLE TRIGGER stats_attempts');
  await db.query('ALTER TABLE agent_state_history ENABLE TRIGGER stats_history');
}

async function timeRuns<T>(runs: number, fn: () => Promise<T>): Promise<{ p50: number; p95: number; result: T }> {
  const ms: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) { const t = performance.now(); result = await fn(); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  return { p50: +percentile(ms, 50).toFixed(1), p95: +percentile(ms, 95).toFixed(1), result };
}

export async function run(opts: { calls?: number; days?: number; agents?: number; runs?: number } = {}): Promise<unknown> {
  if (!process.env.PGHOST || !process.env.PGUSER) throw new Error('the stats bench needs a PostgreSQL server: run it as pg_virtualenv -v 15 npm run bench -- stats');
  const calls = opts.calls ?? Number(process.env.KEFU_BENCH_STATS_CALLS ?? 1_000_000);
  const days = opts.days ?? 92;
  const agents = opts.agents ?? 100;
  const runs = opts.runs ?? Number(process.env.KEFU_BENCH_STATS_RUNS ?? 7);
  const server = await freshDatabase('postgres');
  const db = await openDb(server.url);
  try {
    await migrate(db);
    let t = performance.now();
    await generate(db, calls, days, agents);
    const generateS = (performance.now() - t) / 1000;
    t = performance.now();
    // The daily rollups in Asia/Shanghai, as stats.timeZone: Asia/Shanghai makes them (this rebuilds everything).
    await applyStatsSettings(db, { serviceLevelMs: 20_000, ringCycleMs: 6000, timeZone: TZ });
    const rebuildS = (performance.now() - t) / 1000;
    await db.query('ANALYZE');
    // A call's end with the triggers on: open 500 calls, then end each (its own statement, as the ledger does).
    const ends: number[] = [];
    for (let i = 0; i < 500; i++) {
      const id = crypto.randomUUID();
      await db.query("INSERT INTO calls(id, line_id, direction, state, agent_id, queue_id, started_at, answered_at) VALUES ($1, 'l1', 'inbound', 'connected', 'a1', 'q1', now() - interval '2 minutes', now() - interval '110 seconds')", [id]);
      const s = performance.now();
      await db.query("UPDATE calls SET state = 'ended', disposition = 'answered', ended_at = now(), duration_ms = 120000, queue_wait_ms = 10000, updated_at = now() WHERE id = $1", [id]);
      ends.push(performance.now() - s);
    }
    ends.sort((a, b) => a - b);
    const counts = (await db.query<{ calls: number; rollup: number; history: number }>(
      'SELECT (SELECT count(*) FROM calls)::int AS calls, (SELECT count(*) FROM stats_hourly)::int AS rollup, (SELECT count(*) FROM agent_state_history)::int AS history')).rows[0]!;

    // The last full calendar month in Asia/Shanghai (inside the generated 92 days).
    const now = new Date();
    const local = new Date(now.getTime() + 8 * 3600_000);
    const monthFrom = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1) - 8 * 3600_000);
    const monthTo = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - 8 * 3600_000);
    const kpiRepo = new StatsKpiRepo(db);
    const liveRepo = new StatsLiveRepo(db);
    const report = (dimension: 'agent' | 'queue', source: 'rollup' | 'raw') => async () => {
      const q: KpiQuery = { from: monthFrom, to: monthTo, dimension, bucket: 'day', timeZone: TZ, filters: {} };
      const groups = source === 'rollup' ? await kpiRepo.rollup(q) : await kpiRepo.raw(q);
      return groups.map((g) => ({ bucket: g.bucket, key: g.key, ...kpi(g.sums, 3, g.times) }));
    };
    const since = startOfDay(now, TZ);
    const nextHour = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000);
    const liveRollup = async () => liveRepo.live(since, new Date());
    const liveRaw = async () => kpiRepo.raw({ from: since, to: nextHour, dimension: 'queue', bucket: 'none', timeZone: TZ, filters: {} });
    const rows: Array<Record<string, unknown>> = [];
    const figures: Record<string, unknown> = {};
    const monthCalls = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls WHERE started_at >= $1 AND started_at < $2', [monthFrom, monthTo])).rows[0]!.n;
    for (const [name, fnRollup, fnRaw, groupsOf] of [
      ['month per agent (by day)', report('agent', 'rollup'), report('agent', 'raw'), (r: unknown[]) => r.length],
      ['month per queue (by day)', report('queue', 'rollup'), report('queue', 'raw'), (r: unknown[]) => r.length],
    ] as const) {
      const a = await timeRuns(runs, fnRollup);
      const b = await timeRuns(runs, fnRaw);
      const same = JSON.stringify(a.result) === JSON.stringify(b.result);
      rows.push({ report: name, rows: groupsOf(a.result), 'rollup p50 ms': a.p50, 'rollup p95 ms': a.p95, 'GROUP BY p50 ms': b.p50, 'GROUP BY p95 ms': b.p95, 'same figures': same });
      figures[name] = { rows: groupsOf(a.result), rollup: { p50Ms: a.p50, p95Ms: a.p95 }, groupBy: { p50Ms: b.p50, p95Ms: b.p95 }, sameFigures: same };
    }
    const lr = await timeRuns(runs * 3, liveRollup);
    const lg = await timeRuns(runs * 3, liveRaw);
    rows.push({ report: "today's live figures", rows: lr.result.queues.length, 'rollup p50 ms': lr.p50, 'rollup p95 ms': lr.p95, 'GROUP BY p50 ms': lg.p50, 'GROUP BY p95 ms': lg.p95, 'same figures': 'n/a' });
    figures.live = { rollup: { p50Ms: lr.p50, p95Ms: lr.p95 }, groupBy: { p50Ms: lg.p50, p95Ms: lg.p95 } };
    console.log(`${counts.calls} calls over ${days} days (${monthCalls} in the month ${monthFrom.toISOString()}..${monthTo.toISOString()}), ${agents} agents, ${counts.history} agent-state intervals; rollup rows ${counts.rollup}`);
    console.log(`generate ${generateS.toFixed(1)} s, rebuild rollups ${rebuildS.toFixed(1)} s, a call's end with the triggers p50 ${percentile(ends, 50).toFixed(2)} ms p95 ${percentile(ends, 95).toFixed(2)} ms`);
    console.log(table(rows));
    console.log(`load average (1 min) ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
    const out = {
      bench: 'stats', at: new Date().toISOString(), backend: 'PostgreSQL', version: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v,
      calls: counts.calls, days, agents, monthCalls, rollupRows: counts.rollup, historyRows: counts.history, runs, timeZone: TZ,
      generateS: +generateS.toFixed(1), rebuildS: +rebuildS.toFixed(1),
      callEndWithTriggers: { p50Ms: +percentile(ends, 50).toFixed(2), p95Ms: +percentile(ends, 95).toFixed(2) },
      reports: figures, loadAverage: loadavg(),
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/stats.json', JSON.stringify(out, null, 2));
    return out;
  } finally {
    await db.close();
    await server.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
