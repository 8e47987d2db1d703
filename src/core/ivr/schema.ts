/**
 * IVR flows are data: one TypeBox schema shared by the REST API (validation
 * and OpenAPI), the web editor and the interpreter.
 *
 * Representation: a flow is a map of typed nodes keyed by node id, with an
 * `entry` node. Nodes name their children by id (`next`, `options`, `open`,
 * `closed`, `fallback`...). Read from `entry`, the non-`goto` edges must form
 * an acyclic graph (a tree whose subtrees may be shared, e.g. one "blocked"
 * message used by two branches); a loop is only allowed through an explicit
 * `goto` node. {@link validateFlow} enforces that, plus every rule that JSON
 * Schema cannot say (targets exist, digits, times, time zones, prompts).
 *
 * Optional targets (`onTimeout`, `onInvalid`, caller branches...) mean "hang up"
 * (or "fall through to `unknown`" for the caller branch) when absent.
 */
import { Type, type Static } from 'typebox';

/** Node id pattern: also what the validator checks the keys of `nodes` against. */
export const NODE_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
/** Flow id pattern (the same as line ids in the config). */
export const FLOW_ID_PATTERN = '^[a-z0-9-]{1,64}$';
/** DTMF keys a menu option can use. */
export const MENU_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;
/** Weekday keys of an opening-hours schedule, in `Date#getDay()` order from Sunday. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Default time zone of a `hours` node. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const NodeIdSchema = Type.String({
  pattern: NODE_ID_PATTERN,
  title: 'Node id',
  description: 'Id of a node in this flow (letters, digits, "_" and "-", up to 64).',
});

export const VoiceSchema = Type.Enum(['en-us', 'cmn'], {
  title: 'Voice',
  description:
    'TTS voice. "en-us": English. "cmn": Mandarin; write the text in Han characters ("欢迎致电"); ' +
    'tone-numbered pinyin is read too.',
  default: 'en-us',
});

export const TextPromptSchema = Type.Object(
  {
    text: Type.String({ maxLength: 2000, title: 'Text', description: 'Words spoken by the offline TTS. Space out phone numbers digit by digit.' }),
    voice: Type.Optional(VoiceSchema),
  },
  { additionalProperties: false, title: 'Spoken prompt', description: 'Text spoken by text-to-speech.' },
);

export const FilePromptSchema = Type.Object(
  {
    file: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$', title: 'Audio id', description: 'Id of a stored audio file (uploaded prompt or recording).' }),
  },
  { additionalProperties: false, title: 'Audio prompt', description: 'A stored audio file played as is.' },
);

export const PromptSchema = Type.Union([TextPromptSchema, FilePromptSchema], {
  title: 'Prompt',
  description: 'Either `{ text, voice? }` spoken by TTS or `{ file }` a stored audio id.',
});

const common = {
  title: Type.Optional(Type.String({ maxLength: 200, title: 'Label', description: 'Label shown in the editor.' })),
  description: Type.Optional(Type.String({ maxLength: 2000, title: 'Notes', description: 'Notes for the people who edit the flow.' })),
};
const target = (title: string, description: string) => Type.String({ pattern: NODE_ID_PATTERN, title, description });
const optTarget = (title: string, description: string) => Type.Optional(target(title, description));
const timeoutMs = (def: number) =>
  Type.Optional(Type.Integer({ minimum: 500, maximum: 60_000, default: def, title: 'Timeout (ms)', description: 'How long to wait for a key press.' }));
const retries = Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 2, title: 'Retries', description: 'Extra attempts after the first one.' }));
const optPrompt = (title: string, description: string) =>
  Type.Optional(Type.Union([TextPromptSchema, FilePromptSchema], { title, description }));

export const PlayNodeSchema = Type.Object(
  {
    type: Type.Literal('play'),
    ...common,
    prompt: PromptSchema,
    interruptible: Type.Optional(
      Type.Boolean({ default: true, title: 'Interruptible', description: 'A key press cuts the prompt short (the key goes to the next node).' }),
    ),
    next: target('Next', 'Node run after the prompt.'),
  },
  { additionalProperties: false, title: 'Play', description: 'Play a prompt, then go on.' },
);

export const MenuNodeSchema = Type.Object(
  {
    type: Type.Literal('menu'),
    ...common,
    prompt: PromptSchema,
    options: Type.Record(Type.String({ pattern: '^[0-9*#]$' }), NodeIdSchema, {
      title: 'Options',
      description: 'Key pressed (0-9, * or #) to the node it leads to.',
    }),
    timeoutMs: timeoutMs(5000),
    retries,
    invalidPrompt: optPrompt('Invalid prompt', 'Played after a key that is not an option.'),
    timeoutPrompt: optPrompt('Timeout prompt', 'Played when no key was pressed in time.'),
    onTimeout: optTarget('On timeout', 'Node run when the retries ran out on a timeout (default: hang up).'),
    onInvalid: optTarget('On invalid', 'Node run when the retries ran out on an invalid key (default: hang up).'),
  },
  { additionalProperties: false, title: 'Menu', description: 'Play a prompt and branch on one key press. Keys pressed during the prompt interrupt it.' },
);

export const CollectNodeSchema = Type.Object(
  {
    type: Type.Literal('collect'),
    ...common,
    prompt: PromptSchema,
    minDigits: Type.Optional(Type.Integer({ minimum: 1, maximum: 32, default: 1, title: 'Minimum digits' })),
    maxDigits: Type.Integer({ minimum: 1, maximum: 32, title: 'Maximum digits', description: 'Input ends by itself at this length.' }),
    terminator: Type.Optional(Type.Enum(['#', '*'], { default: '#', title: 'Terminator', description: 'Key that ends the input early (not stored).' })),
    timeoutMs: timeoutMs(5000),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 1, title: 'Retries' })),
    invalidPrompt: optPrompt('Invalid prompt', 'Played when fewer than minDigits were entered.'),
    variable: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', title: 'Variable', description: 'Name the digits are stored under in the call variables.' }),
    next: target('Next', 'Node run after a valid input.'),
    onInvalid: optTarget('On invalid', 'Node run when the retries ran out (default: hang up).'),
  },
  { additionalProperties: false, title: 'Collect digits', description: 'Collect several digits (an account or order number) into a variable.' },
);

const ranges = Type.Optional(
  Type.Array(Type.Array(Type.String(), { minItems: 2, maxItems: 2 }), {
    maxItems: 8,
    description: 'Open ranges as ["HH:MM", "HH:MM"] (start inclusive, end exclusive, "24:00" allowed as end).',
  }),
);

export const HoursNodeSchema = Type.Object(
  {
    type: Type.Literal('hours'),
    ...common,
    timezone: Type.Optional(Type.String({ default: DEFAULT_TIMEZONE, title: 'Time zone', description: 'IANA time zone, e.g. Asia/Shanghai.' })),
    schedule: Type.Object(
      { mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges, sun: ranges },
      { additionalProperties: false, title: 'Weekly schedule', description: 'Opening hours per weekday; a missing day is closed.' },
    ),
    holidays: Type.Optional(Type.Array(Type.String(), { maxItems: 366, title: 'Holidays', description: 'Dates (YYYY-MM-DD, local) that are closed all day.' })),
    open: target('Open', 'Node run during opening hours.'),
    closed: target('Closed', 'Node run outside opening hours and on holidays.'),
  },
  { additionalProperties: false, title: 'Business hours', description: 'Branch on the local time of the call.' },
);

export const CallerNodeSchema = Type.Object(
  {
    type: Type.Literal('caller'),
    ...common,
    blacklisted: optTarget('Blacklisted', 'Node run for a blacklisted caller.'),
    tiers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), NodeIdSchema, { title: 'Tiers', description: 'Customer tier (e.g. vip) to node.' }),
    ),
    known: optTarget('Known', 'Node run for a known customer whose tier has no branch.'),
    unknown: target('Unknown', 'Node run for everyone else (and for any branch left empty).'),
  },
  { additionalProperties: false, title: 'Caller', description: 'Branch on who calls: blacklisted, then tier, then known customer, else unknown.' },
);

export const VoicemailNodeSchema = Type.Object(
  {
    type: Type.Literal('voicemail'),
    ...common,
    prompt: optPrompt('Prompt', 'Played before the beep.'),
    maxMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 600_000, default: 120_000, title: 'Maximum length (ms)' })),
    beep: Type.Optional(Type.Boolean({ default: true, title: 'Beep', description: 'Play a beep before recording.' })),
  },
  { additionalProperties: false, title: 'Voicemail', description: 'Record a message, then hang up.' },
);

export const HandsetNodeSchema = Type.Object(
  {
    type: Type.Literal('handset'),
    ...common,
    prompt: optPrompt('Prompt', 'Played before handing over ("connecting you").'),
    seats: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), {
      minItems: 1, maxItems: 100, uniqueItems: true, title: 'Seats',
      description: 'Multi-seat mode: the seats whose phones ring (all at once; the first to answer takes the call). Default: every configured seat whose agent is not on a call.',
    })),
    ringS: Type.Optional(Type.Integer({ minimum: 5, maximum: 120, default: 20, title: 'Ring time (s)', description: 'Multi-seat mode: how long the seats ring before the fallback.' })),
    fallback: target('Fallback', 'Node run when the device cannot hand over or nobody picks up.'),
  },
  {
    additionalProperties: false, title: 'Office phone',
    description: 'Hand the call to the office phone where the device allows it; on Asterisk, ring the seats and connect the first to answer.',
  },
);

export const FaxNodeSchema = Type.Object(
  {
    type: Type.Literal('fax'),
    ...common,
    prompt: optPrompt('Prompt', 'Played before reception starts ("start your fax now").'),
    fallback: target('Fallback', 'Node run when the line cannot receive faxes (no fax backend on it).'),
  },
  { additionalProperties: false, title: 'Fax', description: 'Receive a fax on this call (Asterisk lines); the fax goes to the fax inbox.' },
);

export const QueueNodeSchema = Type.Object(
  {
    type: Type.Literal('queue'),
    ...common,
    queue: Type.String({ pattern: '^[a-z0-9-]{1,64}$', title: 'Queue id' }),
    prompt: optPrompt('Prompt', 'Played before queueing.'),
    fallback: target('Fallback', 'Node run when there is no such queue (single-line mode) or it refuses the call.'),
  },
  { additionalProperties: false, title: 'Queue', description: 'Route the call to an ACD queue (call-centre mode).' },
);

export const GotoNodeSchema = Type.Object(
  { type: Type.Literal('goto'), ...common, target: target('Target', 'Node to jump to; the only way to loop.') },
  { additionalProperties: false, title: 'Go to', description: 'Explicit jump, e.g. back to the main menu.' },
);

export const HangupNodeSchema = Type.Object(
  { type: Type.Literal('hangup'), ...common, prompt: optPrompt('Prompt', 'Played before hanging up.') },
  { additionalProperties: false, title: 'Hang up', description: 'End the call.' },
);

const listenCommon = {
  minConfidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5, title: 'Minimum confidence', description: 'A result the engine is less sure of counts as no match (0..1).' })),
  maxMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 15_000, default: 5000, title: 'Longest answer (ms)', description: 'Recording stops after this long.' })),
  silenceMs: Type.Optional(Type.Integer({ minimum: 300, maximum: 5000, default: 800, title: 'End of answer (ms)', description: 'This much silence after speech ends the answer.' })),
  noInputMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 15_000, default: 4000, title: 'No input (ms)', description: 'Nothing said (and no key) for this long: no input.' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1, title: 'Retries', description: 'Extra attempts after no match or no input.' })),
  noMatchPrompt: optPrompt('No-match prompt', 'Played when the answer was not understood, before the next attempt.'),
  noInputPrompt: optPrompt('No-input prompt', 'Played when nothing was said, before the next attempt.'),
  onNoMatch: optTarget('On no match', 'Node run when the retries ran out on an answer not understood (default: hang up).'),
  onNoInput: optTarget('On no input', 'Node run when the retries ran out on silence (default: hang up).'),
};

export const ListenChoiceSchema = Type.Object(
  {
    phrase: Type.String({ minLength: 1, maxLength: 100, title: 'Phrase', description: 'What the caller says ("sales", "opening hours").' }),
    key: Type.Optional(Type.String({ pattern: '^[0-9*#]$', title: 'Key', description: 'DTMF key that chooses the same (fallback for callers who press instead).' })),
    next: target('Next', 'Node run when the caller says the phrase or presses the key.'),
  },
  { additionalProperties: false, title: 'Choice' },
);

export const ListenNodeSchema = Type.Object(
  {
    type: Type.Literal('listen'),
    ...common,
    prompt: PromptSchema,
    choices: Type.Array(ListenChoiceSchema, { minItems: 1, maxItems: 100, title: 'Choices', description: 'Phrases (with optional keys) and where each leads.' }),
    variable: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', title: 'Variable', description: 'Stores the chosen phrase in the call variables.' })),
    ...listenCommon,
  },
  { additionalProperties: false, title: 'Listen', description: 'Ask a question, recognise the spoken answer against a list of phrases, branch on it; keys work too.' },
);

export const DirectoryNodeSchema = Type.Object(
  {
    type: Type.Literal('directory'),
    ...common,
    prompt: PromptSchema,
    groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20, title: 'Groups', description: 'Only contacts in one of these address-book groups (default: all).' })),
    confirm: Type.Optional(Type.Boolean({ default: true, title: 'Confirm', description: 'Ask "did you say NAME? press 1 for yes, 2 for no" before transferring.' })),
    voice: Type.Optional(VoiceSchema),
    ...listenCommon,
    fallback: target('Fallback', 'Node run when the transfer cannot be made (no number or seat, or nobody answers).'),
  },
  {
    additionalProperties: false, title: 'Voice directory',
    description: 'Say the name of the person you want: recognise it against the address book (names and nicknames), confirm, then transfer to the contact\'s seat or number.',
  },
);

export const SurveyNodeSchema = Type.Object(
  {
    type: Type.Literal('survey'),
    ...common,
    prompt: PromptSchema,
    timeoutMs: timeoutMs(6000),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1, title: 'Retries', description: 'Extra attempts after no key or a key other than 1-5.' })),
    invalidPrompt: optPrompt('Invalid prompt', 'Played after no key or a key other than 1-5, before the next attempt.'),
    thanksPrompt: optPrompt('Thanks prompt', 'Played after the answer was stored.'),
    variable: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', title: 'Variable', description: 'Also stores the score (1-5) in the call variables.' })),
    next: optTarget('Next', 'Node run after an answer (default: hang up).'),
    onNoAnswer: optTarget('On no answer', 'Node run when the retries ran out (default: hang up).'),
  },
  {
    additionalProperties: false, title: 'Satisfaction survey',
    description: 'Ask "press 1 to 5" and store the key as the call\'s satisfaction score (against the call\'s customer and agent).',
  },
);

/** One schema per node type, keyed by the `type` discriminator. */
export const NodeSchemas = {
  play: PlayNodeSchema,
  menu: MenuNodeSchema,
  collect: CollectNodeSchema,
  hours: HoursNodeSchema,
  caller: CallerNodeSchema,
  voicemail: VoicemailNodeSchema,
  handset: HandsetNodeSchema,
  queue: QueueNodeSchema,
  fax: FaxNodeSchema,
  goto: GotoNodeSchema,
  hangup: HangupNodeSchema,
  listen: ListenNodeSchema,
  directory: DirectoryNodeSchema,
  survey: SurveyNodeSchema,
} as const;

