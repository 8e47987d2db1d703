import { Type } from 'typebox';
import { ListQuery, Page, PhoneInput, Uuid } from '../common.ts';

const Str = Type.Union([Type.String(), Type.Null()]);
const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const Disposition = Type.String({ description: 'completed | voicemail | handset | queued | abandoned | missed | blocked | busy | overflow | failed | interrupted | node_failed (its Asterisk node died); click-to-dial also no-answer | no-dialtone | cancelled | agent-no-answer | no-line' });

export const CallRecord = Type.Object({
  id: Uuid,
  lineId: Type.String(),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  number: Type.Union([Type.String({ description: 'E.164, or digits of a short code' }), Type.Null()]),
  callerName: Str,
  withheld: Str,
  customerId: Type.Union([Uuid, Type.Null()]),
  customerName: Type.Union([Type.String({ description: 'the matched customer\'s name' }), Type.Null()]),
  state: Type.String(),
  disposition: Type.Union([Disposition, Type.Null()]),
  flowId: Str,
  digits: Type.String({ description: 'every DTMF digit the caller pressed, in order' }),
  ivrPath: Type.Array(Type.Object({ node: Type.String(), type: Type.String(), digits: Type.Optional(Type.String()), at: Type.String() }), { description: 'the IVR nodes the call went through' }),
  blacklistMatch: Type.Unknown(),
  agentId: Str,
  queueId: Str,
  notes: Str,
  outcome: Type.Union([Type.String(), Type.Null()], { description: "the agent's wrap-up outcome (sale, resolved, callback...)" }),
  wrappedAt: Time,
  startedAt: Type.String({ format: 'date-time' }),
  answeredAt: Time,
  endedAt: Time,
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  queueWaitMs: Type.Union([Type.Integer(), Type.Null()], { description: 'time waited in a queue' }),
  recordingId: Type.Union([Uuid, Type.Null()]),
}, { $id: 'CallRecord' });

export const CallLeg = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('caller'), Type.Literal('agent'), Type.Literal('supervisor'), Type.Literal('outbound')]),
  channelId: Str, endpoint: Str, seatId: Str, agentId: Str,
  mode: Type.Union([Type.String({ description: 'supervisor legs: listen | whisper | barge' }), Type.Null()]),
  startedAt: Type.String({ format: 'date-time' }), answeredAt: Time, endedAt: Time,
  endCause: Type.Union([Type.String({ description: 'normal | busy | no-answer | cancelled (hung up by kefu before answer) | rejected | failed | asterisk-restart | interrupted | node_failed | daemon-stopped' }), Type.Null()]),
  sipCallId: Type.Union([Type.String({ description: 'a caller\'s leg on Asterisk over SIP (PJSIP): the Call-ID of its SIP dialog, to match the carrier\'s or an SBC\'s logs' }), Type.Null()]),
}, { $id: 'CallLeg' });

/** One call record with every leg of the call (multi-seat mode: caller, agent phones offered, supervisors, click-to-dial legs). */
export const CallDetail = Type.Object({ ...CallRecord.properties, legs: Type.Array(CallLeg) }, { $id: 'CallDetail' });

export const CallQuery = Type.Object({
  ...ListQuery,
  number: Type.Optional(PhoneInput),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'started before' })),
  line: Type.Optional(Type.String()),
  agent: Type.Optional(Type.String()),
  queue: Type.Optional(Type.String()),
  customer: Type.Optional(Uuid),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])),
  disposition: Type.Optional(Type.String()),
}, { additionalProperties: false });

export const CallList = Page(CallRecord);

export const ActiveCall = Type.Object({
  id: Uuid, lineId: Type.String(), direction: Type.String(), state: Type.String(), number: Str, name: Str,
  customerId: Type.Union([Uuid, Type.Null()]), startedAt: Type.String(), answeredAt: Time, digits: Type.String(),
  node: Type.Optional(Type.String({ description: 'cluster.enabled: the Asterisk node whose line carries the call (absent for a modem line and without a cluster)' })),
});
