import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { WRITERS } from '../auth.ts';
import { assertMayActAsAgent } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { FLOW_ID_PATTERN } from '../../core/ivr/schema.ts';

const Id = Type.String({ pattern: '^[a-z0-9-]+$', minLength: 1, maxLength: 64 });
const AgentState = Type.String({ description: 'logged-out | ready | ringing | on-call | wrap-up | paused' });
const AgentOut = Type.Object({
  id: Type.String(), name: Type.String(), state: AgentState, seatId: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Type.String(), Type.Null()]), callsTaken: Type.Integer(), missedInARow: Type.Integer(), since: Type.String({ format: 'date-time' }),
  wrapUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'in wrap-up: when it ends (the queue\'s wrapUpS after the call; console.wrapUpS for a call taken at the desk); null otherwise' }),
  skills: Type.Record(Type.String(), Type.Integer()),
});
const QueueSettings = Type.Object({
  ringTimeoutS: Type.Optional(Type.Integer({ minimum: 5, maximum: 120, description: 'seconds an agent phone rings before the next agent (at least 5; 15 or more for outside lines)' })),
  maxWaitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7200 })),
  wrapUpS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  maxMissed: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'missed offers in a row that pause the agent' })),
  serviceLevelS: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  skill: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }), min: Type.Integer({ minimum: 1, maximum: 10 }) }, { additionalProperties: false })),
  announceEveryS: Type.Optional(Type.Integer({ minimum: 5, maximum: 600, description: 'seconds between announcements to each waiting caller (music on hold stops, then resumes); absent: no announcements' })),
  announcePosition: Type.Optional(Type.Boolean({ description: 'say the caller\'s place in the queue (default true)' })),
  announceWait: Type.Optional(Type.Boolean({ description: 'say the estimated wait: place × (recent mean handle time + wrap-up) / agents staffed; left out while there is no history (default true)' })),
  announceVoice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')], { description: 'TTS voice of the announcements (default en-us)' })),
  exitKey: Type.Optional(Type.String({ pattern: '^[0-9*#]$', description: 'a key that takes the caller out of the queue to the overflow target' })),
  overflow: Type.Optional(Type.Union([
    Type.Object({ type: Type.Literal('hangup') }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('queue'), queueId: Id }, { additionalProperties: false }),
    Type.Object({
      type: Type.Literal('voicemail'), maxS: Type.Optional(Type.Integer({ minimum: 5, maximum: 600, description: 'longest message in seconds (default 120)' })),
      prompt: Type.Optional(Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }), voice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')])) }, { additionalProperties: false })),
    }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('flow'), flowId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  ], { description: 'where the caller goes on timeout (maxWaitS) or exit key: hangup (default; disposition overflow), another queue, voicemail, or an IVR flow' })),
  surveyFlow: Type.Optional(Type.Union([Type.String({ pattern: FLOW_ID_PATTERN, maxLength: 64 }), Type.Null()], {
    description: 'a published flow with a survey node: when the agent hangs up, every answered caller of this queue stays on the line and hears it (the post-call survey); null (default): the caller is hung up',
  })),
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
      wrapUpUntil: a.wrapUpUntil === null ? null : new Date(a.wrapUpUntil).toISOString(),
    }));
  };

  // cluster.enabled: the live states are the owner's (its agent board and ACD), so these reads are served there too
  app.get('/agents', { config: { nodeOwner: true }, schema: { tags: ['acd'], response: { 200: Type.Object({ items: Type.Array(AgentOut) }) } } }, async () => ({ items: await agentsOut() }));

  // cluster.enabled: agent and queue changes go to the Asterisk node's owner, whose ACD rings the seats
  app.post('/agents', {
    config: { roles: ['admin', 'supervisor'], nodeOwner: true },
    schema: { tags: ['acd'], body: Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 100 }), skills: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 10 }))) }, { additionalProperties: false }) },
  }, async (req, reply) => {
    await ctx.repos.acd.createAgent(req.body);
    await ctx.agents.sync();
    await ctx.acd?.load();
    return reply.status(201).send((await agentsOut()).find((a) => a.id === req.body.id));
  });

  app.post('/agents/:id/state', {
    config: { nodeOwner: true },
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
    assertMayActAsAgent(req, req.params.id);
    await ctx.agents.setState(req.params.id, req.body);
    return (await agentsOut()).find((a) => a.id === req.params.id)!;
  });

  // Single-line mode has no queues: an empty list, not an error, so dashboards need no special case.
  // With a cluster, `allNodes`: the queue's callers waiting on every node (the shared waiting list, sql/029) and today's
  // figures from every node's call records (finished calls); the rest is this node's.
  app.get('/queues', { config: { nodeOwner: true }, schema: { tags: ['acd'] } }, async () => {
    const items = ctx.acd?.queueStats() ?? [];
    if (!ctx.config.cluster.enabled || !ctx.acd) return { items };
    const all = await ctx.acd.allNodes();
    return { items: items.map((q) => ({ ...q, allNodes: all.get(q.queueId) ?? { waiting: 0, longestWaitMs: 0 } })) };
  });

  app.post('/queues', {
    config: { roles: WRITERS, nodeOwner: true },
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
    const overflow = req.body.settings?.overflow;
    if (overflow?.type === 'queue') {
      if (overflow.queueId === req.body.id) throw new KefuError('BAD_REQUEST', 'body.settings.overflow.queueId: a queue cannot overflow into itself', { field: 'body.settings.overflow.queueId' });
      if (!acd().queueStats().some((q) => q.queueId === overflow.queueId)) {
        throw new KefuError('BAD_REQUEST', `body.settings.overflow.queueId: no queue ${overflow.queueId} (create it first)`, { field: 'body.settings.overflow.queueId' });
      }
    }
    if (overflow?.type === 'flow') {
      await ctx.flows.published(overflow.flowId).catch(() => {
        throw new KefuError('BAD_REQUEST', `body.settings.overflow.flowId: no published flow ${overflow.flowId}`, { field: 'body.settings.overflow.flowId' });
      });
    }
    const surveyFlow = req.body.settings?.surveyFlow;
    if (surveyFlow) {
      await ctx.flows.published(surveyFlow).catch(() => {
        throw new KefuError('BAD_REQUEST', `body.settings.surveyFlow: no published flow ${surveyFlow}`, { field: 'body.settings.surveyFlow' });
      });
    }
    const q = await ctx.repos.acd.createQueue(req.body);
    await ctx.acd!.load();
    return reply.status(201).send(q);
  });

  app.get('/seats', {
    config: { nodeOwner: true },
    schema: {
      tags: ['acd'],
      description: 'Configured seats, the agent logged in at each, and the click-to-dial request waiting for a line, if any (with its place in the wait).',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), endpoint: Type.String(), agentId: Type.Union([Type.String(), Type.Null()]),
            waitingForLine: Type.Union([Type.Object({ callId: Type.String(), number: Type.String(), lineIds: Type.Array(Type.String()), since: Type.String({ format: 'date-time' }), position: Type.Integer() }), Type.Null()]),
          })),
          waitingForLine: Type.Integer({ description: 'seats waiting for a line' }),
        }),
      },
    },
  }, async () => {
    const waits = ctx.pbx?.seatWaits() ?? [];
    return {
      items: ctx.config.seats.map((s) => {
        const w = waits.find((x) => x.seatId === s.id);
        return {
          ...s, agentId: ctx.agents.list().find((a) => a.seatId === s.id)?.id ?? null,
          waitingForLine: w ? { callId: w.callId, number: w.number, lineIds: w.lineIds, since: w.since, position: w.position } : null,
        };
      }),
      waitingForLine: waits.length,
    };
  });
};
