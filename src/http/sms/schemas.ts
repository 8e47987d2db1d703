import { Type } from 'typebox';
import { ListQuery, Nullable, Page, PhoneInput, Uuid } from '../common.ts';

/** Longest text or template accepted (10 UCS-2 parts or 6 GSM 7-bit parts fit well under it). */
export const MAX_SMS_TEXT = 700;
/** Recipients of one request. */
export const MAX_RECIPIENTS = 100;

const Status = Type.Union([Type.Literal('queued'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('received')], {
  description: 'queued (waiting for the dongle or its rate limit), sending, sent (the network took it), delivered (delivery report), failed (error says why), received (inbound)',
});
const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]);

export const Sms = Type.Object({
  id: Uuid,
  direction: Direction,
  number: Type.String({ description: 'E.164 (or a short code / alphanumeric sender as received)' }),
  text: Type.String(),
  parts: Type.Integer({ description: 'SMS parts it was sent or received in' }),
  encoding: Nullable(Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2'), Type.Literal('8bit')])),
  status: Status,
  dongleId: Nullable(Type.String()),
  customerId: Nullable(Uuid),
  error: Nullable(Type.String()),
  incomplete: Type.Boolean({ description: 'inbound: a part never came; text holds the parts that did' }),
  attempts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'Sms' });

export const SmsList = Page(Sms);
export const SmsQuery = Type.Object({
  ...ListQuery,
  number: Type.Optional(PhoneInput),
  direction: Type.Optional(Direction),
  status: Type.Optional(Status),
}, { additionalProperties: false });

export const SmsSend = Type.Object({
  to: Type.Union([PhoneInput, Type.Array(PhoneInput, { minItems: 1, maxItems: MAX_RECIPIENTS })], { description: `one number or a list (at most ${MAX_RECIPIENTS}), any written form` }),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SMS_TEXT })),
  template: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SMS_TEXT, description: 'instead of text: {{name}}, {{company}}, {{title}}, {{email}}, {{number}}, {{attributes.KEY}} from the customer with that number' })),
}, { additionalProperties: false });

export const SmsSendResult = Type.Object({
  items: Type.Array(Sms, { description: 'the messages queued' }),
  refused: Type.Array(Type.Object({
    to: Type.String(),
    code: Type.String({ description: 'DO_NOT_CONTACT, NO_CUSTOMER, EMPTY_TEXT or TEXT_TOO_LONG' }),
    message: Type.String(),
  }), { description: 'recipients not sent to, and why' }),
});

export const Thread = Type.Object({
  number: Type.String(),
  customerId: Nullable(Uuid),
  messages: Type.Integer(),
  last: Sms,
});
export const ThreadList = Page(Thread);
export const ThreadParams = Type.Object({ number: PhoneInput });
export const PageQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

export const Dongle = Type.Object({
  id: Type.String(),
  state: Type.String({ description: 'closed, initialising, sim-locked, sim-error, searching, ready, gone' }),
  sim: Type.String({ description: 'unknown, ready, pin-required, puk-required, absent, error' }),
  registration: Type.String({ description: 'unknown, not-registered, home, searching, denied, roaming' }),
  signal: Type.Object({ csq: Nullable(Type.Integer()), dbm: Nullable(Type.Integer()) }),
  smsc: Nullable(Type.String({ description: 'SMS centre number on the SIM' })),
  identity: Nullable(Type.String()),
  storage: Nullable(Type.Object({ used: Type.Integer(), total: Type.Integer() })),
  problem: Nullable(Type.String()),
  queued: Type.Integer({ description: 'messages waiting for this dongle' }),
  ratePerMinute: Type.Integer(),
  nextSendAt: Nullable(Type.String({ format: 'date-time', description: 'set while the rate limit holds messages back' })),
});
export const DongleList = Type.Object({ items: Type.Array(Dongle) });

export const DemoInbound = Type.Object({
  from: PhoneInput,
  text: Type.String({ minLength: 1, maxLength: MAX_SMS_TEXT }),
}, { additionalProperties: false });
