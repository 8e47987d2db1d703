/** Schemas of /stats/kpi and /stats/live. */
import { Type } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000]*$' });
const Num = Type.Union([Type.Number(), Type.Null()]);

export const KpiQuery = Type.Object({
  from: Type.String({ format: 'date-time', description: 'start (inclusive), on a whole hour (UTC); a local midnight in a whole-hour zone is one' }),
  to: Type.String({ format: 'date-time', description: 'end (exclusive), on a whole hour, at most 400 days after from' }),
  dimension: Type.Union(['agent', 'queue', 'line', 'campaign', 'outcome', 'direction', 'all'].map((v) => Type.Literal(v)), { default: 'all' }),
  bucket: Type.Union(['hour', 'day', 'week', 'month', 'none'].map((v) => Type.Literal(v)), { default: 'day' }),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone of the buckets (default stats.timeZone); its offset must be whole hours' })),
  rings: Type.Integer({ minimum: 1, maximum: 5, default: 3, description: 'answered within this many rings (ring cycle: stats.ringCycleS)' }),
  agent: Type.Optional(Id), queue: Type.Optional(Id), line: Type.Optional(Id), campaign: Type.Optional(Id),
  outcome: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000]*$' })),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])),
  source: Type.Union([Type.Literal('rollup'), Type.Literal('raw')], { default: 'rollup', description: 'raw: the same figures by a plain GROUP BY over the call records (slower; for checks)' }),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')], { default: 'json' }),
}, { additionalProperties: false });

export const KpiFields = {
  offered: Type.Integer(), answered: Type.Integer(), abandoned: Type.Integer(), unanswered: Type.Integer(),
  answerRate: Num, abandonRate: Num, averageAbandonWaitMs: Num, rings: Type.Integer(), answeredWithinRings: Type.Integer(), answeredWithinRingsRate: Num,
  serviceLevel: Num, serviceLevelMet: Type.Integer(), averageSpeedOfAnswerMs: Num, talkMs: Type.Integer(), averageTalkMs: Num,
  averageHoldMs: Type.Null({ description: 'hold is not tracked by kefu' }), wrapUpMs: Type.Integer(), averageWrapUpMs: Num, averageHandleMs: Num,
  loggedInMs: Num, occupancy: Num, utilisation: Num,
};
export const Kpi = Type.Object(KpiFields);
export const KpiRow = Type.Object({ bucket: Type.String(), key: Type.String(), ...KpiFields });

export const KpiReport = Type.Object({
  from: Type.String(), to: Type.String(), dimension: Type.String(), bucket: Type.String(), timeZone: Type.String(),
  serviceLevelS: Type.Number(), ringCycleS: Type.Number(), source: Type.String(),
  items: Type.Array(KpiRow), totals: Kpi,
});

export const LiveQuery = Type.Object({
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone whose midnight starts "today" (default stats.timeZone)' })),
  rings: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
}, { additionalProperties: false });

export const Live = Type.Object({
  at: Type.String(), since: Type.String(), timeZone: Type.String(), serviceLevelS: Type.Number(), ringCycleS: Type.Number(),
  today: Kpi,
  queues: Type.Array(Type.Object({ queueId: Type.String(), ...KpiFields })),
  callsUp: Type.Integer(), waiting: Type.Integer(), longestWaitMs: Num,
  agents: Type.Record(Type.String(), Type.Integer(), { description: 'agents per current state' }),
});
