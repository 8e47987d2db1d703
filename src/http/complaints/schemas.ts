import { Type } from 'typebox';
import { ListQuery, Nullable, Uuid } from '../common.ts';
import { AgentIdIn } from '../tasks/schemas.ts';

const Status = Type.Union([Type.Literal('open'), Type.Literal('investigating'), Type.Literal('substantiated'), Type.Literal('rejected'), Type.Literal('closed')], {
  description: 'open → investigating → substantiated | rejected → closed',
});

export const Complaint = Type.Object({
  id: Uuid, customerId: Nullable(Uuid), callId: Nullable(Uuid), agentId: Nullable(Type.String()), status: Status, summary: Type.String(),
  resolution: Nullable(Type.String()), createdBy: Nullable(Type.String()), createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  history: Type.Optional(Type.Array(Type.Object({ from: Nullable(Status), to: Status, by: Nullable(Type.String()), note: Nullable(Type.String()), at: Type.String({ format: 'date-time' }) }))),
}, { $id: 'Complaint' });

const Summary = Type.String({ minLength: 1, maxLength: 10_000 });
const Resolution = Nullable(Type.String({ maxLength: 10_000 }));

export const ComplaintCreate = Type.Object({
  summary: Summary,
  customerId: Type.Optional(Nullable(Uuid)), callId: Type.Optional(Nullable(Uuid)),
  agentId: Type.Optional(Nullable(AgentIdIn)), resolution: Type.Optional(Resolution),
}, { additionalProperties: false });

export const ComplaintPatch = Type.Object({
  summary: Type.Optional(Summary),
  customerId: Type.Optional(Nullable(Uuid)), callId: Type.Optional(Nullable(Uuid)),
  agentId: Type.Optional(Nullable(AgentIdIn)), resolution: Type.Optional(Resolution),
}, { additionalProperties: false, minProperties: 1 });

export const ComplaintTransition = Type.Object({
  to: Status,
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'why (kept in the history)' })),
  resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
}, { additionalProperties: false });

export const ComplaintQuery = Type.Object({
  ...ListQuery, customerId: Type.Optional(Uuid), agentId: Type.Optional(AgentIdIn), status: Type.Optional(Status),
}, { additionalProperties: false });
