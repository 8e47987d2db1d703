/**
 * build() on a fresh database (PGlite or PostgreSQL, by KEFU_TEST_DB) with
 * config overrides, and a small inject() client. For the security tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { freshDatabase } from '../helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { makeRepos, type Repos } from '../../src/db/repos/index.ts';
import { AgentBoard } from '../../src/services/agents/board.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { NumberService } from '../../src/services/numbers.ts';
import { BlacklistService } from '../../src/services/blacklist.ts';
import { FlowService } from '../../src/services/flows.ts';
import { loadConfig } from '../../src/config/load.ts';
import { build, type App } from '../../src/http/app.ts';
import type { PromptResolver } from '../../src/core/ivr/media.ts';

export interface Res { status: number; body: any; text: string; headers: Record<string, unknown> } // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Harness {
  app: App;
  repos: Repos;
  bus: EventBus;
  admin: string;
  agent: string;
  call(method: string, url: string, opts?: { key?: string | null; body?: unknown; type?: string; headers?: Record<string, string> }): Promise<Res>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Record<string, unknown> = {}, extra: { prompts?: PromptResolver } = {}): Promise<Harness> {
  const fresh = await freshDatabase();
  const db = await openDb(fresh.url);
  await migrate(db);
  const repos = makeRepos(db);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-sec-'));
  const logger = pino({ level: 'silent' });
  const numbers = new NumberService('CN');
  const blacklist = new BlacklistService(repos.blacklist, numbers, logger, { debounceMs: 50 });
  await blacklist.start();
  const bus = new EventBus();
  const flows = new FlowService(repos.flows, logger, []);
  const app = await build({
    config: loadConfig({ overrides: { dataDir: dir, ...overrides } }), logger, db, bus, repos, numbers, blacklist,
    flows, telephony: null as never, prompts: extra.prompts ?? (null as never), acd: null, pbx: null, demo: null, hardware: null as never,
    agents: new AgentBoard(repos.acd, bus, logger, [], 0), calls: new CallLedger(repos, bus, logger),
  });
  const admin = (await repos.keys.create('admin', 'test')).key;
  const agent = (await repos.keys.create('agent', 'test agent')).key;
  return {
    app, repos, bus, admin, agent,
    async call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? admin : opts.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let payload: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] = opts.type ?? 'application/json';
        payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      // "/customers" means /api/v1/customers; paths outside the API are written whole ("/", "/docs/", "/api/...").
      const full = url === '/' || /^\/(api|docs|assets)\b/.test(url) ? url : `/api/v1${url}`;
      const r = await app.inject({ method: method as 'GET', url: full, headers, payload });
      const json = String(r.headers['content-type'] ?? '').includes('json') && r.body ? JSON.parse(r.body) : undefined;
      return { status: r.statusCode, body: json, text: r.body, headers: r.headers };
    },
    async close() {
      await app.close();
      await blacklist.stop();
      await db.close();
      await fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
