/**
 * /stats/calls: figures from the call records for reports: by hour or day
 * (in the asked time zone), by agent, queue, line, disposition or outcome;
 * JSON, or CSV with ?format=csv.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { csvField } from '../../core/crm/csv.ts';
import type { AppContext } from '../context.ts';
import { KefuError } from '../../core/errors.ts';
import type { StatsRow } from '../../db/repos/stats.ts';

const Row = Type.Object({
  key: Type.String(), total: Type.Integer(), answered: Type.Integer(), abandoned: Type.Integer(), missed: Type.Integer(), blocked: Type.Integer(),
  voicemail: Type.Integer(), serviceLevel: Type.Union([Type.Number(), Type.Null()]), averageHandleMs: Type.Union([Type.Integer(), Type.Null()]),
  averageWaitMs: Type.Union([Type.Integer(), Type.Null()]),
  serviceLevelCalls: Type.Integer({ description: 'queued calls answered or abandoned: what serviceLevel is over' }),
  serviceLevelMet: Type.Integer({ description: 'of those, answered within serviceLevelS' }),
  queued: Type.Integer({ description: 'calls with a measured queue wait: what averageWaitMs is over' }),
});
const COLUMNS: Array<keyof StatsRow> = ['key', 'total', 'answered', 'abandoned', 'missed', 'blocked', 'voicemail', 'serviceLevel', 'averageHandleMs', 'averageWaitMs', 'serviceLevelCalls', 'serviceLevelMet', 'queued'];


export const statsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/stats/calls', {
    schema: {
      tags: ['stats'], description: 'Call figures for a period, grouped. Totals are over the rows.',
      querystring: Type.Object({
        from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }),
        groupBy: Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('agent'), Type.Literal('queue'), Type.Literal('line'), Type.Literal('disposition'), Type.Literal('outcome')], { default: 'day' }),
        timeZone: Type.String({ default: 'UTC', maxLength: 64, description: 'IANA zone for hour/day buckets, e.g. Asia/Shanghai' }),
        serviceLevelS: Type.Integer({ minimum: 1, maximum: 600, default: 20 }),
        direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])),
        format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
      }, { additionalProperties: false }),
      response: { 200: Type.Union([Type.Object({ groupBy: Type.String(), from: Type.String(), to: Type.String(), items: Type.Array(Row) }), Type.String({ description: 'text/csv' })]) },
    },
  }, async (req, reply) => {
    const q = req.query;
    try { new Intl.DateTimeFormat('en', { timeZone: q.timeZone }); } catch {
      throw new KefuError('BAD_REQUEST', `querystring.timeZone: expected an IANA time zone such as Asia/Shanghai, got ${q.timeZone}`, { field: 'querystring.timeZone' });
    }
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to)) throw new KefuError('BAD_REQUEST', 'querystring.to: must be after from', { field: 'querystring.to' });
    if (to.getTime() - from.getTime() > 400 * 86_400_000) throw new KefuError('BAD_REQUEST', 'querystring.to: at most 400 days after from', { field: 'querystring.to' });
    const items = await ctx.repos.stats.calls({ from, to, groupBy: q.groupBy, timeZone: q.timeZone, serviceLevelS: q.serviceLevelS, direction: q.direction });
    if (q.format === 'csv') {
      const body = [COLUMNS.join(','), ...items.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="kefu-calls-by-${q.groupBy}.csv"`).send(body);
    }
    return reply.send({ groupBy: q.groupBy, from: from.toISOString(), to: to.toISOString(), items });
  });
};
