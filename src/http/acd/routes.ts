import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { WRITERS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';

const Id = Type.String({ pattern: '^[a-z0-9-]+$', minLength: 1, maxLength: 64 });
const AgentState = Type.String({ description: 'logged-out | ready | ringing | on-call | wrap-up | paused' });
const AgentOut = Type.Object({
  id: Type.String(), name: Type.String(), state: AgentState, seatId: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Type.String(), Type.Null()]), callsTaken: Type.Integer(), missedInARow: Type.Integer(), since: Type.String({ format: 'date-time' }),
  skills: Type.Record(Type.String(), Type.Integer()),
});
const QueueSettings = Type.Object({
  ringTimeoutS: Type.Optional(Type.Integer({ minimum: 5, maximum: 120, description: 'seconds an agent phone rings before the next agent (at least 5; 15 or more for outside lines)' })),
  maxWaitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7200 })),
  wrapUpS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  maxMissed: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'missed offers in a row that pause the agent' })),
  serviceLevelS: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  skill: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }), min: Type.Integer({ minimum: 1, maximum: 10 }) }, { additionalProperties: false })),
}, { additionalProperties: false });

/** /agents (both modes), /queues (the ACD, needs the Asterisk backend), /seats. */
export const acdRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const acd = () => {
    if (!ctx.acd) throw new KefuError('NOT_SUPPORTED', 'queues and agents need the multi-seat mode: configure asterisk and a line with driver asterisk');
    return ctx.acd;
  };
  const agentsOut = async () => {
    const rows = new Map((await ctx.repos.acd.agents()).map((a) => [a.id, a]));
    return ctx.agents.list().filter((a) => rows.has(a.id)).map((a) => ({
      id: a.id, name: rows.get(a.id)!.name, skills: rows.get(a.id)!.skills, state: a.state, seatId: a.seatId, reason: a.reason, callId: a.callId,
      callsTaken: a.callsTaken, missedInARow: a.missedInARow, since: new Date(a.since).toISOString(),
    }));
  };

  app.get('/agents', { schema: { tags: ['acd'], response: { 200: Type.Object({ items: Type.Array(AgentOut) }) } } }, async () => ({ items: await agentsOut() }));

  app.post('/agents', {
    config: { roles: ['admin', 'supervisor'] },
    schema: { tags: ['acd'], body: Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 100 }), skills: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 10 }))) }, { additionalProperties: false }) },
  }, async (req, reply) => {
    await ctx.repos.acd.createAgent(req.body);
    await ctx.agents.load();
    await ctx.acd?.load();
    return reply.status(201).send((await agentsOut()).find((a) => a.id === req.body.id));
  });

  app.post('/agents/:id/state', {
    schema: {
      tags: ['acd'], params: Type.Object({ id: Type.String() }),
      body: Type.Object({
        state: Type.Union([Type.Literal('logged-in'), Type.Literal('ready'), Type.Literal('paused'), Type.Literal('logged-out')]),
        seatId: Type.Optional(Type.String({ description: 'the seat to log in at (needed when logged out)' })),
        reason: Type.Optional(Type.String({ maxLength: 60, description: 'pause reason: lunch, training, after-call work...' })),
      }, { additionalProperties: false }),
      response: { 200: AgentOut },
    },
  }, async (req) => {
    ctx.agents.setState(req.params.id, req.body);
    return (await agentsOut()).find((a) => a.id === req.params.id)!;
  });

  // Single-line mode has no queues: an empty list, not an error, so dashboards need no special case.
  app.get('/queues', { schema: { tags: ['acd'] } }, async () => ({ items: ctx.acd?.queueStats() ?? [] }));

  app.post('/queues', {
    config: { roles: WRITERS },
    schema: {
      tags: ['acd'],
      body: Type.Object({
        id: Id, name: Type.String({ minLength: 1, maxLength: 100 }),
        strategy: Type.Union([Type.Literal('ring-all'), Type.Literal('longest-idle'), Type.Literal('fewest-calls'), Type.Literal('round-robin'), Type.Literal('skills')]),
        members: Type.Optional(Type.Array(Id, { maxItems: 500 })), settings: Type.Optional(QueueSettings),
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    acd();
    const q = await ctx.repos.acd.createQueue(req.body);
    await ctx.acd!.load();
    return reply.status(201).send(q);
  });

  app.get('/seats', { schema: { tags: ['acd'] } }, async () => ({
    items: ctx.config.seats.map((s) => ({ ...s, agentId: ctx.agents.list().find((a) => a.seatId === s.id)?.id ?? null })),
  }));
};
