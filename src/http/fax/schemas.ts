import { Type } from 'typebox';
import { ListQuery, Page, PhoneInput, Uuid } from '../common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Union([Type.Literal('queued'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('receiving'), Type.Literal('received')]);
const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]);

export const Fax = Type.Object({
  id: Uuid,
  direction: Direction,
  number: Nullable(Type.String({ description: 'the far end: E.164, or the digits of a short code; null when withheld' })),
  lineId: Nullable(Type.String()),
  customerId: Nullable(Uuid),
  callId: Nullable(Uuid),
  status: Status,
  pages: Nullable(Type.Integer({ description: 'outbound: pages of the document; inbound: pages received' })),
  remoteStationId: Nullable(Type.String({ description: "the far fax machine's station id (T.30 TSI/CSI)" })),
  resultCode: Nullable(Type.String({ description: 'OK, or why not: NO_ANSWER, BUSY, NO_FAX, HANGUP, TIMEOUT, TRAINING_FAILED...' })),
  resultText: Nullable(Type.String()),
  bitRate: Nullable(Type.Integer({ description: 'bits per second the pages went at' })),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'queued for another attempt at' })),
  detected: Nullable(Type.Union([Type.Literal('cng'), Type.Literal('ivr'), Type.Literal('line')], { description: 'inbound: fax tone on a call, an IVR fax node, or a fax line' })),
  hasDocument: Type.Boolean(),
  documentUrl: Nullable(Type.String({ description: 'the document as PDF' })),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'Fax' });

export const FaxList = Page(Fax);

export const FaxQuery = Type.Object({
  ...ListQuery,
  direction: Type.Optional(Direction),
  status: Type.Optional(Status),
  number: Type.Optional(PhoneInput),
  customerId: Type.Optional(Type.String({ format: 'uuid' })),
}, { additionalProperties: false });

export const FaxSendQuery = Type.Object({
  number: PhoneInput,
  line: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 64, description: 'the line to send on; default the first that can fax' })),
}, { additionalProperties: false });

export const PageParams = Type.Object({ id: Uuid, page: Type.Integer({ minimum: 1, maximum: 500 }) });

/** The body of POST /fax: the PDF itself (validated by the service: %PDF- header, pages, fax.maxBytes). */
export const FaxPdf = Type.Unsafe<Buffer>({ format: 'binary', description: 'the PDF to send (application/pdf)' });
