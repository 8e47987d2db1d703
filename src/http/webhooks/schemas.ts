import { Type } from 'typebox';
import { ListQuery, Nullable, Page, Uuid } from '../common.ts';
import { MAX_PATTERNS } from '../../core/webhooks/patterns.ts';

const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http:// or https:// URL the events are POSTed to (no user or password in it)' });
const Patterns = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1, maxItems: MAX_PATTERNS, description: 'event types (call.ended), families (call.*) or * for every event',
});
const Description = Type.String({ maxLength: 500 });

export const WebhookCreate = Type.Object({
  url: Url,
  events: Patterns,
  secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', description: 'the signing secret (16-200 printable ASCII characters); generated when not given' })),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  description: Type.Optional(Description),
}, { additionalProperties: false });

export const WebhookPatch = Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(Patterns),
  enabled: Type.Optional(Type.Boolean({ description: 'true also clears an automatic disable and its dead-letter count' })),
  description: Type.Optional(Description),
}, { additionalProperties: false, minProperties: 1 });

export const Webhook = Type.Object({
  id: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  description: Type.String(),
  secretPrefix: Type.String({ description: 'the first characters of the secret, to recognise it (the secret itself is shown once, when made)' }),
  consecutiveDeadLetters: Type.Integer(),
  disabledReason: Nullable(Type.String({ description: 'why kefu disabled it (webhooks.autoDisableAfter)' })),
  pending: Type.Integer({ description: 'deliveries waiting for a first attempt or a retry' }),
  dead: Type.Integer({ description: 'dead letters' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'Webhook' });

export const WebhookList = Page(Webhook);
export const WebhookWithSecret = Type.Object({ secret: Type.String({ description: 'the signing secret, shown this once' }), item: Webhook });

const Status = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('dead')]);

export const Delivery = Type.Object({
  id: Uuid,
  webhookId: Uuid,
  eventType: Type.String(),
  orderKey: Nullable(Type.String({ description: 'call:<id> or fax:<id>: deliveries with the same key go in publish order' })),
  status: Status,
  attempts: Type.Integer({ description: 'attempts in the current round (a replay starts a new one)' }),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  lastLatencyMs: Nullable(Type.Integer()),
  lastResponse: Nullable(Type.String({ description: 'the start of the last response body (webhooks.maxResponseBytes)' })),
  createdAt: Type.String({ format: 'date-time', description: 'when the event was published' }),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'WebhookDelivery' });

export const DeliveryDetail = Type.Object({ ...Delivery.properties, event: Type.Unknown({ description: 'the body as sent: {type, at, data}' }) });
export const DeliveryList = Page(Delivery);

export const DeliveryQuery = Type.Object({
  ...ListQuery,
  status: Type.Optional(Status),
  event: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'only this event type' })),
}, { additionalProperties: false });

export const WebhookListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });
