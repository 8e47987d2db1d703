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
  {
    id: Id, driver: Type.Literal('gsm-dongle'), port: Type.String({ minLength: 1 }), baudRate: Type.Integer({ default: 115200 }),
    pin: Type.Optional(Type.String({ pattern: '^[0-9]{4,8}$', description: 'SIM PIN (never logged)' })),
    ratePerMinute: Type.Integer({ minimum: 1, maximum: 600, default: 10 }),
    inbound: Type.Union([Type.Literal('store'), Type.Literal('direct')], { default: 'store' }),
    reports: Type.Union([Type.Literal('direct'), Type.Literal('store')], { default: 'direct' }),
    deliveryReports: Type.Boolean({ default: true }),
    partTimeoutS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
    retryAfterS: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
  },
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
        bodyLimit: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 1_073_741_824, description: 'largest request body in bytes (413 above it)' }),
        publicBodyLimit: Type.Integer({ default: 4096, minimum: 256, maximum: 1_048_576, description: 'largest body of the routes that answer without a key (login), in bytes' }),
        requestTimeoutMs: Type.Integer({ default: 120_000, minimum: 1000, maximum: 3_600_000, description: 'time a client has to send a whole request' }),
        headersTimeoutMs: Type.Integer({ default: 30_000, minimum: 1000, maximum: 3_600_000, description: 'time a client has to send the request headers (at most requestTimeoutMs)' }),
        connectionTimeoutMs: Type.Integer({ default: 120_000, minimum: 1000, maximum: 3_600_000, description: 'an HTTP connection silent this long is closed' }),
        keepAliveTimeoutMs: Type.Integer({ default: 5000, minimum: 100, maximum: 600_000, description: 'an idle keep-alive connection is closed after this long' }),
        maxConnections: Type.Integer({ default: 1024, minimum: 1, maximum: 1_000_000, description: 'open TCP connections at once (WebSockets included); more are refused' }),
        shutdownGraceMs: Type.Integer({ default: 1000, minimum: 0, maximum: 60_000, description: 'on stop, requests still running get this long before their connections are closed' }),
        events: Type.Object(
          {
            maxSockets: Type.Integer({ default: 500, minimum: 1, maximum: 100_000, description: 'open event-stream WebSockets at once' }),
            maxSocketsPerPrincipal: Type.Integer({ default: 20, minimum: 1, maximum: 10_000, description: 'open event-stream WebSockets per key or user' }),
            maxBufferedBytes: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 1_073_741_824, description: 'a client that leaves more unread gets no live events until it has read half, then the missed ones from the event log' }),
            slowReaderS: Type.Integer({ default: 30, minimum: 1, maximum: 3600, description: 'a client that reads nothing this long while behind is closed (1013 "slow reader"; resume with since)' }),
          },
          { additionalProperties: false, default: {} },
        ),
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
        retentionDays: Type.Optional(Type.Integer({ minimum: 1, description: 'days recordings (files and rows) are kept; default: as long as their call record' })),
      },
      { additionalProperties: false, default: {} },
    ),
    tts: Type.Object(
      {
        voice: Type.String({ default: 'en-us' }), cacheDir: Type.Optional(Type.String()),
        cacheMaxBytes: Type.Integer({ default: 268_435_456, minimum: 1_048_576, maximum: 1_099_511_627_776, description: 'bound of the disk cache of synthesised prompts; the least recently used go first' }),
      },
      { additionalProperties: false, default: {} },
    ),
    fax: Type.Object(
      {
        dir: Type.Optional(Type.String({ minLength: 1, description: 'private folder of fax documents; default <dataDir>/fax' })),
        spoolDir: Type.Optional(Type.String({ minLength: 1, description: 'where the PBX reads faxes to send and writes faxes received; default <dataDir>/fax-spool (Asterisk must be able to write it)' })),
        stationId: Type.String({ default: '', maxLength: 20, pattern: '^[0-9 +]*$', description: 'our fax station id (T.30 TSI/CSI): digits, spaces, +' }),
        maxBytes: Type.Integer({ default: 10_485_760, minimum: 1024, maximum: 104_857_600, description: 'largest PDF accepted by POST /fax' }),
        maxPages: Type.Integer({ default: 50, minimum: 1, maximum: 500, description: 'most pages one fax may have, sent or received' }),
        ringTimeoutS: Type.Integer({ default: 45, minimum: 5, maximum: 300 }),
        sessionTimeoutS: Type.Integer({ default: 1800, minimum: 60, maximum: 14_400, description: 'a fax session not finished after this long is failed' }),
        modems: Type.Array(Type.Object({
          id: Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 64 }),
          port: Type.String({ minLength: 1, description: 'serial port of a class 2.0 fax modem (it answers faxes by itself)' }),
          baudRate: Type.Integer({ default: 115200, minimum: 1200, maximum: 921_600 }),
        }, { additionalProperties: false }), { default: [], maxItems: 16, description: 'fax modems (service class 2.0), each a line faxes go out on and come in' }),
        retry: Type.Object({
          maxAttempts: Type.Integer({ default: 3, minimum: 1, maximum: 10 }),
          delayS: Type.Integer({ default: 120, minimum: 0, maximum: 86_400 }),
          backoff: Type.Number({ default: 2, minimum: 1, maximum: 10 }),
        }, { additionalProperties: false, default: {} }),
      },
      { additionalProperties: false, default: {} },
    ),
    cardScan: Type.Object(
      {
        engine: Type.Union([Type.Literal('none'), Type.Literal('tesseract')], { default: 'tesseract', description: 'OCR engine of POST /contacts/scan; none: the route answers 422' }),
        maxBytes: Type.Integer({ default: 10_485_760, minimum: 1024, maximum: 52_428_800, description: 'largest card photo accepted (bytes)' }),
        maxPixels: Type.Integer({ default: 40_000_000, minimum: 100_000, maximum: 268_402_689, description: 'largest decoded image (width × height)' }),
        timeoutMs: Type.Integer({ default: 30_000, minimum: 1000, maximum: 300_000, description: 'one tesseract run is killed after this long' }),
        maxConcurrent: Type.Integer({ default: 1, minimum: 1, maximum: 16, description: 'tesseract runs at once; more wait their turn (each uses one core)' }),
        lowConfidence: Type.Number({ default: 0.6, minimum: 0, maximum: 1, description: 'fields read with less confidence are flagged for checking' }),
        tesseract: Type.Object(
          {
            binary: Type.String({ default: 'tesseract', minLength: 1 }),
            languages: Type.String({ default: 'chi_sim+eng', pattern: '^[a-z_]+(\\+[a-z_]+)*$', description: 'tesseract languages joined by +' }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    asr: Type.Object(
      {
        engine: Type.Union([Type.Literal('none'), Type.Literal('pocketsphinx'), Type.Literal('sherpa-onnx')], { default: 'pocketsphinx', description: 'speech recogniser for listen and directory IVR nodes; none: those nodes take keys only' }),
        timeoutMs: Type.Integer({ default: 10_000, minimum: 1000, maximum: 120_000, description: 'one recognition run is killed after this long' }),
        maxConcurrent: Type.Integer({ default: 2, minimum: 1, maximum: 64, description: 'recognitions at once; more wait their turn' }),
        pocketsphinx: Type.Object(
          {
            binary: Type.String({ default: 'pocketsphinx_continuous', minLength: 1 }),
            hmm: Type.String({ default: '/usr/share/pocketsphinx/model/en-us/en-us', minLength: 1, description: 'acoustic model folder' }),
            dict: Type.String({ default: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict', minLength: 1, description: 'pronouncing dictionary' }),
            noiseLevel: Type.Integer({ default: 50, minimum: 0, maximum: 2000, description: 'white noise added to telephone audio after resampling to 16 kHz' }),
            targetPeak: Type.Integer({ default: 4000, minimum: 500, maximum: 32_000, description: 'peak the utterance is scaled to before decoding' }),
          },
          { additionalProperties: false, default: {} },
        ),
        sherpaOnnx: Type.Object(
          {
            model: Type.Optional(Type.String({ minLength: 1, description: 'model file (.onnx) of an offline sherpa-onnx recogniser, e.g. a Mandarin paraformer' })),
            tokens: Type.Optional(Type.String({ minLength: 1, description: 'its tokens.txt' })),
            language: Type.String({ default: 'zh-CN', description: 'language of the model (BCP 47)' }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    calls: Type.Object(
      { retentionDays: Type.Integer({ default: 365, minimum: 1, description: 'days call records (with their legs and recordings) are kept; pruned daily and by kefu prune' }) },
      { additionalProperties: false, default: {} },
    ),
    stats: Type.Object(
      {
        timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone of the statistics buckets (hour, day, week, month) when a request names none; when not given, the office\'s `timezone`; its offset must be whole hours' }),
        serviceLevelS: Type.Integer({ default: 20, minimum: 1, maximum: 600, description: 'service level: calls answered within this many seconds over calls offered (changing it rebuilds the rollups at start-up)' }),
        ringCycleS: Type.Integer({ default: 6, minimum: 1, maximum: 30, description: 'one ring cycle in seconds ("answered within N rings" = wait <= N x this; 6 s in China); changing it rebuilds the rollups at start-up' }),
      },
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
    imports: Type.Object(
      {
        maxRows: Type.Integer({ default: 100_000, minimum: 1, maximum: 10_000_000, description: 'a CSV/vCard/JSON import of more records (lines, cards, entries) is refused whole' }),
        maxBytes: Type.Integer({ default: 32 * 1024 * 1024, minimum: 1024, maximum: 1024 * 1024 * 1024, description: 'body limit of the import routes (bytes); other routes keep the general limit' }),
        batchSize: Type.Integer({ default: 100, minimum: 1, maximum: 50_000, description: 'records written per database transaction' }),
        sliceMs: Type.Integer({ default: 5, minimum: 1, maximum: 1000, description: 'an import gives other requests their turn at least this often (ms of work between yields)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        concurrency: Type.Integer({ default: 16, minimum: 1, maximum: 1000, description: 'webhook requests under way at once, in all' }),
        perWebhook: Type.Integer({ default: 4, minimum: 1, maximum: 100, description: 'requests under way at once to one subscription' }),
        timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000, description: 'a receiver must answer within this long, else the attempt failed' }),
        maxResponseBytes: Type.Integer({ default: 1024, minimum: 0, maximum: 65_536, description: 'bytes of a response body kept in the delivery log' }),
        retry: Type.Object({
          initialDelayMs: Type.Integer({ default: 5000, minimum: 1, maximum: 3_600_000, description: 'wait after the first failed attempt' }),
          factor: Type.Number({ default: 2, minimum: 1, maximum: 10, description: 'each further wait is this many times the one before' }),
          maxDelayMs: Type.Integer({ default: 600_000, minimum: 1, maximum: 86_400_000, description: 'longest wait between attempts' }),
          jitter: Type.Number({ default: 0.2, minimum: 0, maximum: 1, description: 'fraction of each wait drawn at random' }),
          maxAttempts: Type.Integer({ default: 500, minimum: 1, maximum: 100_000, description: 'attempts before a delivery is dead' }),
          maxAgeS: Type.Integer({ default: 86_400, minimum: 1, maximum: 2_592_000, description: 'a delivery not taken this long after it was published (or replayed) is dead' }),
        }, { additionalProperties: false, default: {} }),
        autoDisableAfter: Type.Integer({ default: 20, minimum: 0, maximum: 100_000, description: 'disable a subscription after this many dead letters in a row (0: never)' }),
        retentionDays: Type.Integer({ default: 14, minimum: 1, maximum: 3650, description: 'delivered and dead deliveries are deleted after this many days' }),
        maxQueued: Type.Integer({ default: 100_000, minimum: 100, maximum: 10_000_000, description: 'events waiting to be written to the outbox (database down); more are dropped and logged' }),
        maxEventBytes: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 16_777_216, description: 'larger events are not sent to webhooks' }),
        allowHosts: Type.Array(Type.String({ minLength: 1, maxLength: 260 }), { default: [], maxItems: 1000, description: 'when not empty, webhooks go only to these hosts: names, *.domain, addresses or CIDR blocks' }),
        denyHosts: Type.Array(Type.String({ minLength: 1, maxLength: 260 }), { default: [], maxItems: 1000, description: 'webhooks never go to these hosts (names, *.domain, addresses, CIDR blocks), checked on every address a name resolves to' }),
      },
      { additionalProperties: false, default: {} },
    ),
    crm: Type.Object(
      {
        exportMaxRows: Type.Integer({ default: 50_000, minimum: 1, maximum: 1_000_000, description: 'GET /customers/export refuses (422) a roster of more customers; narrow the filters' }),
      },
      { additionalProperties: false, default: {} },
    ),
    timezone: Type.String({ default: 'Asia/Shanghai', minLength: 1, maxLength: 64, description: 'IANA time zone of the office: "today" of due-today task lists, the local dates of care-plan schedules, and scorecard months named without a zone' }),
    care: Type.Object(
      {
        tickS: Type.Integer({ default: 30, minimum: 1, maximum: 3600, description: 'how often tasks that fell due are looked for (task.due)' }),
        planRunS: Type.Integer({ default: 600, minimum: 10, maximum: 86_400, description: 'how often active care plans make the tasks of their current occurrence' }),
        surveyFlow: Type.String({ default: 'survey', pattern: '^[a-z0-9-]{1,64}$', description: 'the flow POST /calls/{id}/survey sends a caller to after the agent (a flow with a survey node)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    events: Type.Object(
      {
        retentionH: Type.Integer({ default: 24, minimum: 1, maximum: 8760, description: 'hours events are kept in the event log (GET /api/v1/events?since= can resume within them)' }),
        maxRows: Type.Integer({ default: 200_000, minimum: 10, maximum: 100_000_000, description: 'at most this many events are kept (the oldest go first)' }),
        pruneS: Type.Integer({ default: 60, minimum: 1, maximum: 86_400, description: 'seconds between prunes of the event log' }),
        pollMs: Type.Integer({ default: 1000, minimum: 0, maximum: 60_000, description: 'PostgreSQL: milliseconds between looks in the log for other daemons\' events, and in cache_versions for their changes to cached tables (the fallback of NOTIFY); 0: never (PGlite never polls)' }),
        notify: Type.Boolean({ default: true, description: 'PostgreSQL: NOTIFY kefu_events with each batch\'s id and LISTEN for the other daemons\', and LISTEN on kefu_cache (false: the poll alone)' }),
        holeWaitMs: Type.Integer({ default: 3000, minimum: 10, maximum: 60_000, description: 'how long the stream waits for a missing id (a transaction of another daemon not yet committed) before it skips it' }),
        batchMax: Type.Integer({ default: 500, minimum: 1, maximum: 5000, description: 'at most this many events per INSERT into the log' }),
        origin: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$', description: 'this daemon\'s name in the log (default: host:pid:random, new at each start)' })),
      },
      { additionalProperties: false, default: {} },
    ),
    cluster: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'PostgreSQL only: own the Asterisk node by a lease (node_lease) and fence call and leg writes by its epoch; off: one daemon, as before' }),
        node: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:/@-]+$', description: 'the Asterisk node\'s name in node_lease (default: asterisk.ari.url + "/" + asterisk.ari.app)' })),
        owner: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$', description: 'this daemon\'s name as a lease owner (default: host:pid:random, new at each start); unique among daemons' })),
        renewS: Type.Number({ default: 3, minimum: 0.2, maximum: 60, description: 'seconds between lease renewals; less than half of leaseS' }),
        leaseS: Type.Number({ default: 10, minimum: 1, maximum: 300, description: 'seconds a lease lasts after its last renewal (database clock); a stalled owner is replaced after this' }),
        nodeFailS: Type.Number({ default: 10, minimum: 1, maximum: 3600, description: 'seconds the owner waits with the node\'s ARI unreachable before it closes the node\'s open calls as node_failed (the dead-node sweeper)' }),
        advertise: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'this daemon\'s API address as other daemons reach it, http(s)://host:port (default: http://http.host:port, refused when http.host is a wildcard); written in the lease row, where requests that need the node\'s channels are forwarded' })),
        forwardTimeoutS: Type.Number({ default: 10, minimum: 0.5, maximum: 120, description: 'seconds a daemon waits for the owner\'s answer to a forwarded request (then 504 NODE_OWNER_TIMEOUT)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    demo: Type.Boolean({ default: false, description: 'attach one simulated modem line (kefu serve --demo)' }),
    demoFlow: Type.String({ default: 'main', pattern: '^[a-z0-9-]{1,64}$', description: 'with demo on: the IVR flow of the demo line; voice-directory is the ready-made voice lookup of contacts (installed in demo mode)' }),
    demoAttach: Type.Boolean({ default: true, description: 'with demo on: false starts only the simulated modem, adding no line (kefu serve --demo-device); the set-up wizard finds it among the serial ports' }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type LineConfig = Static<typeof LineConfigSchema>;
export type SmsConfig = Static<typeof SmsSchema>;
