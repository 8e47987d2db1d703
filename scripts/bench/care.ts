/**
 * Care plans at office sizes: a quarterly VIP plan and a birthday plan over
 * KEFU_BENCH_CARE_CUSTOMERS customers (20000), per database (PGlite in its
 * worker thread; PostgreSQL when PG* names a server): the first run (tasks
 * made per second), the second run (makes none), two runs at once on a new
 * plan (one task per customer all the same), task.due for every overdue task,
 * and an agent's due-today list (p50/p99 of 200 asks). Writes bench/results/care.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { CareService } from '../../src/services/care/care-service.ts';
import { addMonths, dayBounds, localDate } from '../../src/core/care/zoned.ts';
import { freshDatabase } from '../../test/helpers/db.ts';

const N = Number(process.env.KEFU_BENCH_CARE_CUSTOMERS ?? 20_000);
const TZ = 'Asia/Shanghai';
const secs = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));
const pct = (xs: number[], p: number) => Number([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(2));

async function one(kind: 'pglite' | 'postgres'): Promise<Record<string, unknown>> {
  const fresh = await freshDatabase(kind);
  const db = await openDb(fresh.url);
  try {
    await migrate(db);
    const repos = makeRepos(db);
    for (let i = 0; i < 20; i++) await repos.acd.createAgent({ id: `agent-${i}`, name: `Agent ${i}` });
    const today = localDate(new Date(), TZ);
    // a third VIP, owners spread over 20 agents, birthdays spread over the year (today's for 1 in 365)
    await db.query(
      `INSERT INTO customers(id, name, tier, owner_id, attributes)
       SELECT gen_random_uuid(), 'Customer ' || g, CASE WHEN g % 3 = 0 THEN 'vip' ELSE 'regular' END, 'agent-' || (g % 20),
              jsonb_build_object('birthday', to_char(date '1980-01-01' + (g % 365), 'YYYY-MM-DD'))
       FROM generate_series(1, $1) g`, [N]);
    const bus = new EventBus();
    let fired = 0;
    bus.subscribe((e) => { if (e.type === 'task.due') fired++; });
    const care = new CareService({ repos, bus, logger: pino({ level: 'silent' }), timezone: TZ, tickS: 3600, planRunS: 3600 });
    const quarterly = await repos.carePlans.create({ name: 'VIP quarterly', segment: { tiers: ['vip'] }, schedule: { type: 'every', every: 3, unit: 'month', start: addMonths(today, -1) }, task: { kind: 'call', title: 'VIP call' } }, 'bench');
    let t0 = performance.now();
    const first = await care.runPlan(quarterly);
    const firstS = secs(t0);
    t0 = performance.now();
    const second = await care.runPlan(quarterly);
    const secondS = secs(t0);
    const birthday = await repos.carePlans.create({ name: 'Birthday', schedule: { type: 'yearly', field: 'birthday', leadDays: 6 }, task: { kind: 'sms', title: 'Greeting' } }, 'bench');
    t0 = performance.now();
    const bday = await care.runPlan(birthday);
    const bdayS = secs(t0);
    const twin = await repos.carePlans.create({ ...quarterly, name: 'twin', task: { kind: 'visit', title: 'Visit' } }, 'bench');
    const other = new CareService({ repos: makeRepos(db), bus, logger: pino({ level: 'silent' }), timezone: TZ, tickS: 3600, planRunS: 3600 });
    t0 = performance.now();
    const [a, b] = await Promise.all([care.runPlan(twin), other.runPlan(twin)]);
    const twinS = secs(t0);
    t0 = performance.now();
    const due = await care.fireDue();
    const dueS = secs(t0);
    const b2 = dayBounds(today, TZ);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await repos.tasks.list({ limit: 100, ownerId: `agent-${i % 20}`, dueFrom: b2.start, dueTo: b2.end });
      times.push(performance.now() - s);
    }
    return {
      database: kind, customers: N,
      quarterlyFirstRun: { created: first.created, members: first.members, seconds: firstS, tasksPerS: Math.round(first.created / firstS) },
      quarterlySecondRun: { created: second.created, seconds: secondS },
      birthdayRun: { created: bday.created, members: bday.members, seconds: bdayS },
      concurrentRuns: { created: a.created + b.created, members: a.members, seconds: twinS },
      taskDue: { fired: due, events: fired, seconds: dueS, perS: Math.round(due / dueS) },
      dueTodayList: { p50Ms: pct(times, 0.5), p99Ms: pct(times, 0.99) },
    };
  } finally {
    await db.close();
    await fresh.drop();
  }
}

export async function run(): Promise<unknown> {
  const out = [await one('pglite')];
  if (process.env.PGHOST) out.push(await one('postgres'));
  console.log(JSON.stringify(out, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/care.json', JSON.stringify(out, null, 2));
  return out;
}
