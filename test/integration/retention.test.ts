/**
 * Retention on a real database: call records back-dated by SQL past
 * calls.retentionDays go with their legs, recordings and files (in batches);
 * recordings past recording.retentionDays lose file and row; recent and open
 * calls stay. Then `kefu prune` does the same from the command line.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { pino } from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT } from '../helpers/daemon.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { Retention } from '../../src/services/retention.ts';

describe(`retention on ${testDbKind()}`, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db | null = null;
  let dir: string;

  beforeAll(async () => { fresh = await freshDatabase(); dir = mkdtempSync(join(tmpdir(), 'kefu-retention-')); });
  afterAll(async () => { await db?.close(); await fresh.drop(); rmSync(dir, { recursive: true, force: true }); });

  /** A call started `daysAgo` days ago (ended unless open), with a leg and a recording file when asked. */
  const addCall = async (d: Db, daysAgo: number, opts: { open?: boolean; recording?: boolean; recordingDaysAgo?: number } = {}) => {
    const id = randomUUID();
    await d.query(`INSERT INTO calls(id, line_id, direction, state, started_at, ended_at)
      VALUES ($1, 'office', 'inbound', $2, now() - make_interval(days => $3::int), ${opts.open ? 'NULL' : "now() - make_interval(days => $3::int) + interval '1 minute'"})`, [id, opts.open ? 'ivr' : 'ended', daysAgo]);
    await d.query("INSERT INTO call_legs(id, call_id, kind) VALUES ($1, $2, 'caller')", [randomUUID(), id]);
    let file: string | null = null;
    if (opts.recording) {
      mkdirSync(join(dir, 'recordings'), { recursive: true });
      file = join(dir, 'recordings', `${id}.wav`);
      writeFileSync(file, 'RIFF');
      await d.query(`INSERT INTO recordings(id, call_id, path, state, created_at) VALUES ($1, $2, $3, 'ready', now() - make_interval(days => $4::int))`,
        [randomUUID(), id, file, opts.recordingDaysAgo ?? daysAgo]);
    }
    return { id, file };
  };
  const count = async (d: Db, sql: string, params: unknown[] = []) => Number((await d.query<{ n: number }>(sql, params)).rows[0]!.n);

  it('prunes old calls with their legs, recordings and files in batches; recordings on their own retention; keeps the rest', async () => {
    db = await openDb(fresh.url);
    await migrate(db);
    const config = loadConfig({ overrides: { dataDir: dir, calls: { retentionDays: 30 }, recording: { retentionDays: 7 } } });
    const old = await Promise.all(Array.from({ length: 7 }, (_, i) => addCall(db!, 40 + i, { recording: i % 2 === 0 })));
    const openOld = await addCall(db, 50, { open: true });
    const recent = await addCall(db, 3, { recording: true });
    const recentCallOldRecording = await addCall(db, 10, { recording: true });
    const oldFileGone = await addCall(db, 60, { recording: true });
    rmSync(oldFileGone.file!); // a file already missing does not stop its row going

    const r = await new Retention(db, config, pino({ level: 'silent' })).prune({ batchSize: 3 });
    expect(r).toEqual({ calls: 8, recordings: 1, files: 5, fileErrors: 0 });
    for (const c of [...old, oldFileGone]) {
      expect(await count(db, 'SELECT count(*)::int AS n FROM calls WHERE id = $1', [c.id])).toBe(0);
      expect(await count(db, 'SELECT count(*)::int AS n FROM call_legs WHERE call_id = $1', [c.id])).toBe(0);
      expect(await count(db, 'SELECT count(*)::int AS n FROM recordings WHERE call_id = $1', [c.id])).toBe(0);
      if (c.file) expect(existsSync(c.file)).toBe(false);
    }
    expect(await count(db, 'SELECT count(*)::int AS n FROM calls WHERE id = ANY($1::uuid[])', [[openOld.id, recent.id, recentCallOldRecording.id]])).toBe(3);
    expect(existsSync(recent.file!)).toBe(true);
    expect(await count(db, 'SELECT count(*)::int AS n FROM recordings WHERE call_id = $1', [recent.id])).toBe(1);
    expect(existsSync(recentCallOldRecording.file!)).toBe(false);
    expect(await count(db, 'SELECT count(*)::int AS n FROM recordings WHERE call_id = $1', [recentCallOldRecording.id])).toBe(0);
    expect(await new Retention(db, config, pino({ level: 'silent' })).prune()).toEqual({ calls: 0, recordings: 0, files: 0, fileErrors: 0 });
  });

  it('kefu prune deletes what is past calls.retentionDays and prints the counts', async () => {
    const old = await addCall(db!, 400, { recording: true });
    const kept = await addCall(db!, 100, { recording: true });
    if (testDbKind() === 'pglite') { await db!.close(); db = null; } // one opener per PGlite folder
    const cfg = join(dir, 'kefu.yaml');
    writeFileSync(cfg, stringify({ database: { url: fresh.url }, dataDir: dir }));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/kefu.js'), 'prune', '--config', cfg], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('pruned: 1 call records, 0 recordings, 1 files deleted\n');
    expect(existsSync(old.file!)).toBe(false);
    expect(existsSync(kept.file!)).toBe(true);
  });
});
