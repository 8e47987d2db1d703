import { Type } from 'typebox';
import { ListQuery, Nullable, Uuid } from '../common.ts';

export const AgentIdIn = Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'an agent id' });
const Kind = Type.Union([Type.Literal('call'), Type.Literal('visit'), Type.Literal('sms')], { description: 'call, visit or sms' });
const Status = Type.Union([Type.Literal('open'), Type.Literal('overdue'), Type.Literal('done'), Type.Literal('cancelled')], {
  description: 'open, done or cancelled; overdue is an open task past its due time (derived)',
});
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const When = Type.String({ format: 'date-time', description: 'ISO 8601 instant with a zone, e.g. 2026-12-01T10:00:00+08:00' });

export const Task = Type.Object({
  id: Uuid, customerId: Nullable(Uuid), customerName: Nullable(Type.String()), customerPhone: Nullable(Type.String({ description: "the customer's first number (E.164)" })),
  ownerId: Nullable(Type.String()), kind: Kind, status: Status, title: Type.String(), notes: Nullable(Type.String()), outcome: Nullable(Type.String()),
  dueAt: Type.String({ format: 'date-time' }), callId: Nullable(Uuid), planId: Nullable(Uuid), occurrence: Nullable(Type.String()),
  firedAt: Nullable(Type.String({ format: 'date-time', description: 'when task.due was sent' })),
  createdBy: Nullable(Type.String()), createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })), closedBy: Nullable(Type.String()),
}, { $id: 'Task' });

export const TaskCreate = Type.Object({
  customerId: Type.Optional(Nullable(Uuid)),
  ownerId: Type.Optional(Nullable(AgentIdIn)),
  kind: Kind,
  title: Text(200),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  dueAt: When,
}, { additionalProperties: false });

export const TaskPatch = Type.Object({
  customerId: Type.Optional(Nullable(Uuid)),
  ownerId: Type.Optional(Nullable(AgentIdIn)),
  kind: Type.Optional(Kind),
  title: Type.Optional(Text(200)),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  dueAt: Type.Optional(When),
}, { additionalProperties: false, minProperties: 1 });

export const TaskComplete = Type.Object({
  outcome: Text(500, 'what came of it (e.g. reached, left a message, renewed)'),
  callId: Type.Optional(Uuid),
  notes: Type.Optional(Type.String({ maxLength: 10_000 })),
}, { additionalProperties: false });

export const TaskCancel = Type.Object({ reason: Type.Optional(Text(500)) }, { additionalProperties: false });

export const TaskQuery = Type.Object({
  ...ListQuery,
  due: Type.Optional(Type.Literal('today', { description: 'today: due within today (local day of the configured time zone)' })),
  owner: Type.Optional(AgentIdIn),
  status: Type.Optional(Status),
  kind: Type.Optional(Kind),
  customerId: Type.Optional(Uuid),
  planId: Type.Optional(Uuid),
  from: Type.Optional(When),
  to: Type.Optional(When),
}, { additionalProperties: false });