export const NodeSchema = Type.Union(
  [
    PlayNodeSchema,
    MenuNodeSchema,
    CollectNodeSchema,
    HoursNodeSchema,
    CallerNodeSchema,
    VoicemailNodeSchema,
    HandsetNodeSchema,
    QueueNodeSchema,
    FaxNodeSchema,
    GotoNodeSchema,
    HangupNodeSchema,
    ListenNodeSchema,
    DirectoryNodeSchema,
    SurveyNodeSchema,
  ],
  { title: 'Node', description: 'A typed IVR node; `type` says which.' },
);

export const FlowSchema = Type.Object(
  {
    id: Type.String({ pattern: FLOW_ID_PATTERN, title: 'Flow id', description: 'Lowercase letters, digits and "-"; lines refer to it (inbound.flow).' }),
    name: Type.String({ minLength: 1, maxLength: 200, title: 'Name' }),
    description: Type.Optional(Type.String({ maxLength: 2000, title: 'Description' })),
    entry: target('Entry node', 'Node the call starts at.'),
    nodes: Type.Record(Type.String({ pattern: NODE_ID_PATTERN }), NodeSchema, { minProperties: 1, maxProperties: 1000, title: 'Nodes', description: 'Node id to node.' }),
  },
  { additionalProperties: false, title: 'IVR flow', description: 'An inbound call flow: typed nodes that reference each other by id.' },
);

