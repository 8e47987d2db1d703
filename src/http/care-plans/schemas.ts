import { Type } from 'typebox';
import { ListQuery, Nullable, Uuid } from '../common.ts';
import { PlanScheduleSchema, PlanSegmentSchema, PlanTaskSchema } from '../../core/care/plan.ts';

const Name = Type.String({ minLength: 1, maxLength: 200 });

export const CarePlan = Type.Object({
  id: Uuid, name: Type.String(), active: Type.Boolean(), segment: PlanSegmentSchema, schedule: PlanScheduleSchema, task: PlanTaskSchema,
  createdBy: Nullable(Type.String()), createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
  lastRunAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'CarePlan' });

export const CarePlanCreate = Type.Object({
  name: Name, active: Type.Optional(Type.Boolean()), segment: Type.Optional(PlanSegmentSchema), schedule: PlanScheduleSchema, task: PlanTaskSchema,
}, { additionalProperties: false });

export const CarePlanPatch = Type.Object({
  name: Type.Optional(Name), active: Type.Optional(Type.Boolean()), segment: Type.Optional(PlanSegmentSchema),
  schedule: Type.Optional(PlanScheduleSchema), task: Type.Optional(PlanTaskSchema),
}, { additionalProperties: false, minProperties: 1 });

export const CarePlanQuery = Type.Object({ ...ListQuery, active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const PlanProgress = Type.Object({
  planId: Uuid,
  occurrence: Nullable(Type.String({ description: 'the current occurrence (its local date; a yearly plan: the year); null before the first' })),
  next: Nullable(Type.String({ description: 'the next occurrence of an every-n plan' })),
  created: Type.Integer(), done: Type.Integer(), open: Type.Integer(), overdue: Type.Integer(), cancelled: Type.Integer(),
});

export const PlanRun = Type.Object({
  planId: Uuid, occurrence: Nullable(Type.String()), created: Type.Integer({ description: 'tasks made by this run (0 when they all existed)' }),
  members: Type.Integer({ description: 'customers of the segment looked at' }),
});
