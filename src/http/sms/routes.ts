import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { publicSms } from '../../db/repos/sms.ts';
import type { SmsService } from '../../services/sms/sms-service.ts';
import { DemoInbound, DongleList, PageQuery, Sms, SmsList, SmsQuery, SmsSend, SmsSendResult, ThreadList, ThreadParams } from './schemas.ts';

/** /sms: send (one or many, text or template), the inbox and outbox, threads per number, dongle state. */
export const smsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const repo = ctx.repos.sms;
  const tags = ['sms'];
  const service = (): SmsService => {
    if (!ctx.sms) throw new KefuError('NOT_SUPPORTED', 'SMS is not set up: configure a dongle (sms: [{ id, driver: gsm-dongle, port }])');
    return ctx.sms;
  };

  app.post('/sms', {
    config: { errors: { 429: 'the SMS queue is full' } },
    schema: {
      tags, summary: 'Send SMS to one or many numbers',
      description: 'Queues one message per recipient (sent in order, at most sms[].ratePerMinute per dongle; the queue survives a restart). Do-not-contact numbers (blacklist, outbound) are refused: 422 DO_NOT_CONTACT when every recipient is refused, else listed in `refused`. Progress: `sms.status` events.',
      body: SmsSend, response: { 202: SmsSendResult },
    },
  }, async (req, reply) => {
    const to = Array.isArray(req.body.to) ? req.body.to : [req.body.to];
    const r = await service().send({ to, text: req.body.text, template: req.body.template });
    if (r.items.length === 0 && r.refused.length > 0) {
      const first = r.refused[0]!;
      throw new KefuError('UNPROCESSABLE', r.refused.length === 1 ? first.message : `no recipient can be sent to: ${r.refused.map((x) => x.message).join('; ')}`,
        { reason: first.code === 'DO_NOT_CONTACT' ? 'do-not-contact' : first.code.toLowerCase(), refused: r.refused });
    }
    return reply.status(202).send(r);
  });

  app.get('/sms', { schema: { tags, summary: 'List messages, newest first', querystring: SmsQuery, response: { 200: SmsList } } }, async (req) => {
    const { number, ...rest } = req.query;
    return repo.list({ ...rest, ...(number !== undefined ? { number: ctx.numbers.key(number) || number } : {}) });
  });

  app.get('/sms/threads', { schema: { tags, summary: 'Conversations: one per number, the latest first', querystring: PageQuery, response: { 200: ThreadList } } }, async (req) => repo.threads(req.query));

  app.get('/sms/threads/:number', {
    schema: { tags, summary: 'The messages with one number, newest first', params: ThreadParams, querystring: PageQuery, response: { 200: SmsList } },
  }, async (req) => repo.list({ ...req.query, number: ctx.numbers.key(req.params.number) || req.params.number }));

  app.get('/sms/dongles', { schema: { tags, summary: 'Dongle state: SIM, registration, signal, SMS centre, queue', response: { 200: DongleList } } }, async () => ({ items: ctx.sms ? await ctx.sms.dongles() : [] }));

  app.get('/sms/:id', { schema: { tags, summary: 'One message', params: IdParams, response: { 200: Sms } } }, async (req) => publicSms(await repo.get(req.params.id)));
};

/** /sms/demo/inbound: under `kefu serve --demo`, the simulated network delivers an SMS to the demo dongle. */
export const smsDemoRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/sms/demo/inbound', {
    config: { roles: ['admin', 'supervisor'] },
    schema: { tags: ['sms'], summary: 'Demo: the simulated network delivers an SMS', description: '404 unless the daemon runs with --demo.', body: DemoInbound, response: { 202: Type.Object({ accepted: Type.Boolean() }) } },
  }, async (req, reply) => {
    if (!ctx.smsDemo) throw new KefuError('NOT_FOUND', 'no simulated dongle: start the daemon with --demo');
    ctx.smsDemo.receive(ctx.numbers.require(req.body.from, 'body.from'), req.body.text);
    return reply.status(202).send({ accepted: true });
  });
};
