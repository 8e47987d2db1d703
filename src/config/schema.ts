/**
 * The one configuration schema. config/default.yaml documents every key; this
 * file is what validates them. Keys named in API.md are fixed.
 */
import { Type, type Static } from 'typebox';

const Id = Type.String({ pattern: '^[a-z0-9-]+$', minLength: 1, maxLength: 64, description: 'lower-case letters, digits and dashes' });

const Inbound = Type.Object(
  {
    flow: Type.String({ minLength: 1, description: 'IVR flow id run on inbound calls' }),
    answerAfterRings: Type.Integer({ minimum: 1, maximum: 20, default: 2, description: 'rings before answering (caller ID arrives after the first)' }),
    ringGapMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 8000, description: 'no ring for this long: the caller gave up' }),
  },
  { additionalProperties: false },
);

export const LineConfigSchema = Type.Object(
  {
    id: Id,
    driver: Type.Union([Type.Literal('v253-modem'), Type.Literal('hid-phone-box'), Type.Literal('asterisk')]),
    name: Type.Optional(Type.String()),
    port: Type.Optional(Type.String({ minLength: 1, description: 'serial device path (serial drivers)' })),
    baudRate: Type.Integer({ default: 115200, minimum: 300, maximum: 921600 }),
    endpoint: Type.Optional(Type.String({ description: 'Asterisk endpoint, e.g. PJSIP/fxo-gw or DAHDI/1' })),
    channels: Type.Integer({ default: 1, minimum: 1, maximum: 1000 }),
    inbound: Type.Optional(Inbound),
    record: Type.Boolean({ default: true, description: 'record calls on this line' }),
    dialPrefix: Type.Optional(Type.String({ pattern: '^[0-9*#,]{1,10}$', description: 'dialled before every outbound number on a modem line, e.g. "0," for an outside line behind a PBX' })),
  },
  { additionalProperties: false },
);

const SeatConfigSchema = Type.Object({ id: Id, endpoint: Type.String({ minLength: 1 }) }, { additionalProperties: false });

const AsteriskSchema = Type.Object(
  {
    ami: Type.Object(
      { host: Type.String({ default: '127.0.0.1' }), port: Type.Integer({ default: 5038 }), username: Type.String({ default: '' }), secret: Type.String({ default: '' }) },
      { additionalProperties: false, default: {} },
    ),
    ari: Type.Object(
      { url: Type.String({ default: 'http://127.0.0.1:8088' }), username: Type.String({ default: '' }), password: Type.String({ default: '' }), app: Type.String({ default: 'kefu' }) },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

const SmsSchema = Type.Object(
  { id: Id, driver: Type.Literal('gsm-dongle'), port: Type.String({ minLength: 1 }), baudRate: Type.Integer({ default: 115200 }) },
  { additionalProperties: false },
);

const RecordingRule = Type.Object(
  {
    line: Type.Optional(Id),
    number: Type.Optional(Type.String({ minLength: 1, description: 'any written form, or a prefix ending in *' })),
    record: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
        trustProxy: Type.Union([Type.Boolean(), Type.String({ minLength: 1, maxLength: 1000, pattern: '^[0-9a-fA-F.:/, ]+$' })], {
          default: false,
          description: 'behind a reverse proxy: true, or the proxy addresses/CIDRs ("127.0.0.1,10.0.0.0/8"); then X-Forwarded-For/-Proto/-Host are believed',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      { url: Type.String({ default: 'pglite://./data/db', pattern: '^(pglite(\\+inline)?://|postgres(ql)?://)', description: 'pglite://PATH (embedded, in a worker thread), pglite+inline://PATH (embedded on the main thread: benchmark baseline) or postgres://user:pass@host:5432/db' }) },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ default: './data', minLength: 1 }),
    log: Type.Object(
      {
        level: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
      },
      { additionalProperties: false, default: {} },
    ),
    numbers: Type.Object(
      { defaultRegion: Type.String({ default: 'CN', pattern: '^[A-Z]{2}$' }) },
      { additionalProperties: false, default: {} },
    ),
    lines: Type.Array(LineConfigSchema, { default: [] }),
    seats: Type.Array(SeatConfigSchema, { default: [] }),
    asterisk: Type.Optional(AsteriskSchema),
    clickToDial: Type.Object(
      {
        whenLinesBusy: Type.Union([Type.Literal('refuse'), Type.Literal('wait')], { default: 'refuse', description: 'every line busy: refuse (409 LINE_BUSY) or let the seat wait for a line' }),
        maxWaitS: Type.Integer({ default: 120, minimum: 1, maximum: 3600, description: 'how long a seat waits for a line before the request ends as no-line' }),
        maxWaiting: Type.Integer({ default: 50, minimum: 1, maximum: 1000, description: 'requests waiting at once; more are refused (429 RATE_LIMITED)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    sms: Type.Array(SmsSchema, { default: [] }),
    blacklist: Type.Object(
      {
        inboundAction: Type.Union([Type.Literal('reject'), Type.Literal('message')], { default: 'reject' }),
        message: Type.String({ default: 'This number cannot take your call. Goodbye.' }),
        voice: Type.String({ default: 'en-us' }),
      },
      { additionalProperties: false, default: {} },
    ),
    recording: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        dir: Type.Optional(Type.String({ minLength: 1 })),
        rules: Type.Array(RecordingRule, { default: [] }),
      },
      { additionalProperties: false, default: {} },
    ),
    tts: Type.Object(
      { voice: Type.String({ default: 'en-us' }), cacheDir: Type.Optional(Type.String()) },
      { additionalProperties: false, default: {} },
    ),
    calls: Type.Object(
      { retentionDays: Type.Integer({ default: 365, minimum: 1 }) },
      { additionalProperties: false, default: {} },
    ),
    console: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'serve the web console at /' }),
        sessionHours: Type.Integer({ default: 12, minimum: 1, maximum: 24 * 30, description: 'a sign-in lasts this long' }),
        wrapUpS: Type.Integer({ default: 60, minimum: 0, maximum: 3600, description: 'wrap-up after a call taken on a single line, before the agent is ready again' }),
      },
      { additionalProperties: false, default: {} },
    ),
    demo: Type.Boolean({ default: false, description: 'attach one simulated modem line (kefu serve --demo)' }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type LineConfig = Static<typeof LineConfigSchema>;
