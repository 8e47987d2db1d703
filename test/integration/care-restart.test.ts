/**
 * task.due across daemon restarts (the real daemon, in-process, on the
 * database KEFU_TEST_DB names): a task that fell due while the daemon was
 * down fires once after start, never again after the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { until } from '../helpers/wait.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { openDb } from '../../src/db/open.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { EventBus, type KefuEvent } from '../../src/core/events/bus.ts';

describe(`task.due across restarts on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  let daemon: Daemon | null = null;
  const BOOT = 'kefu_care_restart_key_0123456789';

  const start = async (): Promise<{ d: Daemon; events: Array<KefuEvent<'task.due'>> }> => {
    const events: Array<KefuEvent<'task.due'>> = [];
    const config = loadConfig({ overrides: { database: { url: db.url }, dataDir: dir, http: { port: 0 }, log: { level: 'silent' }, care: { tickS: 1 } } });
    // subscribed before start: the sweep at start-up is seen too
    const bus = new EventBus();
    bus.subscribe((e) => { if (e.type === 'task.due') events.push(e as KefuEvent<'task.due'>); });
    const d = await startDaemon({ config, logger: pino({ level: 'silent' }), bootstrapKey: BOOT, adminPassword: 'care-restart-pw-1', bus });
    daemon = d;
    return { d, events };
  };
  /** Adds a task while no daemon runs (straight into the database). */
  const addWhileDown = async (title: string, dueAt: Date): Promise<string> => {
    const conn = await openDb(db.url);
    try { return (await makeRepos(conn).tasks.create({ kind: 'call', title, ownerId: null, dueAt }, 'test')).id; } finally { await conn.close(); }
  };
  const api = async (d: Daemon, path: string) => (await fetch(`${d.url}/api/v1${path}`, { headers: { authorization: `Bearer ${BOOT}` } })).json() as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'kefu-care-'));
  });
  afterAll(async () => {
    await daemon?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fires once after start for a task that fell due while down, and not again after the next start', async () => {
    // first start migrates the database; no task yet
    await (await start()).d.stop();
    daemon = null;
    const missed = await addWhileDown('fell due while down', new Date(Date.now() - 60_000));

    const second = await start();
    const fired = await until('the missed task fired', async () => (await api(second.d, `/tasks/${missed}`)).firedAt as string | null);
    expect(second.events.filter((e) => e.data.taskId === missed)).toHaveLength(1);
    expect(second.events.find((e) => e.data.taskId === missed)!.data).toMatchObject({ kind: 'call', title: 'fell due while down', ownerId: null });
    const later = (await api(second.d, '/tasks')).items as Array<{ id: string }>;
    expect(later.map((x) => x.id)).toContain(missed);
    // a task falling due while this daemon runs fires through the tick, as an event
    const soon = await (await fetch(`${second.d.url}/api/v1/tasks`, {
      method: 'POST', headers: { authorization: `Bearer ${BOOT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'visit', title: 'due in a moment', dueAt: new Date(Date.now() + 500).toISOString() }),
    })).json() as { id: string };
    await until('task.due of the new task', () => second.events.find((e) => e.data.taskId === soon.id));
    expect(second.events.filter((e) => e.data.taskId === soon.id)).toHaveLength(1);
    await second.d.stop();
    daemon = null;

    // third start: a marker due while down fires; neither earlier task fires again
    const marker = await addWhileDown('marker', new Date(Date.now() - 1000));
    const third = await start();
    await until('the marker fired', async () => (await api(third.d, `/tasks/${marker}`)).firedAt);
    expect((await api(third.d, `/tasks/${missed}`)).firedAt).toBe(fired);
    expect(third.events.filter((e) => e.data.taskId === marker)).toHaveLength(1);
    expect(third.events.filter((e) => e.data.taskId === missed || e.data.taskId === soon.id)).toHaveLength(0);
  });
});
