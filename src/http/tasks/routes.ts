import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams, Page } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { actingAgent, actorName, assertMayActOnCall, ownScope } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { dayBounds, localDate } from '../../core/care/zoned.ts';
import { Task, TaskCancel, TaskComplete, TaskCreate, TaskPatch, TaskQuery } from './schemas.ts';

/** Refuses an id that names no customer / agent, naming the field (400, not a 404 of the route). */
export async function checkRefs(ctx: AppContext, refs: { customerId?: string | null | undefined; agentId?: string | null | undefined; callId?: string | null | undefined }, field: { customer: string; agent: string; call: string }): Promise<void> {
  if (refs.customerId) await ctx.repos.customers.get(refs.customerId).catch(() => { throw new KefuError('BAD_REQUEST', `${field.customer}: no customer ${refs.customerId}`, { field: field.customer }); });
  if (refs.callId) await ctx.repos.calls.get(refs.callId).catch(() => { throw new KefuError('BAD_REQUEST', `${field.call}: no call ${refs.callId}`, { field: field.call }); });
  if (refs.agentId && !(await ctx.repos.acd.agents()).some((a) => a.id === refs.agentId)) {
    throw new KefuError('BAD_REQUEST', `${field.agent}: no agent ${refs.agentId}`, { field: field.agent });
  }
}

/**
 * /tasks: follow-ups (回访). An agent sees, changes and completes only their
 * own tasks (another's is 404); admins and supervisors all of them.
 */
export const taskRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { tasks } = ctx.repos;
  const tags = ['tasks'];
  const fields = { customer: 'body.customerId', agent: 'body.ownerId', call: 'body.callId' };

  app.get('/tasks', {
    schema: { tags, summary: 'Follow-up tasks', description: 'Sorted by due time. `due=today` with `owner`: an agent\'s due-today list (today in the configured `timezone`). Agents see their own only.', querystring: TaskQuery, response: { 200: Page(Task) } },
  }, async (req) => {
    const q = req.query;
    const scope = ownScope(req);
    if (scope !== undefined && q.owner !== undefined && q.owner !== scope) {
      throw new KefuError('FORBIDDEN', `querystring.owner: you see only agent ${scope}'s tasks`, { field: 'querystring.owner' });
    }
    let dueFrom = q.from ? new Date(q.from) : undefined;
    let dueTo = q.to ? new Date(q.to) : undefined;
    if (q.due === 'today') {
      const b = dayBounds(localDate(new Date(), ctx.config.timezone), ctx.config.timezone);
      dueFrom = dueFrom && dueFrom > b.start ? dueFrom : b.start;
      dueTo = dueTo && dueTo < b.end ? dueTo : b.end;
    }
    return tasks.list({ limit: q.limit, cursor: q.cursor, ownerId: scope ?? q.owner, status: q.status, kind: q.kind, customerId: q.customerId, planId: q.planId, dueFrom, dueTo });
  });

  app.post('/tasks', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, body: TaskCreate, response: { 201: Task } } }, async (req, reply) => {
    const b = req.body;
    const scope = ownScope(req);
    const ownerId = scope === undefined ? b.ownerId ?? null : actingAgent(req, b.ownerId ?? undefined, 'body.ownerId');
    await checkRefs(ctx, { customerId: b.customerId, agentId: ownerId }, fields);
    const t = await tasks.create({ customerId: b.customerId ?? null, ownerId, kind: b.kind, title: b.title, notes: b.notes ?? null, dueAt: new Date(b.dueAt) }, actorName(req));
    return reply.status(201).send(t);
  });

  app.get('/tasks/:id', { schema: { tags, params: IdParams, response: { 200: Task } } }, async (req) => tasks.get(req.params.id, ownScope(req)));

  app.patch('/tasks/:id', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, description: 'An open task only; a new dueAt makes it fall due (task.due) again.', params: IdParams, body: TaskPatch, response: { 200: Task } } }, async (req) => {
    const scope = ownScope(req);
    const b = req.body;
    if (scope !== undefined && b.ownerId !== undefined && b.ownerId !== scope) actingAgent(req, b.ownerId ?? '', 'body.ownerId');
    await checkRefs(ctx, { customerId: b.customerId, agentId: b.ownerId }, fields);
    const { dueAt, ...rest } = b;
    return tasks.update(req.params.id, { ...rest, ...(dueAt !== undefined ? { dueAt: new Date(dueAt) } : {}) }, scope);
  });

  app.delete('/tasks/:id', { config: { roles: WRITERS }, schema: { tags, params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await tasks.delete(req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/tasks/:id/complete', {
    config: { roles: [...WRITERS, 'agent'] },
    schema: { tags, summary: 'Complete a task', description: 'With `callId`, the call it was done on is linked (an agent: one of their own calls).', params: IdParams, body: TaskComplete, response: { 200: Task } },
  }, async (req) => {
    const scope = ownScope(req);
    await tasks.get(req.params.id, scope);
    const { callId, outcome, notes } = req.body;
    if (callId) {
      await checkRefs(ctx, { callId }, fields);
      await assertMayActOnCall(ctx, req, callId);
    }
    return tasks.transition(req.params.id, 'complete', { outcome, callId: callId ?? null, notes: notes ?? null, by: actorName(req) }, scope);
  });

  app.post('/tasks/:id/cancel', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, params: IdParams, body: TaskCancel, response: { 200: Task } } }, async (req) =>
    tasks.transition(req.params.id, 'cancel', { notes: req.body.reason ?? null, by: actorName(req) }, ownScope(req)));

  app.post('/tasks/:id/reopen', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, params: IdParams, response: { 200: Task } } }, async (req) =>
    tasks.transition(req.params.id, 'reopen', { outcome: null, by: actorName(req) }, ownScope(req)));
};
