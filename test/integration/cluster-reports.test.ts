/**
 * Issue 14, ends an owner saw and could not write (docs/scale-out.md; sql/031;
 * src/services/calls/reports.ts), on a real database. Daemon A owned the
 * node under epoch 1; B took it over (epoch 2) while A's writes waited. A's
 * writes are refused by the fence, so A reports what it saw end; B applies
 * the reports: a call with no row is recorded, a row B's takeover closed as
 * `interrupted` gets the end A saw, and a report of a call B saw itself is
 * not applied. The statements are plain SQL and run on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { until } from '../helpers/wait.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { CallReports } from '../../src/services/calls/reports.ts';
import { LegLog } from '../../src/services/pbx/legs.ts';
import { fencedDb, StaleEpochCounter, type Fence } from '../../src/services/cluster/fenced-db.ts';
import { RecordingService, sha256File } from '../../src/services/recording/recorder.ts';
import { loadConfig } from '../../src/config/load.ts';
import { writeWav } from '../../src/media/wav.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const logs: string[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } }));

interface Row { disposition: string | null; digits: string; answered_at: Date | null; ended_at: Date | null; started_at: Date; caller_name: string | null }

describe(`call reports of an owner that lost the node, on ${testDbKind()}`, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-reports-'));
  const config = loadConfig({ cwd: dataDir, overrides: {
    dataDir, lines: [{ id: 'trunk3', driver: 'asterisk', endpoint: 'PJSIP/t', channels: 1 }],
    asterisk: { ari: { url: 'http://127.0.0.1:1', username: 'u', password: 'p', app: 'kefu' } },
  } });
  beforeAll(async () => { fresh = await freshDatabase(); db = await openDb(fresh.url); await migrate(db); });
  afterAll(async () => { await db?.close(); await fresh?.drop(); rmSync(dataDir, { recursive: true, force: true }); });

  /** One daemon's side of node `node`: its fenced ledger, leg log and reports. */
  const side = (node: string, fence: Fence, drives: Set<string> = new Set()) => {
    const fenced = fencedDb(db, () => fence, new StaleEpochCounter());
    const repos = makeRepos(fenced);
    const bus = new EventBus();
    const ended: Array<{ callId: string; disposition: string }> = [];
    bus.subscribe((e) => { if (e.type === 'call.ended') ended.push(e.data as { callId: string; disposition: string }); });
    const ledger = new CallLedger(repos, bus, logger);
    const legs = new LegLog(repos.legs, logger, true);
    const reports = new CallReports({ db, fenced, fence: () => fence, ledger, bus, logger });
    // recordings are not fenced (main.ts: the plain repositories)
    const recordings = new RecordingService(config, makeRepos(db).recordings, bus, logger);
    reports.attach({
      legsOf: (id) => legs.take(id), drivesChannel: (id) => drives.has(id), settled: () => true,
      recordingsOf: (id) => recordings.takeRowless(id), sealRecordings: (id, recs) => recordings.sealReported(id, recs),
    });
    return { node, repos, ledger, legs, reports, ended, recordings };
  };
  const row = async (id: string): Promise<Row | undefined> =>
    (await db.query<Row>('SELECT disposition, digits, answered_at, ended_at, started_at, caller_name FROM calls WHERE id = $1', [id])).rows[0];
  const legsOf = async (id: string) =>
    (await db.query<{ channel_id: string; end_cause: string | null; answered_at: Date | null }>('SELECT channel_id, end_cause, answered_at FROM call_legs WHERE call_id = $1 ORDER BY started_at', [id])).rows;
  const reportCount = async (node: string) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM call_reports WHERE node = $1', [node])).rows[0]!.n);

  it('the new owner records a call that had no row, corrects one its takeover closed as interrupted, and leaves the ones it saw itself', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('r1', 'a', 1, now() + interval '1 hour')");
    const a = side('r1', { node: 'r1', owner: 'a', epoch: 1 });
    // Y and Z begin while A owns the node: their rows and caller legs are written
    const y = a.ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138101' });
    a.legs.start({ callId: y.id, kind: 'caller', channelId: 'ch-y' }, y.created);
    y.answered('+8613800138101');
    a.legs.answered('ch-y');
    const z = a.ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138102' });
    a.legs.start({ callId: z.id, kind: 'caller', channelId: 'ch-z' }, z.created);
    await Promise.all([y.idle(), z.idle(), a.legs.idle()]);

    // B takes the node over (epoch 2); from here every write of A is refused by the fence
    await db.query("UPDATE node_lease SET owner = 'b', epoch = 2 WHERE node = 'r1'");
    const drivenByB = new Set<string>();
    const b = side('r1', { node: 'r1', owner: 'b', epoch: 2 }, drivenByB);
    // B's takeover: Z's caller is still there and B ends Z itself; Y's caller is gone, so B closes Y as interrupted
    await b.repos.calls.update(z.id, { state: 'ended', disposition: 'abandoned', endedAt: new Date(), durationMs: 1 });
    expect(await b.ledger.closeInterrupted(['trunk1'])).toBe(1);
    expect((await row(y.id))!.disposition).toBe('interrupted');
    // W: a caller B made a call of its own (rowless at the takeover) whose leg names channel ch-w
    const v = b.ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138104' });
    await v.created;
    await b.repos.legs.open({ id: '00000000-0000-4000-8000-0000000000a1', callId: v.id, kind: 'caller', channelId: 'ch-w', startedAt: new Date() });

    // what A saw while its writes waited: X began and ended (no row), Y's and Z's callers hung up, W's too
    const x = a.ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138103' });
    a.legs.start({ callId: x.id, kind: 'caller', channelId: 'ch-x' }, x.created);
    void x.update({ callerName: 'Xu' });
    x.answered('+8613800138103');
    a.legs.answered('ch-x');
    a.legs.ended('ch-x', 'normal');
    await x.end('+8613800138103', { disposition: 'completed', digits: '1' });
    a.legs.ended('ch-y', 'normal');
    await y.end('+8613800138101', { disposition: 'completed', digits: '2' });
    await z.end('+8613800138102', { disposition: 'completed' });
    const w = a.ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138104' });
    a.legs.start({ callId: w.id, kind: 'caller', channelId: 'ch-w' }, w.created);
    a.legs.ended('ch-w', 'normal');
    await w.end('+8613800138104', { disposition: 'completed' });
    await a.legs.idle();
    // nothing of it was written or announced by A; four reports are
    expect(await row(x.id)).toBeUndefined();
    expect(a.ended).toEqual([]);
    await until('A\'s four reports written', async () => (await reportCount('r1')) === 4, { timeoutMs: 10_000 });

    // A cannot apply them (it does not hold the node): refused by the fence, nothing applied
    expect(await a.reports.applyDue()).toEqual({});
    expect(await b.reports.applyDue()).toEqual({ recorded: 1, corrected: 1, superseded: 2 });

    // X: recorded from the report, with its start, answer, digits, caller name and caller leg
    const xr = (await row(x.id))!;
    expect(xr).toMatchObject({ disposition: 'completed', digits: '1', caller_name: 'Xu' });
    expect(xr.started_at.getTime()).toBe(x.startedAt.getTime());
    expect(xr.answered_at).not.toBeNull();
    expect(await legsOf(x.id)).toMatchObject([{ channel_id: 'ch-x', end_cause: 'normal' }]);
    expect((await legsOf(x.id))[0]!.answered_at).not.toBeNull();
    // Y: the end A saw instead of interrupted, its leg too
    expect(await row(y.id)).toMatchObject({ disposition: 'completed', digits: '2' });
    expect(await legsOf(y.id)).toMatchObject([{ channel_id: 'ch-y', end_cause: 'normal' }]);
    // Z: as B closed it; W: no row (its caller is V's, B's own call)
    expect((await row(z.id))!.disposition).toBe('abandoned');
    expect(await row(w.id)).toBeUndefined();
    expect(b.ended.map((e) => [e.callId, e.disposition]).sort()).toEqual([[x.id, 'completed'], [y.id, 'completed']].sort());
    const outcomes = (await db.query<{ call_id: string; outcome: string }>("SELECT call_id, outcome FROM call_reports WHERE node = 'r1' ORDER BY id")).rows;
    expect(outcomes.map((o) => [o.call_id, o.outcome])).toEqual([[x.id, 'recorded'], [y.id, 'corrected'], [z.id, 'superseded'], [w.id, 'superseded']]);
    // once: nothing is due any more
    expect(await b.reports.applyDue()).toEqual({});
  });

  it('an end still waiting for its write when the daemon forgets the node is reported; the report waits until the takeover closed the row', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('r2', 'a', 1, now() + interval '1 hour')");
    const a = side('r2', { node: 'r2', owner: 'a', epoch: 1 });
    const q = a.ledger.open({ lineId: 'trunk2', direction: 'inbound', state: 'ringing', number: '+8613800138111' });
    await q.created;
    // the caller hangs up; before the end is written the daemon learns the node is another's and forgets it
    const ending = q.end('+8613800138111', { disposition: 'abandoned' });
    expect(a.ledger.forget()).toBe(1);
    await ending;
    expect((await row(q.id))!.ended_at).toBeNull();
    await until('A\'s report written', async () => (await reportCount('r2')) === 1, { timeoutMs: 10_000 });

    await db.query("UPDATE node_lease SET owner = 'b', epoch = 2 WHERE node = 'r2'");
    const b = side('r2', { node: 'r2', owner: 'b', epoch: 2 });
    // the row is still open (B's takeover has not closed it): the report waits
    expect(await b.reports.applyDue()).toEqual({});
    expect(await b.ledger.closeInterrupted(['trunk2'])).toBe(1);
    expect(await b.reports.applyDue()).toEqual({ corrected: 1 });
    expect((await row(q.id))!.disposition).toBe('abandoned');
    expect(logs.join('')).toContain('reported to the node\'s owner');
  });

  it('a call recorded while its row could not be written: the PBX records from the answer, the report carries the file, the new owner gives it its row and seals it', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('r3', 'a', 1, now() + interval '1 hour')");
    const a = side('r3', { node: 'r3', owner: 'a', epoch: 1 });
    const line = config.lines[0]!;
    // the PBX's side (MixMonitor) writes the file it is told to: one second of audio
    const pcm = Buffer.alloc(16_000, 1);
    const begun: string[] = [];
    const mixMonitor = async (path: string) => { begun.push(path); await writeWav(path, pcm); };
    // K: opened and recorded while A holds the node: the call's row and the recording's row are written
    const k = a.ledger.open({ lineId: 'trunk3', direction: 'inbound', state: 'ringing', number: '+8613800138121' });
    const kRec = a.recordings.startExternal(k.id, line, null, k.created, mixMonitor, true)!;
    await k.idle();
    await until('K\'s recording row', async () => (await db.query('SELECT 1 FROM recordings WHERE id = $1', [kRec.id])).rows.length === 1, { timeoutMs: 10_000 });

    // B takes the node over; R begins on A after it: its row is refused by the fence, the PBX records from the answer all the same
    await db.query("UPDATE node_lease SET owner = 'b', epoch = 2 WHERE node = 'r3'");
    const b = side('r3', { node: 'r3', owner: 'b', epoch: 2 });
    await b.repos.calls.update(k.id, { state: 'ended', disposition: 'completed', endedAt: new Date(), durationMs: 1 });
    const r = a.ledger.open({ lineId: 'trunk3', direction: 'inbound', state: 'ringing', number: '+8613800138122' });
    const rRec = a.recordings.startExternal(r.id, line, null, r.created, mixMonitor, true)!;
    r.answered('+8613800138122');
    await until('the PBX records R', () => begun.length === 2, { timeoutMs: 10_000 });
    await r.end('+8613800138122', { disposition: 'completed', after: () => rRec.finish() });
    await kRec.finish();
    expect(await row(r.id)).toBeUndefined();
    await until('A\'s report of R written', async () => (await reportCount('r3')) === 1, { timeoutMs: 10_000 });
    const body = (await db.query<{ body: { recordings: Array<{ id: string; path: string }> } }>("SELECT body FROM call_reports WHERE node = 'r3'")).rows[0]!.body;
    expect(body.recordings).toEqual([{ id: rRec.id, path: begun[1] }]);

    expect(await b.reports.applyDue()).toEqual({ recorded: 1 });
    const recs = (await db.query<{ id: string; call_id: string; state: string; bytes: number; sha256: string; duration_ms: number }>(
      'SELECT id, call_id, state, bytes, sha256, duration_ms FROM recordings WHERE call_id = ANY($1::uuid[]) ORDER BY created_at', [[k.id, r.id]])).rows;
    expect(recs.map((x) => [x.call_id, x.state])).toEqual([[k.id, 'ready'], [r.id, 'ready']]);
    const rRow = recs[1]!;
    expect(rRow).toMatchObject({ id: rRec.id, bytes: statSync(begun[1]!).size, sha256: await sha256File(begun[1]!), duration_ms: 1000 });
    expect(b.recordings.takeRowless(r.id)).toEqual([]);
    expect(a.recordings.takeRowless(r.id)).toEqual([]);

    // S: A forgets the node's calls while S's end still waits for its writes (its recording's finish never runs): the report carries the file all the same
    const sCall = a.ledger.open({ lineId: 'trunk3', direction: 'inbound', state: 'ringing', number: '+8613800138123' });
    const sRec = a.recordings.startExternal(sCall.id, line, null, sCall.created, mixMonitor, true)!;
    await until('the PBX records S', () => begun.length === 3, { timeoutMs: 10_000 });
    const ending = sCall.end('+8613800138123', { disposition: 'completed', after: () => sRec.finish() });
    a.ledger.forget();
    await ending;
    await until('A\'s report of S written', async () => (await reportCount('r3')) === 2, { timeoutMs: 10_000 });
    expect(await b.reports.applyDue()).toEqual({ recorded: 1 });
    const sRow = (await db.query<{ id: string; state: string; bytes: number }>('SELECT id, state, bytes FROM recordings WHERE call_id = $1', [sCall.id])).rows;
    expect(sRow).toEqual([{ id: sRec.id, state: 'ready', bytes: statSync(begun[2]!).size }]);
  });
});
