/**
 * /stats/kpi (figures per agent, queue, line, campaign, outcome or direction,
 * by hour, day, week or month; JSON, CSV or XLSX) and /stats/live (today so
 * far), read from the hourly rollups. Supervisors, admins and integrators.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { WRITERS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { bucketKeys, isTimeZone, isWholeHour, startOfDay, wholeHourZone, type Bucket } from '../../core/stats/buckets.ts';
import { addSums, emptySums, kpi, type StateTimes } from '../../core/stats/metrics.ts';
import type { Dimension, KpiFilters, KpiGroup, KpiQuery as Query } from '../../db/repos/stats-kpi.ts';
import { timesApply } from '../../db/repos/stats-kpi.ts';
import { KpiQuery, KpiReport, Live, LiveQuery } from './kpi-schemas.ts';
import { kpiCsv, kpiXlsx } from './export.ts';

const bad = (field: string, message: string) => new KefuError('BAD_REQUEST', `${field}: ${message}`, { field });

function zone(tz: string | undefined, fallback: string, from: Date, to: Date): string {
  const z = tz ?? fallback;
  if (!isTimeZone(z)) throw bad('querystring.timeZone', `expected an IANA time zone such as Asia/Shanghai, got ${z}`);
  if (!wholeHourZone(z, from, to)) throw bad('querystring.timeZone', `${z} is not a whole number of hours from UTC in this period; the rollups are hourly`);
  return z;
}

function addTimes(a: StateTimes | null, b: StateTimes | null): StateTimes | null {
  if (!a || !b) return a ?? b;
  const out: StateTimes = { ...a };
  for (const [k, v] of Object.entries(b) as Array<[keyof StateTimes, number]>) out[k] = (out[k] ?? 0) + v;
  return out;
}

export const statsKpiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/stats/kpi', {
    config: { roles: WRITERS },
    schema: {
      tags: ['stats'], querystring: KpiQuery,
      description: 'KPIs (volumes, answered, abandoned, answered within N rings, service level, ASA, talk, wrap-up, handle, occupancy, utilisation) per dimension and time bucket; format=csv (UTF-8, BOM) or xlsx to export.',
      response: {
        200: {
          description: 'the report (JSON), or its export',
          content: {
            'application/json': { schema: KpiReport },
            'text/csv': { schema: Type.String() },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) },
          },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!isWholeHour(from)) throw bad('querystring.from', 'must be on a whole hour (the rollups are hourly)');
    if (!isWholeHour(to)) throw bad('querystring.to', 'must be on a whole hour (the rollups are hourly)');
    if (!(from < to)) throw bad('querystring.to', 'must be after from');
    if (to.getTime() - from.getTime() > 400 * 86_400_000) throw bad('querystring.to', 'at most 400 days after from');
    const timeZone = zone(q.timeZone, ctx.config.stats.timeZone, from, to);
    const filters: KpiFilters = {};
    for (const k of ['agent', 'queue', 'line', 'campaign', 'outcome', 'direction'] as const) if (q[k] !== undefined) (filters as Record<string, string>)[k] = q[k];
    const query: Query = { from, to, dimension: q.dimension as Dimension, bucket: q.bucket as Bucket, timeZone, filters };
    let groups: KpiGroup[] = q.source === 'raw' ? await ctx.repos.statsKpi.raw(query) : await ctx.repos.statsKpi.rollup(query);
    if (query.dimension === 'all') {
      const have = new Map(groups.map((g) => [g.bucket, g]));
      groups = bucketKeys(from, to, query.bucket, timeZone).map((b) => have.get(b) ?? { bucket: b, key: '', sums: emptySums(), times: timesApply(query) ? {} : null });
    }
    const items = groups.map((g) => ({ bucket: g.bucket, key: g.key, ...kpi(g.sums, q.rings, g.times) }));
    const totalSums = groups.reduce((a, g) => addSums(a, g.sums), emptySums());
    const totalTimes = timesApply(query) ? groups.reduce<StateTimes | null>((a, g) => addTimes(a, g.times), {}) : null;
    const settings = await ctx.repos.statsLive.settings();
    if (q.format !== 'json') {
      const name = `kefu-stats-${query.dimension}-by-${query.bucket}`;
      if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(kpiCsv(items));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send((await kpiXlsx(items, `${query.dimension} by ${query.bucket}`)) as unknown as string); // a Buffer is sent as is
    }
    return reply.send({
      from: from.toISOString(), to: to.toISOString(), dimension: query.dimension, bucket: query.bucket, timeZone,
      serviceLevelS: settings.serviceLevelMs / 1000, ringCycleS: settings.ringCycleMs / 1000, source: q.source,
      items, totals: kpi(totalSums, q.rings, totalTimes),
    });
  });

  app.get('/stats/live', {
    config: { roles: WRITERS },
    schema: { tags: ['stats'], querystring: LiveQuery, description: "Today's figures so far (since local midnight), calls up and waiting now, agents per state.", response: { 200: Live } },
  }, async (req) => {
    const now = new Date();
    const tz = req.query.timeZone ?? ctx.config.stats.timeZone;
    if (!isTimeZone(tz)) throw bad('querystring.timeZone', `expected an IANA time zone such as Asia/Shanghai, got ${tz}`);
    const since = startOfDay(now, tz);
    if (!isWholeHour(since)) throw bad('querystring.timeZone', `${tz} is not a whole number of hours from UTC; the rollups are hourly`);
    const [live, settings] = await Promise.all([ctx.repos.statsLive.live(since, now), ctx.repos.statsLive.settings()]);
    return {
      at: now.toISOString(), since: since.toISOString(), timeZone: tz, serviceLevelS: settings.serviceLevelMs / 1000, ringCycleS: settings.ringCycleMs / 1000,
      today: kpi(live.today, req.query.rings, live.times),
      queues: live.queues.map((x) => ({ queueId: x.queueId, ...kpi(x.sums, req.query.rings, null) })),
      callsUp: live.callsUp, waiting: live.waiting, longestWaitMs: live.longestWaitMs, agents: live.agents,
    };
  });
};
