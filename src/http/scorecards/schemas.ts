/** /scorecards request and response schemas; scheme definitions are checked by kind (definition.ts). */
import { Type } from 'typebox';
import { ListQuery, Nullable, Uuid } from '../common.ts';

const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000]*$', ...(description ? { description } : {}) });
const Score = (description: string) => Type.Number({ minimum: 0, maximum: 1000, description });
const Kpi = Type.Union([
  Type.Literal('answered'), Type.Literal('responseMs'), Type.Literal('handleMs'), Type.Literal('conversion'), Type.Literal('complaints'), Type.Literal('churn'), Type.Literal('survey'),
], { description: 'answered, responseMs (agent ring-to-answer), handleMs (talk + wrap-up), conversion (fraction), complaints, churn, survey (1–5)' });
const Better = Type.Optional(Type.Union([Type.Literal('higher'), Type.Literal('lower')], { description: 'default: the KPI\'s own (times, complaints, churn: lower)' }));
const Grade = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D'), Type.Literal('E')]);
const Points = Type.Number({ minimum: -10_000, maximum: 10_000 });

const Rule = Type.Union([
  Type.Object({ type: Type.Literal('linear'), max: Type.Number({ minimum: 0, maximum: 1000, description: 'cap on the item score (100 = on target)' }) }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('bands'),
    bands: Type.Array(Type.Object({ limit: Type.Number({ minimum: -1e9, maximum: 1e9 }), score: Score('item score in this band') }, { additionalProperties: false }), { minItems: 1, maxItems: 20, description: 'best first' }),
  }, { additionalProperties: false }),
]);
const Outcomes = Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 50, default: [], description: 'call outcomes that count as a conversion' });

export const IndividualDef = Type.Object({
  items: Type.Array(Type.Object({
    kpi: Kpi, target: Type.Number({ minimum: 0, maximum: 1e9 }), weight: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'percent of the KPI part' }), rule: Rule, better: Better,
  }, { additionalProperties: false }), { maxItems: 20 }),
  conversionOutcomes: Outcomes,
  parts: Type.Object({ kpi: Type.Number({ minimum: 0, maximum: 100 }), review: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false, default: { kpi: 70, review: 30 } }),
  reviewWeights: Type.Object({ self: Type.Number({ minimum: 0, maximum: 100 }), supervisor: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false, default: { self: 30, supervisor: 70 } }),
  complaintDeduction: Type.Number({ minimum: 0, maximum: 1000, default: 50, description: 'points off per substantiated complaint' }),
  grades: Type.Object({ A: Points, B: Points, C: Points, D: Points }, { additionalProperties: false, default: { A: 90, B: 80, C: 70, D: 60 } }),
  appealDays: Type.Integer({ minimum: 1, maximum: 90, default: 7, description: 'days an appeal may wait for its answer' }),
  teamSchemeId: Type.Union([Type.Null(), Uuid], { default: null }),
  boundByTeam: Type.Boolean({ default: false, description: 'a member\'s grade is at best the team\'s' }),
  teamIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 200, description: 'only the agents of these teams (default: every agent)' })),
}, { additionalProperties: false });

export const TeamDef = Type.Object({
  items: Type.Array(Type.Object({ kpi: Kpi, level: Type.Integer({ minimum: 1, maximum: 4 }), better: Better }, { additionalProperties: false }), { maxItems: 20 }),
  conversionOutcomes: Outcomes,
  grades: Type.Object({ A: Points, B: Type.Optional(Points), C: Type.Optional(Points), D: Type.Optional(Points) }, { additionalProperties: false, default: { A: 92 } }),
  teamIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 200 })),
}, { additionalProperties: false });

const Kind = Type.Union([Type.Literal('individual'), Type.Literal('team')]);
export const SchemeIn = Type.Object({
  name: Text(200),
  kind: Kind,
  definition: Type.Unknown({ description: 'individual: { items[{kpi,target,weight,rule,better?}], conversionOutcomes, parts{kpi,review}, reviewWeights{self,supervisor}, complaintDeduction, grades{A,B,C,D}, appealDays, teamSchemeId, boundByTeam }; team: { items[{kpi,level 1–4,better?}], conversionOutcomes, grades{A,B?,C?,D?}, teamIds? }' }),
}, { additionalProperties: false });
export const SchemePut = Type.Object({ name: Text(200), definition: SchemeIn.properties.definition }, { additionalProperties: false });
export const SchemeOut = Type.Object({ id: Type.String(), name: Type.String(), kind: Kind, definition: Type.Unknown(), createdAt: Type.String(), updatedAt: Type.String() });
export const SchemeQuery = Type.Object({ ...ListQuery, kind: Type.Optional(Kind) }, { additionalProperties: false });

