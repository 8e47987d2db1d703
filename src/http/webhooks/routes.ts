/**
 * /webhooks (admin only): subscriptions of integrators, their delivery log,
 * replay. A subscription's secret is in the create (and rotate) response
 * only. See docs/webhooks.md.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { ADMINS } from '../auth.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { patternProblem } from '../../core/webhooks/patterns.ts';
import { newSecret } from '../../core/webhooks/signature.ts';
import type { WebhookService } from '../../services/webhooks/webhook-service.ts';
import {
  Delivery, DeliveryDetail, DeliveryList, DeliveryParams, DeliveryQuery, Webhook, WebhookCreate, WebhookList, WebhookListQuery, WebhookPatch, WebhookWithSecret,
} from './schemas.ts';

const bad = (field: string, message: string) => new KefuError('BAD_REQUEST', `${field}: ${message}`, { field });

/** The URL as stored, or a 400 naming body.url. */
function checkUrl(raw: string, svc: WebhookService): string {
  let u: URL;
  try { u = new URL(raw); } catch { throw bad('url', 'is not a URL (write it whole: https://crm.example.com/kefu-events)'); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad('url', `must be http:// or https:// (not ${u.protocol})`);
  if (u.username || u.password) throw bad('url', 'must not carry a user or password: receivers check the signature instead');
  if (u.hash) throw bad('url', 'must not have a #fragment');
  if (!u.hostname) throw bad('url', 'has no host');
  const refused = svc.hosts.hostProblem(u.hostname);
  if (refused) throw bad('url', refused);
  return u.href;
}

function checkPatterns(events: string[]): string[] {
  events.forEach((p, i) => {
    const problem = patternProblem(p);
    if (problem) throw bad(`events.${i}`, problem);
  });
  return [...new Set(events)];
}

export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['webhooks'];
  const config = { roles: ADMINS };
  const repo = ctx.repos.webhooks;
  const svc = (): WebhookService => {
    if (!ctx.webhooks) throw new KefuError('UNPROCESSABLE', 'webhooks are not available');
    return ctx.webhooks;
  };

  app.get('/webhooks', {
    config, schema: { tags, summary: 'List webhook subscriptions', querystring: WebhookListQuery, response: { 200: WebhookList } },
  }, async (req) => repo.list(req.query));

  app.post('/webhooks', {
    config,
    schema: {
      tags, summary: 'Subscribe a URL to events',
      description: 'The secret (given, or generated when not) is in this response only; deliveries are signed with it (HMAC-SHA256, see docs/webhooks.md).',
      body: WebhookCreate, response: { 201: WebhookWithSecret },
    },
  }, async (req, reply) => {
    const b = req.body;
    const s = svc();
    const url = checkUrl(b.url, s);
    const events = checkPatterns(b.events);
    const secret = b.secret ?? newSecret();
    const item = await repo.create({ id: randomUUID(), url, events, secret, enabled: b.enabled ?? true, description: b.description ?? '' });
    await s.reload();
    return reply.status(201).send({ secret, item });
  });

  app.get('/webhooks/:id', {
    config, schema: { tags, summary: 'One webhook subscription', params: IdParams, response: { 200: Webhook } },
  }, async (req) => repo.get(req.params.id));

  app.patch('/webhooks/:id', {
    config, schema: { tags, summary: 'Change a subscription', params: IdParams, body: WebhookPatch, response: { 200: Webhook } },
  }, async (req) => {
    const b = req.body;
    const s = svc();
    const item = await repo.update(req.params.id, {
      ...(b.url !== undefined ? { url: checkUrl(b.url, s) } : {}),
      ...(b.events !== undefined ? { events: checkPatterns(b.events) } : {}),
      ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
    });
    await s.reload();
    return item;
  });

  app.delete('/webhooks/:id', {
    config, schema: { tags, summary: 'Delete a subscription and its delivery log', params: IdParams, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await repo.delete(req.params.id);
    await svc().reload();
    return reply.status(204).send(null);
  });

  app.post('/webhooks/:id/secret', {
    config,
    schema: {
      tags, summary: 'Replace the signing secret', description: 'A new secret is generated and shown in this response only; deliveries from now on are signed with it.',
      params: IdParams, response: { 200: WebhookWithSecret },
    },
  }, async (req) => {
    const secret = newSecret();
    const item = await repo.update(req.params.id, { secret });
    return { secret, item };
  });

  app.get('/webhooks/:id/deliveries', {
    config,
    schema: {
      tags, summary: 'The delivery log, newest first', description: '`?status=dead` lists the dead letters.',
      params: IdParams, querystring: DeliveryQuery, response: { 200: DeliveryList },
    },
  }, async (req) => {
    await repo.get(req.params.id);
    const { event, ...q } = req.query;
    return repo.deliveries(req.params.id, { ...q, eventType: event });
  });

  app.get('/webhooks/:id/deliveries/:deliveryId', {
    config, schema: { tags, summary: 'One delivery with the event sent', params: DeliveryParams, response: { 200: DeliveryDetail } },
  }, async (req) => repo.delivery(req.params.id, req.params.deliveryId));

  app.post('/webhooks/:id/deliveries/:deliveryId/replay', {
    config,
    schema: {
      tags, summary: 'Send a delivery again', description: 'Whatever its status: it is pending again with a new round of attempts, sent as soon as it is the first of its call.',
      params: DeliveryParams, response: { 202: Delivery },
    },
  }, async (req, reply) => {
    const d = await repo.replay(req.params.id, req.params.deliveryId, new Date());
    svc().wake();
    return reply.status(202).send(d);
  });

  app.post('/webhooks/:id/deliveries/replay-dead', {
    config,
    schema: {
      tags, summary: 'Send every dead letter again', params: IdParams,
      response: { 202: Type.Object({ replayed: Type.Integer() }) },
    },
  }, async (req, reply) => {
    await repo.get(req.params.id);
    const replayed = await repo.replayDead(req.params.id, new Date());
    svc().wake();
    return reply.status(202).send({ replayed });
  });
};
