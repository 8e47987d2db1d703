/**
 * The multi-seat backend (PbxService with its ACD, handset ringer, monitors
 * and click-to-dial) wired as main.ts wires it, on a migrated PGlite
 * (test/support/template-db.ts), with the in-process fake PBX on the far
 * side. Nothing of ours is replaced: only the PBX is a fake, and it passes
 * the Pbx contract. For unit tests with fake timers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { EventBus, type KefuEvent } from '../../src/core/events/bus.ts';
import { makeRepos, type Repos } from '../../src/db/repos/index.ts';
import { NumberService } from '../../src/services/numbers.ts';
import { BlacklistService } from '../../src/services/blacklist.ts';
import { FlowService } from '../../src/services/flows.ts';
import { RecordingService } from '../../src/services/recording/recorder.ts';
import { TtsPromptResolver } from '../../src/media/prompts.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import { loadStoredAudio } from '../../src/media/audio-store.ts';
import { AgentBoard } from '../../src/services/agents/board.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { PbxService } from '../../src/services/pbx/pbx-service.ts';
import type { QueueSettings } from '../../src/db/repos/acd.ts';
import type { Strategy } from '../../src/core/acd/strategies.ts';
import { FakePbx } from './fake-pbx.ts';
import { templateDb } from './template-db.ts';
import type { Db } from '../../src/db/types.ts';

export const TRUNK = 'PJSIP/trunk';

/** Fake timers for these tests: the clock and timers only (setImmediate stays real: PGlite and `settle` run on it). */
export const FAKE_CLOCK: { toFake: Array<'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval' | 'Date'> } = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
};

