import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams, Page } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { actorName, ownScope } from '../ownership.ts';
import { checkRefs } from '../tasks/routes.ts';
import { Complaint, ComplaintCreate, ComplaintPatch, ComplaintQuery, ComplaintTransition } from './schemas.ts';

const fields = { customer: 'body.customerId', call: 'body.callId', agent: 'body.agentId' };

/**
 * /complaints (投诉): recorded by anyone at the desk; an agent sees the ones
 * against them or recorded by them; only admins and supervisors change status.
 */
export const complaintRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const complaints = ctx.repos.complaints;
  const tags = ['complaints'];
  const scopeOf = (req: Parameters<typeof ownScope>[0]) => { const s = ownScope(req); return s === undefined ? undefined : { agentId: s }; };

  app.get('/complaints', { schema: { tags, summary: 'Complaints, newest first', querystring: ComplaintQuery, response: { 200: Page(Complaint) } } }, async (req) =>
    complaints.list(req.query, scopeOf(req)));

  app.post('/complaints', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, body: ComplaintCreate, response: { 201: Complaint } } }, async (req, reply) => {
    await checkRefs(ctx, { customerId: req.body.customerId, callId: req.body.callId, agentId: req.body.agentId }, fields);
    let customerId = req.body.customerId ?? null;
    if (!customerId && req.body.callId) customerId = (await ctx.repos.calls.get(req.body.callId)).customerId ?? null;
    return reply.status(201).send(await complaints.create({ ...req.body, customerId }, actorName(req)));
  });

  app.get('/complaints/:id', { schema: { tags, description: 'With its status history (who, when, why).', params: IdParams, response: { 200: Complaint } } }, async (req) =>
    complaints.get(req.params.id, scopeOf(req)));

  app.patch('/complaints/:id', { config: { roles: WRITERS }, schema: { tags, params: IdParams, body: ComplaintPatch, response: { 200: Complaint } } }, async (req) => {
    await checkRefs(ctx, { customerId: req.body.customerId, callId: req.body.callId, agentId: req.body.agentId }, fields);
    return complaints.update(req.params.id, req.body);
  });

  app.delete('/complaints/:id', { config: { roles: ['admin'] }, schema: { tags, params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await complaints.delete(req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/complaints/:id/transitions', {
    config: { roles: ['admin', 'supervisor'] },
    schema: { tags, summary: 'Change the status', description: 'open → investigating → substantiated | rejected → closed; anything else is 409.', params: IdParams, body: ComplaintTransition, response: { 200: Complaint } },
  }, async (req) => complaints.transition(req.params.id, req.body.to, { by: actorName(req), note: req.body.note ?? null, resolution: req.body.resolution ?? null }));
};
