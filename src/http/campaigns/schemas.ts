import { Type } from 'typebox';
import type { CampaignSettings } from '../../core/dialer/campaign.ts';
import { FreeJson, ListQuery, Nullable, Page, PhoneInput, Uuid } from '../common.ts';

const Mode = Type.Union([Type.Literal('preview'), Type.Literal('progressive'), Type.Literal('predictive'), Type.Literal('broadcast')], {
  description: 'preview: the agent sees each record and dials or skips; progressive: one call per ready agent; predictive: dials ahead of agents within the abandonment cap; broadcast: a message or IVR flow, no agents',
});
const State = Type.Union([Type.Literal('draft'), Type.Literal('running'), Type.Literal('paused'), Type.Literal('finished')]);
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$', description: 'HH:MM, the callee\'s local time' });
const DayWindow = Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false });
const Day = Type.Union([Type.Literal('mon'), Type.Literal('tue'), Type.Literal('wed'), Type.Literal('thu'), Type.Literal('fri'), Type.Literal('sat'), Type.Literal('sun')]);
const Rule = Type.Object({ delayS: Type.Integer({ minimum: 0, maximum: 30 * 86400 }), maxAttempts: Type.Integer({ minimum: 0, maximum: 50 }) }, { additionalProperties: false });
const Key = Nullable(Type.String({ pattern: '^[0-9*#]$' }));

export const Settings = Type.Object({
  lines: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64, description: 'line ids to dial through; empty: every line that can dial' })),
  maxLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'most calls up at once' })),
  queueId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'the queue whose members work the campaign' }))),
  agents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500, description: 'agents working the campaign (with or instead of a queue)' })),
  callerId: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  message: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000, description: 'broadcast: text spoken to the callee' }))),
  flowId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'broadcast: an IVR flow run instead of the message' }))),
  keys: Type.Optional(Type.Object({ agent: Type.Optional(Key), optOut: Type.Optional(Key), repeat: Type.Optional(Key) }, { additionalProperties: false, description: 'broadcast: keys after the message (to an agent, stop calls (do-not-call), hear it again)' })),
  identification: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'played to a person no agent could take within connectWithinS' })),
  voice: Type.Optional(Type.Union([Type.Literal('en-us'), Type.Literal('cmn')])),
  recording: Type.Optional(Type.Union([Type.Literal('always'), Type.Literal('never'), Type.Literal('policy')])),
  window: Type.Optional(Type.Object({
    default: Type.Optional(DayWindow),
    days: Type.Optional(Type.Record(Day, Nullable(DayWindow))),
    holidays: Type.Optional(Type.Array(Type.String({ format: 'date' }), { maxItems: 400 })),
    defaultTimeZone: Type.Optional(Type.String({ maxLength: 64 })),
    defaultRegion: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  }, { additionalProperties: false, description: 'calling hours in the callee\'s local time (default 08:00–21:00 every day)' })),
  retry: Type.Optional(Type.Object({
    busy: Type.Optional(Rule), 'no-answer': Type.Optional(Rule), machine: Type.Optional(Rule), failed: Type.Optional(Rule), abandoned: Type.Optional(Rule),
    maxTotal: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  }, { additionalProperties: false })),
  ringTimeoutS: Type.Optional(Type.Integer({ minimum: 15, maximum: 120, description: 'ring time before no-answer (at least 15 s)' })),
  amd: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()), onMachine: Type.Optional(Type.Union([Type.Literal('hangup'), Type.Literal('message'), Type.Literal('agent')])) }, { additionalProperties: false })),
  abandonCap: Type.Optional(Type.Number({ minimum: 0, maximum: 0.03, description: 'abandonment cap, a fraction of live answers (at most the rules\' 3 %)' })),
  abandonTarget: Type.Optional(Type.Number({ minimum: 0, maximum: 0.03 })),
  connectWithinS: Type.Optional(Type.Number({ minimum: 0.5, maximum: 2, description: 'a person must reach an agent within this many seconds (at most 2)' })),
  previewCountdownS: Type.Optional(Nullable(Type.Integer({ minimum: 3, maximum: 600 }))),
}, { additionalProperties: false });

export const CampaignOut = Type.Object({
  id: Uuid, name: Type.String(), mode: Mode, state: State, priority: Type.Integer(),
  settings: Type.Unsafe<CampaignSettings>({ ...Settings, description: 'every setting, defaults filled in' }),
  createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })), finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const CampaignCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }), mode: Mode,
  priority: Type.Optional(Type.Integer({ minimum: -100, maximum: 100 })), settings: Type.Optional(Settings),
}, { additionalProperties: false });
export const CampaignPatch = Type.Partial(CampaignCreate, { additionalProperties: false });
export const CampaignList = Page(CampaignOut);
export const CampaignQuery = Type.Object({ ...ListQuery, state: Type.Optional(State) }, { additionalProperties: false });