export type Voice = Static<typeof VoiceSchema>;
export type TextPrompt = Static<typeof TextPromptSchema>;
export type FilePrompt = Static<typeof FilePromptSchema>;
export type Prompt = Static<typeof PromptSchema>;
export type PlayNode = Static<typeof PlayNodeSchema>;
export type MenuNode = Static<typeof MenuNodeSchema>;
export type CollectNode = Static<typeof CollectNodeSchema>;
export type HoursNode = Static<typeof HoursNodeSchema>;
export type CallerNode = Static<typeof CallerNodeSchema>;
export type VoicemailNode = Static<typeof VoicemailNodeSchema>;
export type HandsetNode = Static<typeof HandsetNodeSchema>;
export type QueueNode = Static<typeof QueueNodeSchema>;
export type FaxNode = Static<typeof FaxNodeSchema>;
export type GotoNode = Static<typeof GotoNodeSchema>;
export type HangupNode = Static<typeof HangupNodeSchema>;
export type ListenNode = Static<typeof ListenNodeSchema>;
export type DirectoryNode = Static<typeof DirectoryNodeSchema>;
export type SurveyNode = Static<typeof SurveyNodeSchema>;
export type FlowNode = Static<typeof NodeSchema>;
export type NodeType = FlowNode['type'];
export type Flow = Static<typeof FlowSchema>;
/** Node types, in the order the editor lists them. */
export const NODE_TYPES = Object.keys(NodeSchemas) as NodeType[];
