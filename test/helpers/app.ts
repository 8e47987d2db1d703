/**
 * The daemon's HTTP app in-process: build() on a fresh, migrated database
 * (PGlite or PostgreSQL, by KEFU_TEST_DB) with the services the API needs, an
 * admin and an agent API key, and a small inject() client. No line, no PBX.
 */
import { FaxService } from '../../src/services/fax/fax-service.ts';
import { ScorecardService } from '../../src/services/scorecards/service.ts';
import { StatsKpiSource } from '../../src/db/kpi/stats-kpi-source.ts';
import { WebhookService } from '../../src/services/webhooks/webhook-service.ts';
import { createCardScanner } from '../../src/ocr-engines.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { freshDatabase } from './db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { makeRepos, type Repos } from '../../src/db/repos/index.ts';
import type { Db } from '../../src/db/types.ts';
import { CampaignService } from '../../src/services/dialer/campaigns.ts';
import { AgentBoard } from '../../src/services/agents/board.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { EventLogService } from '../../src/services/events/event-log-service.ts';
import { EventLogRepo } from '../../src/db/repos/event-log.ts';
import { NumberService } from '../../src/services/numbers.ts';
import { BlacklistService } from '../../src/services/blacklist.ts';
import { FlowService } from '../../src/services/flows.ts';
import { loadConfig } from '../../src/config/load.ts';
import { build, type App } from '../../src/http/app.ts';
import type { PromptResolver } from '../../src/core/ivr/media.ts';
import { CareService } from '../../src/services/care/care-service.ts';

/** A fresh database with every migration applied, its repositories, and how to close and drop it. */
export interface MigratedDb { db: Db; repos: Repos; close(): Promise<void> }

export async function migratedDb(url?: string): Promise<MigratedDb> {
  const fresh = url ? { url, drop: async () => undefined } : await freshDatabase();
  const db = await openDb(fresh.url);
  await migrate(db);
  return {
    db, repos: makeRepos(db),
    async close() { await db.close(); await fresh.drop(); },
  };
}

export interface Res { status: number; body: any; text: string; raw: Buffer; headers: Record<string, unknown> } // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CallOptions { key?: string | null; body?: unknown; type?: string; headers?: Record<string, string> }

export interface TestApp {
  app: App;
  db: Db;
  repos: Repos;
  bus: EventBus;
  blacklist: BlacklistService;
  /** The app's data folder (removed by close()). */
  dir: string;
  /** API keys: admin (the default of call()) and agent. */
  admin: string;
  agent: string;
  /**
   * inject() as the admin unless `key` says otherwise (null: no key). "/customers" means
   * /api/v1/customers; paths outside the API are written whole ("/", "/docs/", "/api/...", "/assets/...").
   */
  call(method: string, url: string, opts?: CallOptions): Promise<Res>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Config over the defaults (dataDir is the app's own temporary folder). */
  config?: Record<string, unknown>;
  prompts?: PromptResolver;
  /** The app's bus, when the test subscribes before the app exists. */
  bus?: EventBus;
  logger?: Logger;
  /** Give the app a fax service (no fax lines: sending is refused until a backend is added). */
  fax?: boolean;
  /** Run webhook deliveries (config.webhooks as given in `config`). */
  webhooks?: boolean;
  /** Write events to the event log as the daemon does (ids from the database; the stream can replay). */
  eventLog?: boolean;
  /** A database of the test's own (a server it stops and starts) instead of a fresh one of KEFU_TEST_DB's kind. */
  databaseUrl?: string;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const { db, repos, close: closeDb } = await migratedDb(opts.databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-app-'));
  const logger = opts.logger ?? pino({ level: 'silent' });
  const numbers = new NumberService('CN');
  // debounceMs: changes reach the snapshot matcher soon after a test makes them
  const blacklist = new BlacklistService(repos.blacklist, numbers, logger, { debounceMs: 50 });
  await blacklist.start();
  const bus = opts.bus ?? new EventBus();
  const config = loadConfig({ overrides: { dataDir: dir, ...opts.config } });
  // not started: tests drive fireDue/runPlans themselves (the daemon starts its own)
  const care = new CareService({ repos, bus, logger, timezone: config.timezone, tickS: config.care.tickS, planRunS: config.care.planRunS });
  const fax = opts.fax ? new FaxService({ config, logger, bus, repos, numbers, blacklist }) : undefined;
  await fax?.start();
  const webhooks = opts.webhooks ? new WebhookService({ repo: repos.webhooks, bus, logger, config: config.webhooks }) : undefined;
  await webhooks?.start();
  const eventLog = opts.eventLog ? new EventLogService({ bus, repo: new EventLogRepo(db), config: config.events, logger, listen: null }) : undefined;
  await eventLog?.start();
  const app = await build({
    config, logger, db, bus, repos, ...(eventLog ? { eventLog } : {}), numbers, blacklist,
    flows: new FlowService(repos.flows, logger, []), telephony: null as never, prompts: opts.prompts ?? (null as never),
    acd: null, pbx: null, campaigns: new CampaignService(repos.campaigns, repos.acd, numbers, blacklist, bus, logger), demo: null, hardware: null as never,
    agents: new AgentBoard(repos.acd, bus, logger, [], 0), calls: new CallLedger(repos, bus, logger), ...(fax ? { fax } : {}), ...(webhooks ? { webhooks } : {}), care,
    scorecards: new ScorecardService({ db, bus, kpis: new StatsKpiSource(db) }),
    cardScanner: createCardScanner(config.cardScan),
  });
  const admin = (await repos.keys.create('admin', 'test')).key;
  const agent = (await repos.keys.create('agent', 'test agent')).key;
  return {
    app, db, repos, bus, blacklist, dir, admin, agent,
    async call(method, url, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const key = o.key === undefined ? admin : o.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let payload: string | Buffer | undefined;
      if (o.body !== undefined) {
        headers['content-type'] = o.type ?? 'application/json';
        payload = typeof o.body === 'string' || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body);
      }
      const full = url === '/' || /^\/(api|docs|assets)\b/.test(url) ? url : `/api/v1${url}`;
      const r = await app.inject({ method: method as 'GET', url: full, headers, payload });
      const json = String(r.headers['content-type'] ?? '').includes('json') && r.body ? JSON.parse(r.body) : undefined;
      return { status: r.statusCode, body: json, text: r.body, raw: r.rawPayload, headers: r.headers };
    },
    async close() {
      await app.close();
      await eventLog?.stop();
      await webhooks?.stop();
      await fax?.stop();
      await blacklist.stop();
      await closeDb();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