const NumberIn = Type.Object({
  number: PhoneInput, name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), customerId: Type.Optional(Nullable(Uuid)),
  data: Type.Optional(FreeJson('fields shown to the agent')), priority: Type.Optional(Type.Integer({ minimum: -100, maximum: 100 })),
}, { additionalProperties: false });
export const NumbersJson = Type.Object({
  numbers: Type.Optional(Type.Array(NumberIn, { maxItems: 1_000_000 })),
  fromCustomers: Type.Optional(Type.Object({
    tier: Type.Optional(Type.String({ maxLength: 40 })), q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  }, { additionalProperties: false, description: 'every customer matching (all when empty), each phone of theirs' })),
  fromContacts: Type.Optional(Type.Object({ group: Type.Optional(Type.String({ maxLength: 100 })), q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false })),
}, { additionalProperties: false, description: 'numbers, or a filter over customers or contacts' });
// Taken as bytes (GBK or UTF-8, decoded by the route), so no `type` for the validator: OpenAPI readers see a binary file.
export const NumbersCsv = Type.Unsafe<Buffer>({ format: 'binary', description: 'CSV (UTF-8 or GBK/GB18030): a header row naming number (号码/电话/手机), name (姓名), priority, and any other columns (kept as data)' });
export const ListResult = Type.Object({
  rows: Type.Integer(), inserted: Type.Integer(), duplicates: Type.Integer({ description: 'numbers already on the list or repeated in the input (merged)' }),
  errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() }), { description: 'the first 1000 problems' }),
});

const NumberState = Type.Union([Type.Literal('pending'), Type.Literal('dialing'), Type.Literal('done')]);
export const NumberOut = Type.Object({
  id: Uuid, campaignId: Uuid, number: Type.String(), name: Nullable(Type.String()), customerId: Nullable(Uuid), data: Type.Record(Type.String(), Type.Unknown()),
  priority: Type.Integer(), state: NumberState, attempts: Type.Integer(), nextAt: Nullable(Type.String()), lastOutcome: Nullable(Type.String()), doneReason: Nullable(Type.String()),
});
export const NumberQuery = Type.Object({ ...ListQuery, state: Type.Optional(NumberState) }, { additionalProperties: false });

const Outcome = Type.Union([
  Type.Literal('connected'), Type.Literal('abandoned'), Type.Literal('machine'), Type.Literal('busy'), Type.Literal('no-answer'), Type.Literal('failed'),
  Type.Literal('cancelled'), Type.Literal('interrupted'), Type.Literal('skipped'),
], { description: 'connected (an agent or the broadcast reached a person), abandoned (no agent within the connect limit), machine, busy, no-answer, failed, cancelled (the campaign paused or stopped while it rang), interrupted (the daemon stopped), skipped (not dialled: skipReason)' });
export const AttemptOut = Type.Object({
  id: Uuid, campaignId: Uuid, numberId: Uuid, number: Type.String(), callId: Nullable(Uuid), lineId: Nullable(Type.String()), agentId: Nullable(Type.String()),
  placedAt: Type.String(), ringAt: Nullable(Type.String()), answeredAt: Nullable(Type.String()), liveAt: Nullable(Type.String()), connectedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()), outcome: Nullable(Outcome), abandoned: Type.Boolean(), amd: Nullable(Type.String()),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())), skipReason: Nullable(Type.String()),
});
export const AttemptQuery = Type.Object({ ...ListQuery, outcome: Type.Optional(Outcome) }, { additionalProperties: false });
export const ExportQuery = Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('pdf')], { default: 'csv' }) }, { additionalProperties: false });

const Window = Type.Object({ liveAnswered: Type.Integer(), abandoned: Type.Integer(), rate: Nullable(Type.Number()) });
export const StatsOut = Type.Object({
  campaignId: Uuid, state: State, mode: Mode,
  numbers: Type.Object({ total: Type.Integer(), pending: Type.Integer(), dialing: Type.Integer(), done: Type.Integer() }),
  outcomes: Type.Record(Type.String(), Type.Integer()), attempts: Type.Integer(), callsUp: Type.Integer(),
  dialRatePerMin: Type.Number(), etaS: Nullable(Type.Integer()),
  abandon: Type.Object({ cap: Type.Number(), day: Window, month: Window }),
  pacing: Nullable(Type.Object({ mode: Type.String(), reason: Type.String(), theta: Nullable(Type.Number()), decisionMs: Type.Number() })),
});
export const ComplianceOut = Type.Object({
  campaignId: Uuid, cap: Type.Number(), connectWithinS: Type.Number(), minRingS: Type.Number(), ringTimeoutS: Type.Number(),
  day: Window, month: Window, withinCap: Type.Boolean(),
  abandoned: Type.Array(AttemptOut, { description: 'abandoned calls of the last 30 days, newest first (first page)' }),
  next: Nullable(Type.String({ description: 'cursor for more abandoned calls (?cursor=)' })),
});
export const ComplianceQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

export const PreviewAsk = Type.Object({ agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });
export const PreviewOut = Type.Object({ number: Nullable(NumberOut), countdownS: Nullable(Type.Integer()) });
export const PreviewParams = Type.Object({ id: Uuid, numberId: Uuid });
export const PreviewDone = Type.Object({ attemptId: Nullable(Uuid) });
