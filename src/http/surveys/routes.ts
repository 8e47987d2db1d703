import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { assertMayActOnCall } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { callOnOwner } from '../cluster/needs-owner.ts';
import { FLOW_ID_PATTERN } from '../../core/ivr/schema.ts';

/**
 * POST /calls/{id}/survey: the agent hangs up and sends the caller to the
 * satisfaction survey instead (single line: the modem, still off-hook, runs
 * the survey flow; the phone that shared the line can be put down. Asterisk:
 * the agent's leg is ended and the caller's channel runs the flow; see
 * src/services/telephony/after-agent.ts).
 */
export const surveyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/calls/:id/survey', {
    config: { roles: ['admin', 'supervisor', 'agent', 'integrator'], nodeOwner: callOnOwner(ctx) },
    schema: {
      tags: ['calls'], summary: 'Send the caller to the post-call survey',
      description: 'A connected call (the agent\'s own): the caller hears the survey flow (`flow`, default care.surveyFlow) and the call ends with it. On a modem line the modem runs the flow while the agent puts the phone down; on an Asterisk line the agent\'s leg is hung up and the caller\'s channel runs the flow. 409 for a call not connected, or on Asterisk one with no queue agent on it.',
      params: IdParams,
      body: Type.Optional(Type.Object({ flow: Type.Optional(Type.String({ pattern: FLOW_ID_PATTERN, description: 'a published flow with a survey node' })) }, { additionalProperties: false })),
      response: { 202: Type.Object({ callId: Type.String(), flow: Type.String() }) },
    },
  }, async (req, reply) => {
    await assertMayActOnCall(ctx, req, req.params.id);
    const flow = req.body?.flow ?? ctx.config.care.surveyFlow;
    await ctx.flows.published(flow).catch(() => { throw new KefuError('BAD_REQUEST', `body.flow: no published flow "${flow}"`, { field: 'body.flow' }); });
    const session = ctx.telephony.session(req.params.id);
    if (session.ended) throw new KefuError('CONFLICT', 'the call has ended');
    await session.afterAgent.send(flow);
    return reply.status(202).send({ callId: req.params.id, flow });
  });
};
