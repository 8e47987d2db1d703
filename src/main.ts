/**
 * Composition root: config -> logger -> db -> services -> backends -> http.
 * Nothing else constructs services or opens connections.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/schema.ts';
import { createLogger } from './logger.ts';
import { configSecrets } from './config/secrets.ts';
import { redactDbUrl } from './db/open.ts';
import { openDatabase } from './open-database.ts';
import type { Db } from './db/types.ts';
import { migrate } from './db/migrate.ts';
import { pgliteFolder, privatiseTree } from './db/private-files.ts';
import { SQL_DIR } from './paths.ts';
import { makeRepos } from './db/repos/index.ts';
import { applyStatsSettings } from './db/repos/stats-live.ts';
import { isTimeZone, wholeHourZone } from './core/stats/buckets.ts';
import { EventBus } from './core/events/bus.ts';
import { EventLogService } from './services/events/event-log-service.ts';
import { EventLogRepo } from './db/repos/event-log.ts';
import { listenPostgres } from './db/listen.ts';
import { CacheVersionRepo } from './db/repos/cache-versions.ts';
import { CacheSync } from './services/cluster/cache-sync.ts';
import { NumberService } from './services/numbers.ts';
import { BlacklistService } from './services/blacklist.ts';
import { FlowService } from './services/flows.ts';
import { RecordingService } from './services/recording/recorder.ts';
import { Telephony } from './services/telephony/telephony.ts';
import { recoverInterruptedCalls } from './services/telephony/recovery.ts';
import { CallLedger } from './services/calls/ledger.ts';
import { TtsPromptResolver } from './media/prompts.ts';
import { EspeakTts } from './media/tts.ts';
import { loadStoredAudio } from './media/audio-store.ts';
import { createFaxModem, createLineDriver, createPbx, createPbxFax, hardwareBackends } from './drivers.ts';
import { addDemoFaxLine } from './services/fax/demo-fax.ts';
import { FaxService } from './services/fax/fax-service.ts';
import { ScorecardService } from './services/scorecards/service.ts';
import { StatsKpiSource } from './db/kpi/stats-kpi-source.ts';
import { createRecognizer } from './asr-engines.ts';
import { createCardScanner } from './ocr-engines.ts';
import { contactDirectory, seedVoiceDirectoryDemo } from './services/voice-directory.ts';
import { HardwareService } from './services/hardware/hardware.ts';
import { startDemoLine } from './services/demo.ts';
import { PbxService } from './services/pbx/pbx-service.ts';
import { daemonName, ownNode, type OwnedNode } from './services/cluster/node.ts';
import { AgentBoard } from './services/agents/board.ts';
import { CampaignService } from './services/dialer/campaigns.ts';
import { ModemCampaignCalls } from './services/telephony/campaign-calls.ts';
import { KefuError } from './core/errors.ts';
import { build, type App } from './http/app.ts';
import type { AppContext } from './http/context.ts';
import { ensureAdminAgent, ensureAdminKey, ensureAdminUser } from './services/bootstrap.ts';
import { Retention } from './services/retention.ts';
import { SmsService } from './services/sms/sms-service.ts';
import { startDemoDongle } from './services/sms/demo-sms.ts';
import { createSmsDongle } from './drivers.ts';
import { WebhookService } from './services/webhooks/webhook-service.ts';
import { CareService } from './services/care/care-service.ts';

export interface DaemonOptions {
  config: Readonly<Config>;
  /** The database, already opening (openDatabase): `kefu serve` starts it before loading this module. */
  database?: Promise<Db>;
  logger?: Logger;
  /** KEFU_BOOTSTRAP_KEY: adopted as the admin key when set. */
  bootstrapKey?: string | undefined;
  /** Where the first-start admin key is shown (once). */
  announceKey?: (key: string) => void;
  /** KEFU_ADMIN_PASSWORD: the first console user's password when set. */
  adminPassword?: string | undefined;
  /** Where the first-start console password is shown (once). */
  announcePassword?: (password: string) => void;
  /** The event bus, when the caller must see events sent during start-up (tests: task.due of tasks that fell due while down). */
  bus?: EventBus;
}

