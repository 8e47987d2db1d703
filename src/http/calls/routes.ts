import { createReadStream, existsSync, statSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { actingAgent, assertMayActOnCall } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { callOnOwner, seatDialOnOwner } from '../cluster/needs-owner.ts';
import { ActiveCall, CallDetail, CallList, CallQuery } from './schemas.ts';

/** At most this many calls of other nodes in GET /calls/active (a wallboard's page; more is a runaway, not a call centre). */
const ACTIVE_ELSEWHERE = 2000;

/** /calls: call records (CDR), active calls, the call's recording, hang-up. */
export const callRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['calls'];
  // cluster.enabled: these run on the owner of the node whose line carries the call (forwarded there from any daemon)
  const nodeOwner = callOnOwner(ctx);

  app.get('/calls', { schema: { tags, querystring: CallQuery, response: { 200: CallList } } }, async (req) => {
    const { number, ...rest } = req.query;
    return ctx.repos.calls.list({ ...rest, number: number === undefined ? undefined : ctx.numbers.require(number, 'querystring.number') });
  });

  // cluster.enabled: this daemon's live calls, and the calls open on the other nodes' lines as their owners wrote them (a standby: its own node's too)
  const pbxLines = new Set(ctx.config.lines.filter((l) => l.driver === 'asterisk').map((l) => l.id));
  app.get('/calls/active', {
    schema: { tags, description: 'The calls up now. With a cluster, on any daemon: every node\'s (this daemon\'s own from memory, the others\' from the database); during a database outage this daemon\'s only.', response: { 200: Type.Object({ items: Type.Array(ActiveCall) }) } },
  }, async (req) => {
    const here = ctx.telephony.activeCalls();
    const cluster = ctx.cluster;
    if (!cluster) return { items: here };
    const ids = new Set(here.map((c) => c.id));
    const elsewhere = await cluster.openCallsElsewhere(ACTIVE_ELSEWHERE).catch((err: unknown) => {
      req.log.warn({ err }, 'the other nodes\' calls could not be read: this daemon\'s calls only');
      return [];
    });
    return { items: [...here.map((c) => (pbxLines.has(c.lineId) ? { ...c, node: cluster.node } : c)), ...elsewhere.filter((c) => !ids.has(c.id))] };
  });

  app.get('/calls/:id', { schema: { tags, params: IdParams, response: { 200: CallDetail } } }, async (req) => ({
    ...await ctx.repos.calls.get(req.params.id), legs: await ctx.repos.legs.forCall(req.params.id),
  }));

  app.get('/calls/:id/recording', {
    schema: { tags, params: IdParams, description: 'The call recording as audio/wav (8 kHz mono 16-bit).' },
  }, async (req, reply) => {
    await ctx.repos.calls.get(req.params.id);
    const rec = await ctx.repos.recordings.forCall(req.params.id);
    if (!rec || !existsSync(rec.path)) throw new KefuError('NOT_FOUND', `call ${req.params.id} has no recording`);
    if (rec.state === 'recording') throw new KefuError('CONFLICT', 'the recording is still in progress');
    const size = statSync(rec.path).size;
    return reply.header('content-type', 'audio/wav').header('content-length', size)
      .header('x-checksum-sha256', rec.sha256 ?? '').send(createReadStream(rec.path));
  });

  app.post('/calls', {
    config: { roles: [...WRITERS, 'agent'], nodeOwner: seatDialOnOwner, nodeOfLine: true, errors: { 409: 'do-not-call number, or every line busy (LINE_BUSY)', 429: 'clickToDial.maxWaiting requests wait for a line already', 503: 'the PBX is unreachable' } },
    schema: {
      tags,
      description: 'Click-to-dial. Multi-seat mode (seatId): ring the seat, then the customer through a line; bridged when the customer answers. '
        + 'A modem line (no seatId): the modem dials the customer; lift the phone that shares the line and talk while the modem records; '
        + 'the call ends when the customer hangs up or on POST /calls/{id}/hangup (dispositions completed, busy, no-answer, no-dialtone, cancelled, failed). '
        + 'The call is the signed-in user\'s agent\'s (or body.agentId). Do-not-call entries are refused (409). '
        + 'Every line busy: 409 LINE_BUSY (details.reason all-lines-busy), or with ifLinesBusy wait (default: config clickToDial.whenLinesBusy) 202 with waiting true '
        + 'and the place in the wait; the seat rings when a line is free (GET /seats shows waitingForLine); 429 when clickToDial.maxWaiting requests wait already.',
      body: Type.Object({
        seatId: Type.Optional(Type.String({ description: 'multi-seat mode: the seat whose phone rings first (required there)' })),
        number: Type.String({ minLength: 1, maxLength: 40, description: 'the customer, in any written form' }),
        lineId: Type.Optional(Type.String()), agentId: Type.Optional(Type.String()),
        ifLinesBusy: Type.Optional(Type.Union([Type.Literal('refuse'), Type.Literal('wait')], { description: 'every line busy: refuse, or wait for a line' })),
      }, { additionalProperties: false }),
      response: { 202: Type.Object({ callId: Type.String(), waiting: Type.Boolean({ description: 'true: every line is busy, the seat waits for one' }), position: Type.Union([Type.Integer(), Type.Null()]) }) },
    },
  }, async (req, reply) => {
    const agentId = actingAgent(req, req.body.agentId) ?? undefined;
    if (agentId && ctx.agents.list().every((a) => a.id !== agentId)) throw new KefuError('BAD_REQUEST', `body.agentId: no agent ${agentId}`, { field: 'body.agentId' });
    const { seatId, ...rest } = req.body;
    if (seatId && ctx.pbx) return reply.status(202).send(await ctx.pbx.clickToDial({ ...rest, seatId, ...(agentId ? { agentId } : {}) }));
    if (!seatId && ctx.telephony.canDial) {
      const call = ctx.telephony.dial({ number: req.body.number, lineId: req.body.lineId, agentId });
      return reply.status(202).send({ callId: call.id, waiting: false, position: null });
    }
    if (ctx.pbx) throw new KefuError('BAD_REQUEST', 'body.seatId: required in the multi-seat mode (the seat whose phone rings first)', { field: 'body.seatId' });
    throw new KefuError('NOT_SUPPORTED', 'click-to-dial needs a modem line, or the multi-seat mode (an Asterisk line and seats)');
  });

  app.post('/calls/:id/monitor', {
    config: { roles: ['admin', 'supervisor'], nodeOwner, nodeOfCall: true },
    schema: {
      tags, params: IdParams, description: "Supervisor: the seat's phone rings, then listens to the call, whispers to the agent (the caller does not hear), or barges in.",
      body: Type.Object({ mode: Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')]), seatId: Type.String() }, { additionalProperties: false }),
      response: { 202: Type.Object({ monitorId: Type.String() }) },
    },
  }, async (req, reply) => {
    if (!ctx.pbx) throw new KefuError('NOT_SUPPORTED', 'monitoring needs the multi-seat mode (Asterisk)');
    return reply.status(202).send({ monitorId: await ctx.pbx.monitor(req.params.id, req.body.mode, req.body.seatId) });
  });

  app.post('/calls/:id/play', {
    config: { roles: [...WRITERS, 'agent'], nodeOwner, nodeOfCall: true },
    schema: {
      tags, params: IdParams, description: 'Play a text prompt (TTS) or a stored recording into the live call.',
      body: Type.Union([
        Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }), voice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')])) }, { additionalProperties: false }),
        Type.Object({ recordingId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      ]),
      response: { 202: Type.Object({ ok: Type.Boolean() }) },
    },
  }, async (req, reply) => {
    await assertMayActOnCall(ctx, req, req.params.id);
    const session = ctx.telephony.session(req.params.id);
    const b = req.body as { text?: string; voice?: 'en-us' | 'cmn'; recordingId?: string };
    const pcm = await ctx.prompts.resolve(b.text !== undefined ? { text: b.text, voice: b.voice ?? 'en-us' } : { file: b.recordingId! });
    session.playInto(pcm);
    return reply.status(202).send({ ok: true });
  });

  app.post('/calls/:id/recording/start', {
    config: { roles: [...WRITERS, 'agent'], nodeOwner, nodeOfCall: true },
    schema: { tags, params: IdParams, description: 'Start recording the live call now (selective recording on demand).', response: { 202: Type.Object({ recordingId: Type.String() }) } },
  }, async (req, reply) => {
    await assertMayActOnCall(ctx, req, req.params.id);
    return reply.status(202).send({ recordingId: ctx.telephony.session(req.params.id).startRecording() });
  });

  app.post('/calls/:id/recording/stop', {
    config: { roles: [...WRITERS, 'agent'], nodeOwner, nodeOfCall: true },
    schema: { tags, params: IdParams, description: 'Stop the recording in progress; it is sealed at once (recording.ready).', response: { 202: Type.Object({ recordingId: Type.String() }) } },
  }, async (req, reply) => {
    await assertMayActOnCall(ctx, req, req.params.id);
    return reply.status(202).send({ recordingId: await ctx.telephony.session(req.params.id).stopRecording() });
  });

  app.post('/calls/:id/hangup', {
    config: { roles: [...WRITERS, 'agent'], nodeOwner, nodeOfCall: true },
    schema: { tags, params: IdParams, description: 'Hang up a live call; a click-to-dial call (also one still waiting for a line) ends as well.', response: { 202: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req, reply) => {
    await assertMayActOnCall(ctx, req, req.params.id);
    if (!(await ctx.pbx?.hangupOutbound(req.params.id))) await ctx.telephony.hangup(req.params.id);
    return reply.status(202).send({ ok: true });
  });
};
