/**
 * The agent desk: take a call shown on the desktop (single line: the person
 * at the handset takes it; on the PBX the ACD assigns calls), and the
 * wrap-up: outcome and notes on the call record and the customer's history,
 * then ready (or paused) again.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { actingAgent, assertMayActOnCall } from '../ownership.ts';

const AgentField = Type.Optional(Type.String({ description: 'API keys: the agent acting (a signed-in user acts as their own agent)' }));

export const deskRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['calls'];
  const roles = ['admin', 'supervisor', 'agent', 'integrator'] as const;

  /** The agent a request acts as: the principal's own, or body.agentId where allowed (ownership.ts). */
  const agentOf = (req: FastifyRequest, bodyAgentId: string | undefined): string => {
    const id = actingAgent(req, bodyAgentId);
    if (!id) {
      const user = req.principal?.user;
      throw user
        ? new KefuError('CONFLICT', `user ${user.username} works as no agent: an admin sets the user's agent`)
        : new KefuError('BAD_REQUEST', 'body.agentId: required when acting with an API key bound to no agent', { field: 'body.agentId' });
    }
    return ctx.agents.require(id).id;
  };

  app.post('/calls/:id/claim', {
    config: { roles },
    schema: {
      tags, params: IdParams, description: 'An agent takes a call from the desktop (single line) and talks on the phone that shares the line: a ringing call is answered at once without the IVR, a call in the IVR leaves it; the modem records until the caller hangs up (or POST /calls/{id}/hangup). Its end starts wrap-up. 409 for a call that is queued, with an agent, blacklisted or on a PBX line.',
      body: Type.Optional(Type.Object({ agentId: AgentField }, { additionalProperties: false })),
    },
  }, async (req) => {
    const agentId = agentOf(req, req.body?.agentId);
    await assertMayActOnCall(ctx, req, req.params.id, { orFree: true });
    const session = ctx.telephony.session(req.params.id);
    if (session.ended) throw new KefuError('CONFLICT', 'the call has ended');
    session.assertCanTakeOver();
    const agent = ctx.agents.claim(agentId, req.params.id);
    session.takeOver(agentId);
    return { agentId, state: agent.state, callId: agent.callId };
  });

  app.post('/calls/:id/wrap-up', {
    // cluster.enabled: the agent's next state is the owner's (its ACD rings the seat)
    config: { roles, nodeOwner: true },
    schema: {
      tags, params: IdParams, description: "The agent's wrap-up: outcome and notes go on the call record and the customer's history; the agent is then ready (or paused).",
      body: Type.Object({
        outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'sale, resolved, callback, complaint...' })),
        notes: Type.Optional(Type.String({ maxLength: 10_000 })),
        then: Type.Optional(Type.Union([Type.Literal('ready'), Type.Literal('paused')], { default: 'ready' })),
        reason: Type.Optional(Type.String({ maxLength: 60, description: 'pause reason when then = paused' })),
        agentId: AgentField,
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const call = await ctx.repos.calls.get(req.params.id);
    const agentId = agentOf(req, req.body.agentId);
    await assertMayActOnCall(ctx, req, call.id);
    await ctx.calls.wrapUp(call.id, { agentId, outcome: req.body.outcome ?? null, notes: req.body.notes ?? null });
    const agent = ctx.agents.require(agentId);
    if (agent.state === 'wrap-up' || agent.state === 'ready' || agent.state === 'paused') {
      if (req.body.then === 'paused') await ctx.agents.setState(agentId, { state: 'paused', reason: req.body.reason ?? 'after-call work' });
      else if (agent.state === 'wrap-up') ctx.agents.wrapUpDone(agentId);
    }
    return ctx.repos.calls.get(call.id);
  });
};
