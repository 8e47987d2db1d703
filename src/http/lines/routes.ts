import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { WRITERS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { PhoneInput } from '../common.ts';

const Line = Type.Object({
  id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), driver: Type.String(),
  state: Type.Union([Type.Literal('offline'), Type.Literal('idle'), Type.Literal('ringing'), Type.Literal('in-call')]),
  reason: Type.Union([Type.String(), Type.Null()]), device: Type.Unknown({ description: 'what the device reported when probed' }),
  callId: Type.Union([Type.String(), Type.Null()]), since: Type.String({ format: 'date-time' }), demo: Type.Boolean(),
  activeCalls: Type.Integer({ description: 'calls up on the line now' }), channels: Type.Integer({ description: 'calls the line carries at once' }),
});

const SimulateBody = Type.Object({
  number: Type.Union([Type.Null(), PhoneInput], { description: 'caller ID to present; null for a withheld number' }),
  name: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 40 })])),
  digits: Type.Optional(Type.String({ pattern: '^[0-9*#A-D]{0,32}$', description: 'keys the caller presses once answered' })),
  hangupAfterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'caller hangs up this long after the keys' })),
}, { additionalProperties: false });

/** /lines: line state and config; the demo line's "simulate an incoming call". */
export const lineRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['lines'];
  const withDemo = <T extends { id: string }>(l: T) => ({ ...l, demo: ctx.demo?.lineId === l.id });

  app.get('/lines', { schema: { tags, response: { 200: Type.Object({ items: Type.Array(Line) }) } } }, async () => ({ items: ctx.telephony.listLines().map(withDemo) }));
  app.get('/lines/:id', { schema: { tags, params: Type.Object({ id: Type.String() }), response: { 200: Line } } }, async (req) => withDemo(ctx.telephony.line(req.params.id)));

  // On the demo line anyone signed in may play the caller: that is what it is for.
  const DEMO_ROLES = [...WRITERS, 'agent' as const];
  const demoOnly = (id: string) => {
    if (!ctx.demo) throw new KefuError('NOT_FOUND', 'no demo line: start with kefu serve --demo');
    if (ctx.demo.lineId === null) throw new KefuError('UNPROCESSABLE', 'the simulated modem has no line yet: add it in the set-up wizard (POST /api/v1/setup/lines)');
    if (id !== ctx.demo.lineId) throw new KefuError('UNPROCESSABLE', `line ${id} is a real line; only the demo line "${ctx.demo.lineId}" can be simulated`);
    return ctx.demo;
  };

  app.post('/lines/:id/simulate/call', {
    config: { roles: DEMO_ROLES },
    schema: { tags, params: Type.Object({ id: Type.String() }), body: SimulateBody, description: 'Demo line only: a caller rings with this caller ID, and presses the digits once answered.', response: { 202: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req, reply) => {
    const demo = demoOnly(req.params.id);
    if (req.body.number !== null) ctx.numbers.require(req.body.number, 'body.number');
    await demo.call({ number: req.body.number, name: req.body.name ?? null, digits: req.body.digits ?? '', ...(req.body.hangupAfterMs !== undefined ? { hangupAfterMs: req.body.hangupAfterMs } : {}) });
    return reply.status(202).send({ ok: true });
  });

  app.post('/lines/:id/simulate/dtmf', {
    config: { roles: DEMO_ROLES },
    schema: { tags, params: Type.Object({ id: Type.String() }), body: Type.Object({ digits: Type.String({ pattern: '^[0-9*#A-D]{1,32}$' }) }, { additionalProperties: false }), response: { 202: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req, reply) => {
    await demoOnly(req.params.id).press(req.body.digits);
    return reply.status(202).send({ ok: true });
  });

  app.post('/lines/:id/simulate/say', {
    config: { roles: DEMO_ROLES },
    schema: {
      tags, params: Type.Object({ id: Type.String() }),
      body: Type.Object({
        text: Type.String({ minLength: 1, maxLength: 200, description: 'what the caller says, e.g. a contact\'s name' }),
        voice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')], { default: 'en-us' })),
      }, { additionalProperties: false }),
      description: 'Demo line only: the caller says this (text-to-speech into the line), e.g. a name for the voice directory.',
      response: { 202: Type.Object({ ok: Type.Boolean() }) },
    },
  }, async (req, reply) => {
    const text = req.body.text.trim();
    if (text === '') throw new KefuError('BAD_REQUEST', 'body.text is blank: expected the words the caller says');
    await demoOnly(req.params.id).say(text, req.body.voice ?? 'en-us');
    return reply.status(202).send({ ok: true });
  });

  app.post('/lines/:id/simulate/hangup', {
    config: { roles: DEMO_ROLES },
    schema: { tags, params: Type.Object({ id: Type.String() }), response: { 202: Type.Object({ ok: Type.Boolean() }) } },
  }, async (req, reply) => {
    await demoOnly(req.params.id).hangup();
    return reply.status(202).send({ ok: true });
  });
};