export interface PbxHarness {
  /** The database (another harness may share it: `pbxHarness({ db })`). */
  db: Db;
  pbx: FakePbx;
  service: PbxService;
  agents: AgentBoard;
  repos: Repos;
  bus: EventBus;
  events: KefuEvent[];
  numbers: NumberService;
  blacklist: BlacklistService;
  flows: FlowService;
  /** Agents with a seat each (seat-<id>, endpoint PJSIP/<id>), logged in and ready. */
  addAgents(ids: string[]): Promise<void>;
  addQueue(id: string, strategy: Strategy, members: string[], settings?: Partial<QueueSettings>): Promise<void>;
  /** From now on the line's flow puts every caller into `queueId` (hang-up when the queue gives up). */
  queueFlow(queueId: string): Promise<void>;
  /** Run the services until `cond` holds (microtasks, database writes; never the fake clock), or fail. */
  until(cond: () => boolean, what: string): Promise<void>;
  /** Our services are done with everything the fake PBX said (microtasks, database writes). */
  settle(): Promise<void>;
  /**
   * The node changes hands (needs `logLines`): the link drops, and comes up
   * as a takeover (this daemon wins the node back under a new epoch: what it
   * remembered is dropped). Resolves with the takeover's report line.
   */
  takeOver(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * `db`: share another harness's database (a second daemon on its own node;
 * closing this one leaves the database to its first user). `writer`: the
 * agent board's writer name (cluster.owner). `node`: a cluster's node
 * (cluster.node; its lease row is written as held), so the ACD shares its
 * waiting callers (sql/029). `logLines` collects the services' log.
 */
export async function pbxHarness(opts: { seats: string[]; flow?: string; channels?: number; db?: Db; writer?: string; node?: string; logLines?: string[] }): Promise<PbxHarness> {
  const { db, drop } = opts.db ? { db: opts.db, drop: async () => undefined } : await templateDb();
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-pbx-unit-'));
  const config = loadConfig({
    cwd: dataDir,
    overrides: {
      dataDir,
      lines: [{ id: 'trunk1', driver: 'asterisk', endpoint: TRUNK, channels: opts.channels ?? 8, record: false, inbound: { flow: opts.flow ?? 'main' } }],
      seats: opts.seats.map((s) => ({ id: `seat-${s}`, endpoint: `PJSIP/${s}` })),
      asterisk: { ari: { url: 'http://127.0.0.1:1', username: 'u', password: 'p', app: 'kefu' } },
      // a cluster's node: the config check wants a PostgreSQL URL, which nothing here opens (the database is the harness's)
      ...(opts.node ? { cluster: { enabled: true, node: opts.node }, database: { url: 'postgres://kefu@127.0.0.1:1/unused' } } : {}),
    },
  });
  if (opts.node) {
    // a node of a cluster, its lease held by this harness for the test's length (no lease service runs here)
    await db.query(`INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ($1, $2, 1, now() + interval '1 hour')
      ON CONFLICT (node) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at`, [opts.node, opts.writer ?? opts.node]);
  }
  // `logLines`: the services' log at info, one JSON line each, for a test that reads what the daemon reports
  const logger = opts.logLines ? pino({ level: 'info' }, { write: (line: string) => { opts.logLines!.push(line); } }) : pino({ level: process.env.KEFU_TEST_LOG ?? 'silent' });
  const repos = makeRepos(db);
  const bus = new EventBus();
  const events: KefuEvent[] = [];
  bus.subscribe((e) => { events.push(e); });
  const numbers = new NumberService(config.numbers.defaultRegion);
  const blacklist = new BlacklistService(repos.blacklist, numbers, logger);
  await blacklist.start();
  const flows = new FlowService(repos.flows, logger, config.seats.map((s) => s.id));
  const recordings = new RecordingService(config, repos.recordings, bus, logger);
  const prompts = new TtsPromptResolver(new EspeakTts({ cacheDir: join(dataDir, 'tts') }), loadStoredAudio(repos.recordings));
  const agents = new AgentBoard(repos.acd, bus, logger, config.seats, config.console.wrapUpS, opts.writer ?? null);
  await agents.load();
  agents.start();
  const pbx = new FakePbx({ ringMs: 1000 });
  const calls = new CallLedger(repos, bus, logger);
  const service = new PbxService({ config, logger, bus, repos, numbers, blacklist, flows, prompts, recordings, agents, calls }, [...config.lines], pbx);
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((r) => setImmediate(r));
      await agents.flush();
    }
  };
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (cond()) return;
      await settle();
    }
    throw new Error(`never happened: ${what}`);
  };
  return {
    db, pbx, service, agents, repos, bus, events, settle, until, numbers, blacklist, flows,
    async addAgents(ids) {
      for (const id of ids) await repos.acd.createAgent({ id, name: id });
      await agents.load();
      await service.acd.load();
      for (const id of ids) await agents.setState(id, { state: 'ready', seatId: `seat-${id}` });
    },
    async addQueue(id, strategy, members, settings = {}) {
      await repos.acd.createQueue({ id, name: id, strategy, members, settings });
      await service.acd.load();
    },
    async queueFlow(queueId) {
      const flow = { id: 'main', name: 'Queue', entry: 'q', nodes: { q: { type: 'queue', queue: queueId, fallback: 'bye' }, bye: { type: 'hangup' } } };
      if ((await repos.flows.list()).some((f) => f.id === 'main')) await flows.save('main', flow, true);
      else await flows.create(flow);
    },
    async takeOver() {
      const lines = opts.logLines;
      if (!lines) throw new Error('takeOver() reads the takeover report from the log: give the harness logLines');
      const mark = lines.length;
      const report = () => lines.slice(mark).find((l) => l.includes('"msg":"node taken over"'));
      pbx.linkDown();
      await settle();
      let once = true;
      service.takenOver = () => { const t = once; once = false; return t; };
      pbx.linkUp();
      await until(() => report() !== undefined, 'the takeover ran');
      return JSON.parse(report()!) as Record<string, unknown>;
    },
    async close() {
      await service.stop().catch(() => undefined); // teardown: a test that failed may leave the fake PBX unreachable; its own assertion already said why
      await agents.stop();
      await blacklist.stop();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The set-up of the takeover cases (test/unit/acd/takeover-*.test.ts): a
 * node of a cluster written as this daemon's, queue `sales` (the line's flow
 * sends callers there) whose one agent, d1, is paused: callers wait.
 */
export async function pausedQueueHarness(logLines: string[]): Promise<PbxHarness> {
  const h = await pbxHarness({ seats: ['d1'], node: 'node-a', writer: 'daemon-2', logLines });
  await h.service.start();
  await h.addAgents(['d1']);
  await h.agents.setState('d1', { state: 'paused', reason: 'lunch' });
  await h.addQueue('sales', 'round-robin', ['d1'], { maxWaitS: 600 });
  await h.queueFlow('sales');
  return h;
}