export interface Daemon {
  app: App;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { config } = opts;
  const t0 = performance.now();
  const logger = opts.logger ?? createLogger(config.log.level, undefined, { secrets: configSecrets(config) });
  const db = await (opts.database ?? openDatabase(config, logger));
  const cleanups: Array<() => Promise<void>> = [() => db.close()];
  const stopAll = async () => { for (const c of cleanups.reverse()) await c().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed')); };
  try {
    const applied = await migrate(db, SQL_DIR);
    const dbFolder = pgliteFolder(config.database.url);
    if (dbFolder) await privatiseTree(dbFolder);
    logger.info({ db: db.kind, url: redactDbUrl(config.database.url), migrations: applied.map((m) => m.version) }, 'database ready');
    const repos = makeRepos(db);
    if (!isTimeZone(config.stats.timeZone)) throw new Error(`stats.timeZone: not a time zone this system knows: ${config.stats.timeZone}`);
    if (!wholeHourZone(config.stats.timeZone, new Date(Date.now() - 366 * 86_400_000), new Date(Date.now() + 366 * 86_400_000))) {
      throw new Error(`stats.timeZone: ${config.stats.timeZone} is not a whole number of hours from UTC; the statistics rollups are hourly`);
    }
    if (await applyStatsSettings(db, { serviceLevelMs: config.stats.serviceLevelS * 1000, ringCycleMs: config.stats.ringCycleS * 1000, timeZone: config.stats.timeZone })) {
      logger.info({ ...config.stats }, 'statistics settings changed: rollups rebuilt');
    }
    // Secrets shown once go to the terminal, never into a log line (journald and log files keep those).
    await ensureAdminKey(repos.keys, opts.bootstrapKey, opts.announceKey ?? ((key) => process.stderr.write(`kefu: first start: admin API key created, shown once: ${key}\n`)), (msg) => logger.warn(msg));
    await ensureAdminUser(repos.users, opts.adminPassword, opts.announcePassword ?? ((pw) => process.stderr.write(`kefu: first start: console user "admin" created, password shown once: ${pw}\n`)));
    // Single line: the admin is also the one at the phone, so the desk works for them from the first start.
    if (!config.lines.some((l) => l.driver === 'asterisk')) {
      const linked = await ensureAdminAgent(repos.users, repos.acd);
      if (linked) logger.info({ agentId: linked }, 'console user "admin" works the desk as agent "admin"');
    }

    const bus = opts.bus ?? new EventBus();
    // the event log gives every event its id (docs/scale-out.md), then hands it to the webhooks and the stream
    const listen = db.kind === 'postgres' ? (channel: string, onNotify: (payload: string) => void, onLost: (err: unknown) => void) => listenPostgres(config.database.url, channel, onNotify, onLost) : null;
    const eventLog = new EventLogService({ bus, repo: new EventLogRepo(db), config: config.events, logger: logger.child({ component: 'events' }), listen });
    // caches loaded below follow other daemons' changes to their tables (docs/scale-out.md, "In-memory caches"); versions taken before they load
    const caches = new CacheSync({ repo: new CacheVersionRepo(db), logger: logger.child({ component: 'caches' }), config: config.events, listen });
    await caches.baseline();
    // first on the bus, last to stop: every event published until shutdown reaches the outbox
    const webhooks = new WebhookService({ repo: repos.webhooks, bus, logger: logger.child({ component: 'webhooks' }), config: config.webhooks, claimant: eventLog.origin });
    await webhooks.start();
    caches.register('webhooks', () => webhooks.reload());
    cleanups.push(() => webhooks.stop());
    await eventLog.start();
    // stopped before the webhooks: its last write hands the last events to their outbox
    cleanups.push(() => eventLog.stop());
    const numbers = new NumberService(config.numbers.defaultRegion);
    const blacklist = new BlacklistService(repos.blacklist, numbers, logger.child({ component: 'blacklist' }));
    await blacklist.start();
    cleanups.push(async () => blacklist.stop?.());
    caches.register('blacklist', () => blacklist.refresh());
    const flows = new FlowService(repos.flows, logger.child({ component: 'ivr' }), config.seats.map((s) => s.id));
    await flows.seedDefault();
    await flows.warm(config.lines.flatMap((l) => (l.inbound ? [l.inbound.flow] : [])));
    caches.register('flows', async () => flows.forgetAll());
    const recordings = new RecordingService(config, repos.recordings, bus, logger.child({ component: 'recording' }));
    const calls = new CallLedger(repos, bus, logger);
    // with a cluster, open calls may be another daemon's live ones: the node's owner closes them when it takes the node
    await recoverInterruptedCalls(calls, repos, recordings, logger, { callRows: !config.cluster.enabled });
    const tts = new EspeakTts({ cacheDir: config.tts.cacheDir ?? resolve(config.dataDir, 'tts-cache'), diskCacheBytes: config.tts.cacheMaxBytes });
    const prompts = new TtsPromptResolver(tts, loadStoredAudio(repos.recordings));

    /** With a cluster: this daemon's name, as the node's lease owner and as the writer of agent states. */
    const daemon = config.cluster.enabled ? daemonName(config) : null;
    const agents = new AgentBoard(repos.acd, bus, logger.child({ component: 'agents' }), config.seats, config.console.wrapUpS, daemon);
    await agents.load();
    agents.start();
    cleanups.push(() => agents.stop());
    const recognizer = createRecognizer(config.asr);
    const speech = recognizer ? { recognizer, directory: contactDirectory(repos.contacts) } : undefined;
    const telephony = new Telephony({ config, logger, bus, repos, numbers, blacklist, flows, prompts, recordings, agents, calls, speech });
    for (const line of config.lines.filter((l) => l.driver !== 'asterisk')) await telephony.addLine(line, createLineDriver(line, logger));
    const pbxLines = config.lines.filter((l) => l.driver === 'asterisk');
    let pbx: PbxService | null = null;
    let owned: OwnedNode | null = null;
    if (pbxLines.length > 0) {
      if (!config.asterisk) throw new KefuError('CONFIG_INVALID', 'asterisk: required when a line uses driver asterisk (asterisk.ari url, username, password)');
      // cluster.enabled: the node is owned by lease, the PBX's writes fenced by its epoch (docs/scale-out.md)
      owned = daemon ? ownNode({ config, db, bus, logger, inner: createPbx(config.asterisk, logger), lineIds: pbxLines.map((l) => l.id), owner: daemon }) : null;
      pbx = new PbxService({ config, logger, bus, repos: owned?.repos ?? repos, numbers, blacklist, flows, prompts, recordings, agents, calls: owned?.calls ?? calls, speech }, pbxLines, owned?.pbx ?? createPbx(config.asterisk, logger));
      if (owned) {
        const p = pbx;
        pbx.takenOver = owned.takenOver;
        owned.onForget = () => p.nodeOwnedElsewhere();
        owned.reports.attach({
          legsOf: (id) => p.takeLegs(id), drivesChannel: (id) => p.drivesChannel(id), settled: () => p.settled(),
          recordingsOf: (id) => recordings.takeRowless(id), sealRecordings: (id, recs) => recordings.sealReported(id, recs),
        });
      }
      telephony.addGroup(pbxLines.map((l) => l.id), pbx);
    }
    const fax = new FaxService({ config, logger: logger.child({ component: 'fax' }), bus, repos, numbers, blacklist });
    const pbxFax = config.asterisk && pbxLines.length > 0 ? createPbxFax(config.asterisk, logger) : null;
    if (pbxFax) for (const l of pbxLines) fax.addLine(FaxService.pbxLine(l, pbxFax));
    for (const m of config.fax.modems) fax.addLine(FaxService.modemLine(m.id, createFaxModem(m, logger, config.fax.maxPages)));
    const demoFax = config.demo ? await addDemoFaxLine(fax, logger, config.fax.maxPages) : null;
    if (demoFax) cleanups.push(() => demoFax.close());
    await fax.start();
    cleanups.push(() => fax.stop());
    if (pbx && pbxFax) pbx.faxReceiver = (lineId, legId) => fax.receiveOnLeg(lineId, legId);
    await demoFax?.ring();
    // the demo menu's 3 (and demoFlow voice-directory) looks up these contacts by voice
    if (config.demo) await seedVoiceDirectoryDemo(flows, repos.contacts);
    const demo = config.demo ? await startDemoLine(telephony, logger, config.numbers.defaultRegion, {
      attach: config.demoAttach, ptyDir: resolve(config.dataDir, 'demo-device'), flow: config.demoFlow, speak: (text, voice) => tts.synthesize(text, voice),
    }) : null;
    if (demo) cleanups.push(() => demo.close());
    const simulated = demo ? [{ path: demo.control.devicePath, manufacturer: 'kefu demo: simulated Conexant CX93010', vendorId: null, productId: null, serialNumber: null, simulated: true }] : [];
    const hardware = new HardwareService({ config, logger, bus, repos, db, numbers, flows, telephony, backends: hardwareBackends(logger, () => simulated) });
    await hardware.load();
    caches.register('settings', async () => numbers.setDefaultRegion(await repos.setup.setting<string>('numbers.defaultRegion') ?? config.numbers.defaultRegion));
    cleanups.push(async () => hardware.stop());
    await telephony.start();
    // the lease stops after the PBX service (which hangs its calls up while ARI is still open), then gives up the row
    if (owned) { const node = owned; cleanups.push(() => node.stop()); }
    cleanups.push(() => telephony.stop());
    await owned?.lease.start();
    const retention = new Retention(db, config, logger.child({ component: 'retention' }));
    retention.start();
    cleanups.push(() => retention.stop());

    const campaigns = new CampaignService(repos.campaigns, repos.acd, numbers, blacklist, bus, logger.child({ component: 'campaigns' }), daemon ? { owner: daemon } : null);
    // the call centre's dialer on Asterisk; otherwise the office's on its modem lines
    await campaigns.start(pbx?.campaignCalls ?? new ModemCampaignCalls({ config, logger, bus, repos, numbers, blacklist, flows, prompts, recordings, agents, calls }, telephony, logger.child({ component: 'dialer' })));
    cleanups.push(() => campaigns.stop());
    // queues and agents: definitions reloaded, live states (agent board, callers waiting) kept
    caches.register('acd', async () => { await pbx?.acd.load(); await agents.sync(); await campaigns.loadMembers(); });
    // agents' live states another daemon wrote (docs/scale-out.md, "Queues across nodes")
    caches.register('agent-states', () => agents.follow());
    // another node's caller stopped waiting or its ring ended: an agent held back for it may be offered here
    caches.register('queue-waiting', async () => { pbx?.acd.reroute(); });

    const smsDemo = config.demo && config.demoAttach ? await startDemoDongle(logger) : null;
    if (smsDemo) cleanups.push(() => smsDemo.close());
    const dongles = [...config.sms.map((cfg) => ({ cfg, dongle: createSmsDongle(cfg, logger) })), ...(smsDemo ? [smsDemo] : [])];
    const sms = dongles.length ? new SmsService({ repos, numbers, blacklist, bus, logger: logger.child({ component: 'sms' }) }, dongles) : null;
    if (sms) { await sms.start(); cleanups.push(() => sms.stop()); }

    const care = new CareService({ repos, bus, logger: logger.child({ component: 'care' }), timezone: config.timezone, tickS: config.care.tickS, planRunS: config.care.planRunS });
    await care.start();
    cleanups.push(() => care.stop());

    const ctx: AppContext = { config, logger, db, bus, eventLog, repos, numbers, blacklist, flows, calls, telephony, prompts, agents, acd: pbx?.acd ?? null, pbx, campaigns, demo: demo?.control ?? null, hardware, sms, smsDemo: smsDemo?.control ?? null, fax, webhooks, care, cardScanner: createCardScanner(config.cardScan),
      scorecards: new ScorecardService({ db, bus, kpis: new StatsKpiSource(db) }), cluster: owned?.directory ?? null };
    const app = await build(ctx);
    caches.register('auth', async () => { app.forgetKeys(); app.forgetAllSessions(); });
    await caches.start();
    cleanups.push(() => caches.stop());
    await app.listen({ host: config.http.host, port: config.http.port });
    cleanups.push(() => app.close());
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
    const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    // the owner's address in its lease row: where the other daemons forward the requests that need the node (docs/scale-out.md)
    owned?.directory.advertise(config.cluster.advertise ?? url);
    logger.info({ url, console: `${url}/`, docs: `${url}/docs`, startupMs: Math.round(performance.now() - t0) }, 'kefu ready');
    return { app, ctx, url, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
