/**
 * Every event on the stream (WebSocket /api/v1/events, webhooks) as a TypeBox
 * schema: the one machine-readable description of what the bus emits, published
 * as AsyncAPI 3 at GET /api/v1/asyncapi.json (src/http/events/asyncapi.ts) and
 * used by the tests to check what the daemon really emits.
 *
 * The type check at the bottom keeps this in step with EventMap (bus.ts): an
 * event type added there without a schema here, or a payload whose fields
 * differ, fails `tsc`.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { DISPOSITION_NAMES, type Disposition } from '../call/disposition.ts';
import type { EventMap, EventType } from './bus.ts';

const Str = (description?: string) => Type.String(description ? { description } : {});
const OrNull = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
/** One of some strings (an `enum` in the published document). */
const Enum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const CustomerSummarySchema = Type.Object({
  id: Str('the customer (GET /customers/{id} gives the full record)'),
  name: Str(), company: OrNull(Str()), title: OrNull(Str()), email: OrNull(Str()),
  phones: Type.Array(Type.Object({ number: Str('E.164'), label: Type.Optional(Str()) })),
  tier: OrNull(Str()), tags: Type.Array(Str()), status: OrNull(Str()),
  attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  truncated: Type.Boolean({ description: 'something was left out or cut: the full record is GET /customers/{id}' }),
}, { description: "A bounded summary of the caller's record" });

const DispositionSchema = Type.Unsafe<Disposition>({ type: 'string', enum: [...DISPOSITION_NAMES], description: 'how the call ended' });

/** Payloads (`data`) by event type. Fields listed as open (`additionalProperties`) may gain fields in a minor version. */
export const EventPayloads = {
  'line.state': Type.Object({ lineId: Str(), state: Str('idle, ringing, offhook, in-call, offline...'), previous: OrNull(Str()), reason: Type.Optional(Str()) }, { description: 'A line changed state.' }),
  'line.ring': Type.Object({ lineId: Str(), ring: Type.Integer({ minimum: 1, description: 'count from 1 per call' }) }, { description: 'A ring burst on a device line.' }),
  'line.callerid': Type.Object({
    lineId: Str(), raw: Type.Array(Str()), recognised: Type.Boolean(), format: Enum(['fsk', 'dtmf', 'unknown'] as const),
    number: OrNull(Str()), e164: OrNull(Str()), display: OrNull(Str()), valid: Type.Boolean(), region: OrNull(Str()),
    name: OrNull(Str()), withheld: Type.Union([Type.Literal('private'), Type.Literal('unavailable'), Type.Null()]), defaultRegion: Str(),
  }, { description: 'Caller ID as the device delivered it, and as normalised.' }),
  'call.ringing': Type.Object({
    callId: Str(), lineId: Str(), number: OrNull(Str('E.164, or null when withheld')), name: OrNull(Str()),
    customer: OrNull(CustomerSummarySchema), blacklisted: Type.Boolean(),
  }, { description: 'A call is ringing: who it is, and their customer record if known.' }),
  'call.answered': Type.Object({ callId: Str(), lineId: Str(), number: OrNull(Str()) }, { description: 'The call was answered.' }),
  'call.dtmf': Type.Object({ callId: Str(), lineId: Str(), digit: Type.String({ minLength: 1, maxLength: 1, description: '0-9 * # A-D' }) }, { description: 'The caller pressed a key.' }),
  'call.ended': Type.Object({ callId: Str(), lineId: Str(), number: OrNull(Str()), disposition: DispositionSchema, durationMs: Type.Integer({ minimum: 0 }) }, { description: 'The call ended (disposition: how).' }),
  screenpop: Type.Object({ agentId: OrNull(Str()), callId: Str(), lineId: Str(), number: OrNull(Str()), customer: OrNull(CustomerSummarySchema) }, { description: 'What the agent screen shows for a call.' }),
  'agent.state': Type.Object({
    agentId: Str(), state: Str(), reason: Type.Optional(OrNull(Str())), seatId: Type.Optional(OrNull(Str())), callId: Type.Optional(OrNull(Str())),
    wrapUpUntil: Type.Optional(OrNull(Type.String({ format: 'date-time', description: 'in wrap-up: when it ends and the agent is ready again (as GET /agents); null otherwise' }))),
  }, { description: 'An agent changed state.' }),
  'queue.update': Type.Object({
    queueId: Str(),
    node: Type.Optional(Str('cluster.enabled: the node whose figures these are (the other fields but allNodes)')),
    allNodes: Type.Optional(Type.Object({
      waiting: Type.Integer({ minimum: 0 }), longestWaitMs: Type.Integer({ minimum: 0 }),
    }, { additionalProperties: true, description: "cluster.enabled: the queue across every node, as GET /queues allNodes (callers waiting on every node; today's figures from every node's finished calls)" })),
  }, { additionalProperties: true, description: "A queue's figures changed (waiting, agents, today's counters)." }),
  'queue.announcement': Type.Object({ callId: Str(), queueId: Str(), position: Type.Integer(), estimatedWaitS: OrNull(Type.Number()), text: Str('as spoken') }, { description: 'A waiting caller heard their position and wait.' }),
  'recording.ready': Type.Object({ recordingId: Str(), callId: Str(), durationMs: Type.Integer({ minimum: 0 }), sha256: Str() }, { description: 'A recording is stored (GET /recordings/{id}/audio).' }),
  'recording.failed': Type.Object({ recordingId: Str(), callId: Str(), reason: Str() }, { description: 'A recording could not be made or kept; the call went on.' }),
  'sms.received': Type.Object({
    id: Str(), direction: Type.Literal('inbound'), number: Str(), text: Str(), parts: Type.Integer(), status: Str(),
    customerId: OrNull(Str()), incomplete: Type.Boolean({ description: 'a part never came' }),
  }, { additionalProperties: true, description: 'An SMS came in: the stored message (as GET /sms/{id}), with sentAt and partsReceived.' }),
  'sms.status': Type.Object({
    id: Str(), number: Str(), status: Str('queued, sending, sent, delivered, failed'), previous: OrNull(Str()),
    dongleId: OrNull(Str()), customerId: OrNull(Str()), error: OrNull(Str()), parts: Type.Integer(),
  }, { description: 'An outbound SMS changed status.' }),
  'fax.received': Type.Object({
    faxId: Str(), number: OrNull(Str()), lineId: OrNull(Str()), customerId: OrNull(Str()), pages: OrNull(Type.Integer()), remoteStationId: OrNull(Str()), status: Str(),
  }, { description: 'A fax arrived (status says whether in full).' }),
  'fax.status': Type.Object({
    faxId: Str(), direction: Enum(['inbound', 'outbound'] as const), status: Str(), number: OrNull(Str()), lineId: OrNull(Str()),
    pages: OrNull(Type.Integer()), attempts: Type.Integer(), resultCode: OrNull(Str()), resultText: OrNull(Str()), nextAttemptAt: OrNull(Str()),
  }, { description: 'A fax changed state.' }),
  'campaign.update': Type.Object({ campaignId: Str(), state: Str(), mode: Str() }, { additionalProperties: true, description: "A campaign's progress (as GET /campaigns/{id}/stats)." }),
  'import.progress': Type.Object({
    importId: Str(), kind: Enum(['customers', 'contacts', 'blacklist'] as const), done: Type.Integer(), total: Type.Integer(),
    imported: Type.Integer(), skipped: Type.Integer(), finished: Type.Boolean(),
  }, { description: 'An import under way.' }),
  'scorecard.published': Type.Object({
    periodId: Str(), schemeId: Str(), kind: Enum(['individual', 'team'] as const), label: Str(), from: Str('first day, YYYY-MM-DD'), to: Str('last day, YYYY-MM-DD'),
    results: Type.Integer({ description: 'cards (individual) or teams (team) in the period' }),
  }, { description: 'A scorecard period was published (GET /scorecards/periods/{id}).' }),
  'scorecard.appeal': Type.Object({
    appealId: Str(), scorecardId: Str(), periodId: Str(), agentId: Str(), deductionId: OrNull(Str()),
    status: Enum(['open', 'upheld', 'rejected'] as const), dueAt: Str('answer due by'), adjustment: OrNull(Type.Number({ description: 'points the upheld appeal changed' })),
  }, { description: 'A scorecard appeal (申诉) was filed (open) or answered (upheld, rejected).' }),
  'task.due': Type.Object({
    taskId: Str(), ownerId: OrNull(Str('agent id')), customerId: OrNull(Str()), customerName: OrNull(Str()), kind: Str('call, visit or sms'),
    title: Str(), dueAt: Str(), planId: OrNull(Str('the care plan that made it')),
  }, { description: 'A follow-up task fell due (once per task and due time, even across restarts).' }),
} satisfies { [K in EventType]: TSchema };