const State = Type.Union([Type.Literal('open'), Type.Literal('computed'), Type.Literal('reviewed'), Type.Literal('published')]);
export const PeriodIn = Type.Object({
  schemeId: Uuid,
  month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM: the whole month in timeZone (the default period)' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: "IANA zone of the month, e.g. Asia/Shanghai; default the office's `timezone` (config), the zone the statistics' buckets default to" })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'instead of month: any period [from, to)' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  label: Type.Optional(Text(100)),
  items: Type.Optional(TeamDef.properties.items),
}, { additionalProperties: false });
export const PeriodOut = Type.Object({
  id: Type.String(), schemeId: Type.String(), kind: Kind, label: Type.String(), from: Type.String(), to: Type.String(), state: State,
  definition: Type.Unknown(), computedAt: Nullable(Type.String()), publishedAt: Nullable(Type.String()), createdAt: Type.String(),
});
export const PeriodQuery = Type.Object({ ...ListQuery, schemeId: Type.Optional(Uuid), state: Type.Optional(State) }, { additionalProperties: false });

const CardItem = Type.Object({ kpi: Type.String(), value: Nullable(Type.Number()), target: Type.Number(), score: Type.Number(), weight: Type.Number(), weighted: Type.Number() });
export const CardOut = Type.Object({
  id: Type.String(), periodId: Type.String(), agentId: Type.String(), teamId: Nullable(Type.String()), items: Type.Array(CardItem),
  kpiScore: Type.Number(), selfScore: Nullable(Type.Number()), supervisorScore: Nullable(Type.Number()), reviewScore: Type.Number(),
  deductions: Type.Number(), adjustments: Type.Number(), total: Type.Number(), rank: Type.Integer(),
  ownGrade: Grade, teamGrade: Nullable(Grade), grade: Grade, updatedAt: Type.String(),
});
export const DeductionOut = Type.Object({
  id: Type.String(), periodId: Type.String(), agentId: Type.String(), kind: Type.String(), complaintId: Nullable(Type.String()), points: Type.Number(),
  reason: Type.String(), createdBy: Type.String(), createdAt: Type.String(), voidedAt: Nullable(Type.String()), voidedBy: Nullable(Type.String()), voidReason: Nullable(Type.String()),
});
export const ChangeOut = Type.Object({ id: Type.String(), at: Type.String(), actor: Type.String(), reason: Type.String(), before: Type.Unknown(), after: Type.Unknown() });
export const ReviewOut = Type.Object({ agentId: Type.String(), kind: Type.String(), score: Type.Number(), comment: Nullable(Type.String()), by: Type.String(), at: Type.String() });
export const CardDetail = Type.Object({ ...CardOut.properties, period: PeriodOut, reviews: Type.Array(ReviewOut), deductionList: Type.Array(DeductionOut), history: Type.Array(ChangeOut) });
export const CardQuery = Type.Object({ ...ListQuery, periodId: Type.Optional(Uuid), agentId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });

const TeamItem = Type.Object({ kpi: Type.String(), level: Type.Integer(), value: Nullable(Type.Number()), rank: Type.Integer(), points: Type.Number() });
export const ResultsOut = Type.Object({
  period: PeriodOut,
  cards: Type.Array(CardOut, { description: 'individual periods: every card by rank' }),
  teams: Type.Array(Type.Object({ teamId: Type.String(), items: Type.Array(TeamItem), total: Type.Number(), rank: Type.Integer(), grade: Grade }), { description: 'team periods: every team by rank' }),
});

export const ReviewIn = Type.Object({
  agentId: Type.String({ minLength: 1, maxLength: 100 }),
  kind: Type.Union([Type.Literal('self'), Type.Literal('supervisor')], { description: 'self (自评, the agent only) or supervisor (主管评分)' }),
  score: Type.Number({ minimum: 0, maximum: 100 }),
  comment: Type.Optional(Nullable(Type.String({ maxLength: 2000, pattern: '^[^\\u0000]*$' }))),
}, { additionalProperties: false });
export const DeductionIn = Type.Object({
  agentId: Type.String({ minLength: 1, maxLength: 100 }), points: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), reason: Text(500),
}, { additionalProperties: false });

const AppealStatus = Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('rejected')]);
export const AppealOut = Type.Object({
  id: Type.String(), scorecardId: Type.String(), deductionId: Nullable(Type.String()), agentId: Type.String(), reason: Type.String(), status: AppealStatus,
  dueAt: Type.String(), overdue: Type.Boolean(), answer: Nullable(Type.String()), adjustment: Nullable(Type.Number()), answeredBy: Nullable(Type.String()),
  answeredAt: Nullable(Type.String()), createdAt: Type.String(),
});
export const AppealIn = Type.Object({ reason: Text(2000), deductionId: Type.Optional(Uuid) }, { additionalProperties: false });
export const DecisionIn = Type.Object({
  status: Type.Union([Type.Literal('upheld'), Type.Literal('rejected')]), answer: Text(2000),
  adjustment: Type.Optional(Type.Number({ minimum: -1000, maximum: 1000, description: 'an upheld appeal of a whole card: points added to the total' })),
}, { additionalProperties: false });
export const AppealQuery = Type.Object({ ...ListQuery, status: Type.Optional(AppealStatus), overdue: Type.Optional(Type.Boolean()), agentId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
export const AppealParams = Type.Object({ id: Uuid, appealId: Uuid });
