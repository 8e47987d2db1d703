/**
 * Issue 14, ownership by lease (docs/scale-out.md, "Leases and fencing"), on a
 * real database: the fence refuses a stale owner's writes at the SQL level
 * (epoch bumped by hand -> the ledger's write fails with STALE_EPOCH, the row
 * unchanged, the refusal counted), and two lease services race for one node
 * row (one owner, a takeover bumps the epoch, a stalled owner lets go at once).
 * The daemon refuses cluster.enabled with PGlite (src/config/load.test.ts),
 * but the statements are plain SQL and run on both databases here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { until } from '../helpers/wait.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db, Queryable } from '../../src/db/types.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { EventBus } from '../../src/core/events/bus.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { fencedDb, StaleEpochCounter, type Fence } from '../../src/services/cluster/fenced-db.ts';
import { LeaseService } from '../../src/services/cluster/lease-service.ts';
import { isKefuError } from '../../src/core/errors.ts';

const logs: string[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString()); cb(); } }));

describe(`node lease and fenced writes on ${testDbKind()}`, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  beforeAll(async () => { fresh = await freshDatabase(); db = await openDb(fresh.url); await migrate(db); });
  afterAll(async () => { await db?.close(); await fresh?.drop(); });

  // PostgreSQL only: PGlite runs one transaction at a time, so there is no other connection to wait
  if (testDbKind() === 'postgres') it('an owner stalled inside a fenced transaction does not hold a takeover up: PostgreSQL ends it after idleMs', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('n-stall', 'a', 1, now() - interval '1 second')");
    const stalled = fencedDb(db, () => ({ node: 'n-stall', owner: 'a', epoch: 1 }), new StaleEpochCounter(), 300);
    let resume!: () => void;
    const held = new Promise<void>((r) => { resume = r; });
    let inside = false;
    // the fence's FOR SHARE lock is taken, then the "daemon" stalls before its write
    const tx = stalled.transaction(async (q) => { inside = true; await held; await q.query('SELECT 1'); }).then(() => 'committed', (e: unknown) => e);
    await until('the stalled transaction holds the row', () => inside, { timeoutMs: 5000, intervalMs: 10 });
    // another daemon takes the node over (the lease statement's UPDATE of the row): it waits for the lock at most idleMs
    const t0 = Date.now();
    await db.query("UPDATE node_lease SET owner = 'b', epoch = epoch + 1, expires_at = now() + interval '10 seconds' WHERE node = 'n-stall'");
    const waitedMs = Date.now() - t0;
    resume();
    // the stalled transaction was ended by the server: its next statement fails and nothing of it commits
    expect(await tx).not.toBe('committed');
    expect((await db.query<{ owner: string }>("SELECT owner FROM node_lease WHERE node = 'n-stall'")).rows[0]!.owner).toBe('b');
    console.log(`takeover UPDATE waited ${waitedMs} ms for a fenced transaction stalled with idleMs 300`);
  });

  it('a stale owner\'s ledger write fails with STALE_EPOCH once the epoch was bumped; the row keeps the new owner\'s data', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('n1', 'a', 1, now() + interval '1 hour')");
    let fence: Fence | null = { node: 'n1', owner: 'a', epoch: 1 };
    const stale = new StaleEpochCounter();
    const repos = makeRepos(fencedDb(db, () => fence, stale));
    const bus = new EventBus();
    const ended: string[] = [];
    bus.subscribe((e) => { if (e.type === 'call.ended') ended.push((e.data as { callId: string }).callId); });
    const ledger = new CallLedger(repos, bus, logger);
    const call = ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138000' });
    await call.created;
    await call.update({ callerName: 'first' });
    expect((await db.query<{ caller_name: string }>('SELECT caller_name FROM calls WHERE id = $1', [call.id])).rows[0]!.caller_name).toBe('first');
    expect(stale.rejected).toBe(0);

    // another owner took the node: the epoch is bumped by hand, and it writes the row
    await db.query("UPDATE node_lease SET owner = 'b', epoch = epoch + 1 WHERE node = 'n1'");
    await db.query("UPDATE calls SET caller_name = 'new owner' WHERE id = $1", [call.id]);
    const err = await ledger.assignAgent(call.id, 'dora').then(() => null, (e: unknown) => e);
    expect(isKefuError(err, 'STALE_EPOCH')).toBe(true);
    await call.update({ callerName: 'stale' });
    await call.end('+8613800138000', { disposition: 'completed' });
    expect(logs.join('')).toContain('no longer current; write refused');
    const row = (await db.query<{ caller_name: string; agent_id: string | null; ended_at: Date | null }>('SELECT caller_name, agent_id, ended_at FROM calls WHERE id = $1', [call.id])).rows[0]!;
    expect(row).toEqual({ caller_name: 'new owner', agent_id: null, ended_at: null });
    expect(stale.rejected).toBe(3);
    // its end refused, the stale owner does not announce it either: the call is the new owner's to end
    expect(ended).toEqual([]);
    expect(logs.join('')).toContain('this end is not recorded nor announced');
    // a leg write and an ACD write go through the same fence
    await expect(repos.legs.open({ id: '00000000-0000-4000-8000-000000000001', callId: call.id, kind: 'caller', channelId: 'x', startedAt: new Date() })).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    await expect(repos.legs.closeOpen('x')).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    // never held: refused without a row to check
    fence = null;
    await expect(repos.calls.update(call.id, { callerName: 'x' })).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    // reads are not fenced
    expect((await repos.calls.get(call.id)).callerName).toBe('new owner');
    // the current owner writes
    fence = { node: 'n1', owner: 'b', epoch: 2 };
    await repos.calls.update(call.id, { callerName: 'b wrote' });
    expect((await repos.calls.get(call.id)).callerName).toBe('b wrote');
  });

  it('a node won back under a new epoch: the calls the ledger remembers are detached; nothing more is written or announced for them, also writes queued before', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.type));
    const ledger = new CallLedger(makeRepos(db), bus, logger);
    const a = ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138001' });
    await a.created;
    // a write queued behind one that is still running when the ledger forgets the call
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const running = a.run(() => gate);
    const queued = a.update({ callerName: 'queued before' });
    expect(ledger.forget()).toBe(1);
    release();
    await running;
    await queued;
    a.answered('+8613800138001');
    await a.update({ callerName: 'after' });
    await a.end('+8613800138001', { disposition: 'completed' });
    const row = (await db.query<{ caller_name: string | null; answered_at: Date | null; ended_at: Date | null }>('SELECT caller_name, answered_at, ended_at FROM calls WHERE id = $1', [a.id])).rows[0]!;
    expect(row).toEqual({ caller_name: null, answered_at: null, ended_at: null });
    expect(seen).toEqual([]);
    // forgotten once: a call opened afterwards is the ledger's as usual
    expect(ledger.forget()).toBe(0);
    const b = ledger.open({ lineId: 'trunk1', direction: 'inbound', state: 'ringing', number: '+8613800138002' });
    await b.end('+8613800138002', { disposition: 'completed' });
    expect((await db.query<{ disposition: string }>('SELECT disposition FROM calls WHERE id = $1', [b.id])).rows[0]!.disposition).toBe('completed');
    expect(seen).toEqual(['call.ended']);
  });

  it('two lease services on one node: one owner; a stalled owner lets go at once and the other takes over with a bumped epoch', async () => {
    const opened: string[] = [];
    const skew = { a: 0, b: 0 };
    // a's database answers can be held back (a stuck connection): its renewals then never come back
    const held = { a: false, b: false };
    const service = (name: 'a' | 'b') => new LeaseService({
      db: { query: (sql, params) => (held[name] ? new Promise(() => undefined) : db.query(sql, params)) } as Queryable,
      node: 'n2', owner: name, renewMs: 100, leaseMs: 600, logger,
      now: () => performance.now() + skew[name],
      hooks: { open: async (epoch, takeover) => { opened.push(`${name} open ${epoch}${takeover ? ' takeover' : ''}`); }, close: async () => { opened.push(`${name} close`); }, forget: async () => { opened.push(`${name} forget`); } },
    });
    const a = service('a');
    const b = service('b');
    await a.start();
    await a.settled();
    await b.start();
    expect(a.status()).toMatchObject({ state: 'owner', epoch: 1 });
    expect(b.status()).toMatchObject({ state: 'standby', epoch: null });
    expect(opened).toEqual(['a open 1 takeover']);

    // a's event loop "stalls" past its lease: at its next tick it lets go before asking the database,
    // then renews (no one else had it): the same epoch, opened again (not a takeover)
    skew.a = 10_000;
    await until('a lets go and owns again', () => a.kind === 'owner' && opened.length === 3, { timeoutMs: 5000, intervalMs: 10 });
    expect(opened).toEqual(['a open 1 takeover', 'a close', 'a open 1']);

    // a's database connection hangs: its renewals never return; it lets go once its lease ran out, and b takes over with epoch 2
    held.a = true;
    await until('b owns', () => b.kind === 'owner', { timeoutMs: 5000, intervalMs: 20 });
    await b.settled();
    // a lets go at its lease's local end, which is before the database's (the fence covers any overlap)
    await until('a lost', () => a.kind === 'lost', { timeoutMs: 2000, intervalMs: 10 });
    expect(a.status()).toMatchObject({ state: 'lost', epoch: 1 });
    expect([...opened.slice(3)].sort()).toEqual(['a close', 'b open 2 takeover']);
    expect(b.fence()).toEqual({ node: 'n2', owner: 'b', epoch: 2 });
    const row = (await db.query<{ owner: string; epoch: number }>("SELECT owner, epoch FROM node_lease WHERE node = 'n2'")).rows[0]!;
    expect(row).toEqual({ owner: 'b', epoch: 2 });

    // b stops: it releases the row, and a standby acquires at once (epoch 3)
    await b.stop();
    expect(opened.at(-1)).toBe('b close');
    const c = new LeaseService({ db, node: 'n2', owner: 'c', renewMs: 100, leaseMs: 600, logger, hooks: { open: async () => undefined, close: async () => undefined, forget: async () => undefined } });
    await c.start();
    expect(c.status()).toMatchObject({ state: 'owner', epoch: 3 });
    await c.stop();
    await a.stop();
  });

  it('ApplicationReplaced: the owner lets go, gives up the row and waits one lease before trying again', async () => {
    const events: string[] = [];
    const a = new LeaseService({ db, node: 'n3', owner: 'a', renewMs: 100, leaseMs: 600, logger, hooks: { open: async () => { events.push('open'); }, close: async () => { events.push('close'); }, forget: async () => { events.push('forget'); } } });
    await a.start();
    await a.settled();
    a.replaced();
    await a.settled();
    expect(a.kind).toBe('lost');
    expect(events).toEqual(['open', 'close']);
    const row = (await db.query<{ expired: boolean }>("SELECT expires_at < now() AS expired FROM node_lease WHERE node = 'n3'")).rows[0]!;
    expect(row.expired).toBe(true);
    await until('a owns again after one lease', () => a.kind === 'owner', { timeoutMs: 5000, intervalMs: 20 });
    await a.stop();
  });
});