/** The message on the stream: { id, type, at, data }. */
export const eventEnvelope = <K extends EventType>(type: K) => Type.Object({
  id: Type.Integer({ minimum: 1, description: 'the event log id (a JSON number): increases along the stream; resume with ?since=<the last id received>' }),
  type: Type.Literal(type), at: Type.String({ format: 'date-time' }), data: EventPayloads[type],
}, { additionalProperties: false });

/** The first message of a `?since=` stream whose id the log no longer reaches (or never had): reload state, then keep the new ids. */
export const ResyncRequiredSchema = Type.Object({
  type: Type.Literal('resync-required'), at: Type.String({ format: 'date-time' }),
  data: Type.Object({
    since: Type.Integer({ description: 'the id asked for' }),
    prunedThrough: Type.Integer({ description: 'ids up to this one may have been deleted (events.retentionH, events.maxRows)' }),
    lastId: Type.Integer({ description: 'the newest id in the log' }),
    reason: Enum(['pruned', 'unknown'] as const),
  }, { additionalProperties: false }),
}, { additionalProperties: false, description: 'No id: the stream cannot resume from `since` (older than the kept log, or newer than any id); it goes on live from now.' });

// ---- Kept in step with EventMap (compile time only) ----
type Payload<K extends EventType> = Static<(typeof EventPayloads)[K]>;
/** Open payloads (EventMap says Record<string, unknown>, or has an index signature) need only fit; the rest must match both ways. */
type InStep<K extends EventType> = string extends keyof EventMap[K]
  ? (Payload<K> extends EventMap[K] ? true : false)
  : ([Payload<K>] extends [EventMap[K]] ? ([EventMap[K]] extends [Payload<K>] ? true : false) : false);
/** The event types whose schema and EventMap differ (tsc names them below). */
type OutOfStep = { [K in EventType]: InStep<K> extends true ? never : K }[EventType];
const inStep: [OutOfStep] extends [never] ? true : OutOfStep = true;
void inStep;
