import { Type } from 'typebox';
import { ListQuery, Page, Uuid } from '../common.ts';

export const Recording = Type.Object({
  id: Uuid,
  callId: Uuid,
  format: Type.String({ description: 'file format, e.g. wav' }),
  state: Type.Union([Type.Literal('recording'), Type.Literal('ready'), Type.Literal('repaired'), Type.Literal('failed')], { description: 'repaired: the file was fixed up after a crash' }),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  bytes: Type.Union([Type.Integer(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()], { description: 'checksum of the finished file' }),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  failure: Type.Union([Type.String(), Type.Null()], { description: 'state failed: why (e.g. ENOSPC: the disk is full); null otherwise' }),
  audioUrl: Type.String({ description: 'where to fetch the audio (supports Range requests)' }),
  number: Type.Union([Type.String({ description: "the call's number: E.164, or digits of a short code" }), Type.Null()]),
  callerName: Type.Union([Type.String({ description: 'the caller-ID name' }), Type.Null()]),
  lineId: Type.String({ description: 'the line the call was on' }),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  customerId: Type.Union([Uuid, Type.Null()]),
  customerName: Type.Union([Type.String({ description: 'the customer the call was matched to' }), Type.Null()]),
}, { $id: 'Recording' });

export const RecordingList = Page(Recording);
export const RecordingQuery = Type.Object({
  ...ListQuery,
  callId: Type.Optional(Type.String({ format: 'uuid', description: 'only the recordings of this call' })),
}, { additionalProperties: false });

export const AudioHeaders = Type.Object({
  range: Type.Optional(Type.String({ description: 'bytes=START-END, bytes=START- or bytes=-SUFFIX (one range)' })),
});

export const RangeNotSatisfiable = Type.Object({
  error: Type.Object({ code: Type.Literal('RANGE_NOT_SATISFIABLE'), message: Type.String() }),
}, { description: 'the range starts past the end of the file; Content-Range gives the size' });
