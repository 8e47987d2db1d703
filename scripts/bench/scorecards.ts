/**
 * Scorecards: how long a month takes to compute through the KPI port
 * (stats-kpi-source.ts: the statistics rollups plus complaints, churn and
 * surveys), per database: seeded agents in
 * teams with calls (and their agent legs), surveys, complaints and lost
 * customers spread over November 2026; then the team period, the individual
 * period (fresh figures) and a recomputation without fresh figures (what a
 * review, a deduction or an upheld appeal costs).
 *
 * Knobs (environment): KEFU_BENCH_SC_AGENTS (50), KEFU_BENCH_SC_TEAMS (5),
 * KEFU_BENCH_SC_CALLS (100000). PostgreSQL too when PG* names a server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { freshDatabase } from '../../test/helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { StatsKpiSource } from '../../src/db/kpi/stats-kpi-source.ts';
import { ScorecardService } from '../../src/services/scorecards/service.ts';
import type { Db } from '../../src/db/types.ts';
import { rebuildStats } from '../../src/db/repos/stats-live.ts';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

// The statistics' triggers refresh one call at a time under an advisory lock each: 100 000 calls in one statement
// would hold 100 000 locks (out of shared memory). Seeded with them off, then the rollups are rebuilt once.
const STATS_TRIGGERS: Array<[string, string]> = [['calls', 'stats_calls_insert'], ['calls', 'stats_calls_update'], ['call_legs', 'stats_legs'], ['agent_state_history', 'stats_history']];

async function seed(db: Db, agents: number, teams: number, calls: number): Promise<void> {
  for (const [table, t] of STATS_TRIGGERS) await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${t}`);
  await db.query("INSERT INTO teams(id, name) SELECT 'team' || i, 'Team ' || i FROM generate_series(1, $1::int) i", [teams]);
  await db.query("INSERT INTO agents(id, name, team_id) SELECT 'ag' || i, 'Agent ' || i, 'team' || (1 + i % $2::int) FROM generate_series(1, $1::int) i", [agents, teams]);
  await db.query(`INSERT INTO calls(id, line_id, direction, state, agent_id, started_at, answered_at, ended_at, wrapped_at, outcome)
    SELECT gen_random_uuid(), 'l1', 'inbound', 'ended', 'ag' || (1 + g % $1::int), ts, ts + (1 + g % 9) * interval '1 s',
           ts + (10 + g % 300) * interval '1 s', ts + (20 + g % 300) * interval '1 s', CASE WHEN g % 7 = 0 THEN 'sale' ELSE 'info' END
      FROM (SELECT g, timestamptz '2026-11-01T00:00:00Z' + (g % (29 * 86400)) * interval '1 s' AS ts FROM generate_series(1, $2::int) g) s`, [agents, calls]);
  await db.query("INSERT INTO call_legs(id, call_id, kind, agent_id, started_at, answered_at, ended_at) SELECT gen_random_uuid(), id, 'agent', agent_id, started_at, answered_at, ended_at FROM calls");
  // Wrap-up as the daemon records it: the agent's wrap-up state after the call (ended → wrapped).
  await db.query("INSERT INTO agent_state_history(agent_id, state, call_id, started_at, ended_at) SELECT agent_id, 'wrap-up', id, ended_at, wrapped_at FROM calls");
  await db.query('INSERT INTO call_surveys(call_id, agent_id, score, at) SELECT id, agent_id, 1 + (extract(epoch from started_at)::bigint % 5), ended_at FROM calls WHERE extract(epoch from started_at)::bigint % 5 = 0');
  await db.query(`INSERT INTO complaints(id, agent_id, status, summary, created_at)
    SELECT gen_random_uuid(), 'ag' || (1 + g % $1::int), CASE WHEN g % 3 = 0 THEN 'substantiated' ELSE 'open' END, 'bench', timestamptz '2026-11-02' + g * interval '1 h'
      FROM generate_series(1, $1::int * 2) g`, [agents]);
  await db.query(`INSERT INTO customers(id, name, owner_id, churned_at)
    SELECT gen_random_uuid(), 'c' || g, 'ag' || (1 + g % $1::int), CASE WHEN g % 4 = 0 THEN timestamptz '2026-11-03' + g * interval '1 h' END FROM generate_series(1, $1::int * 10) g`, [agents]);
  for (const [table, t] of STATS_TRIGGERS) await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${t}`);
  await rebuildStats(db);
}

const ITEMS = ['answered', 'responseMs', 'handleMs', 'conversion', 'complaints', 'churn', 'survey'] as const;

async function runOne(kind: 'pglite' | 'postgres', o: { agents: number; teams: number; calls: number }) {
  const fresh = await freshDatabase(kind);
  const db = await openDb(fresh.url);
  try {
    await migrate(db);
    let t0 = performance.now();
    await seed(db, o.agents, o.teams, o.calls);
    const seedS = (performance.now() - t0) / 1000;
    const svc = new ScorecardService({ db, bus: new EventBus(), kpis: new StatsKpiSource(db) });
    const team = await svc.repo.createScheme({ name: 'team', kind: 'team', definition: { items: ITEMS.map((kpi) => ({ kpi, level: 4 })), conversionOutcomes: ['sale'], grades: { A: 92 } } });
    const ind = await svc.repo.createScheme({
      name: 'ind', kind: 'individual', definition: {
        items: ITEMS.map((kpi, i) => ({ kpi, target: 1, weight: i === 0 ? 16 : 14, rule: { type: 'linear' as const, max: 120 } })), conversionOutcomes: ['sale'],
        parts: { kpi: 70, review: 30 }, reviewWeights: { self: 30, supervisor: 70 }, complaintDeduction: 50, grades: { A: 90, B: 80, C: 70, D: 60 }, appealDays: 7,
        teamSchemeId: team.id, boundByTeam: true,
      },
    });
    const month = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), label: '2026-11' };
    const tp = await svc.createPeriod({ schemeId: team.id, ...month });
    const ip = await svc.createPeriod({ schemeId: ind.id, ...month });
    t0 = performance.now();
    await svc.compute(tp.id, 'bench');
    const teamMs = performance.now() - t0;
    t0 = performance.now();
    await svc.compute(ip.id, 'bench');
    const individualMs = performance.now() - t0;
    t0 = performance.now();
    await svc.review(ip.id, { agentId: 'ag1', kind: 'supervisor', score: 77, comment: null, by: 'bench' });
    const reviewMs = performance.now() - t0;
    // A team period off whole hours: the figures come from the per-call facts instead of the hourly rollups.
    const fp = await svc.createPeriod({ schemeId: team.id, from: new Date('2026-11-01T00:00:00.500Z'), to: month.to, label: 'off the hour' });
    t0 = performance.now();
    await svc.compute(fp.id, 'bench');
    const factsComputeMs = performance.now() - t0;
    const cards = (await svc.repo.cards(ip.id)).length;
    // The figures are real: every seeded call answered once, by its agent (a check that the rollups were filled).
    const answeredTotal = Number((await db.query<{ n: number }>("SELECT sum((sums->>'answered')::bigint) AS n FROM scorecards WHERE period_id = $1", [ip.id])).rows[0]!.n);
    return { backend: kind, agents: o.agents, teams: o.teams, calls: o.calls, cards, answeredTotal, seedS: +seedS.toFixed(1), teamComputeMs: Math.round(teamMs), individualComputeMs: Math.round(individualMs), offHourTeamComputeMs: Math.round(factsComputeMs), reviewRecomputeMs: Math.round(reviewMs) };
  } finally {
    await db.close();
    await fresh.drop();
  }
}

export async function run() {
  const o = { agents: env('KEFU_BENCH_SC_AGENTS', 50), teams: env('KEFU_BENCH_SC_TEAMS', 5), calls: env('KEFU_BENCH_SC_CALLS', 100_000) };
  const results = [await runOne('pglite', o)];
  if (process.env.PGHOST) results.push(await runOne('postgres', o));
  console.table(results);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/scorecards.json', JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
  return results;
}
