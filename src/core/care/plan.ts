/**
 * A care plan as data: one TypeBox schema shared by the API, the console's
 * editor and the scheduler (like IVR flows).
 */
import { Type, type Static } from 'typebox';

const AgentId = Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'an agent id' });
const Label = Type.String({ minLength: 1, maxLength: 40 });

export const PlanSegmentSchema = Type.Object({
  tiers: Type.Optional(Type.Array(Label, { minItems: 1, maxItems: 20, description: 'customers of any of these tiers (e.g. vip)' })),
  tags: Type.Optional(Type.Array(Label, { minItems: 1, maxItems: 20, description: 'customers with any of these tags' })),
  statuses: Type.Optional(Type.Array(Label, { minItems: 1, maxItems: 20, description: 'customers with any of these business statuses' })),
  owners: Type.Optional(Type.Array(AgentId, { minItems: 1, maxItems: 100, description: 'customers managed by any of these agents (owner)' })),
  includeChurned: Type.Optional(Type.Boolean({ default: false, description: 'also customers marked churned' })),
}, { additionalProperties: false, description: 'which customers: every filter given must match (none: every customer)' });

export const PlanScheduleSchema = Type.Union([
  Type.Object({
    type: Type.Literal('every'),
    every: Type.Integer({ minimum: 1, maximum: 366, description: 'n units between occurrences' }),
    unit: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]),
    start: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first occurrence (local date, YYYY-MM-DD)' }),
  }, { additionalProperties: false, description: 'every n days, weeks or months from start (a quarter: every 3 months)' }),
  Type.Object({
    type: Type.Literal('yearly'),
    field: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'the customer attribute holding the date (YYYY-MM-DD or MM-DD), e.g. birthday' }),
    leadDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, description: 'make the task this many days before the date (default 0: on the day)' })),
  }, { additionalProperties: false, description: "yearly on a date of the customer's (customers.attributes)" }),
]);

export const PlanTaskSchema = Type.Object({
  kind: Type.Union([Type.Literal('call'), Type.Literal('visit'), Type.Literal('sms')]),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  ownerId: Type.Optional(AgentId),
  fallbackOwnerId: Type.Optional(AgentId),
  dueOffsetDays: Type.Optional(Type.Integer({ minimum: -60, maximum: 365, default: 0, description: 'days after the occurrence the task is due' })),
  dueTime: Type.Optional(Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '10:00', description: 'local time the task is due (HH:MM)' })),
}, {
  additionalProperties: false,
  description: "the task made per customer: owner is ownerId when given, else the customer's owner, else fallbackOwnerId (else unassigned)",
});

export type PlanSegment = Static<typeof PlanSegmentSchema>;
export type PlanSchedule = Static<typeof PlanScheduleSchema>;
export type PlanTaskTemplate = Static<typeof PlanTaskSchema>;

/** The owner of a plan's task for a customer with owner `customerOwner`. */
export const planTaskOwner = (t: PlanTaskTemplate, customerOwner: string | null): string | null =>
  t.ownerId ?? customerOwner ?? t.fallbackOwnerId ?? null;
