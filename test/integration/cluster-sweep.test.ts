/**
 * Issue 14, the dead-node sweeper's writes (docs/scale-out.md, "The dead-node
 * sweeper"), on a real database: CallLedger.closeNodeFailed closes the calls
 * open on a node's lines as node_failed through the fenced repositories — a
 * call the daemon still drives through its own LedgerCall (so the later end
 * its session reports changes nothing), a row left without one directly —
 * closes their open legs, emits call.ended for each, and leaves other lines'
 * calls alone. With a stale epoch it writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { EventBus, type EventMap } from '../../src/core/events/bus.ts';
import { CallLedger } from '../../src/services/calls/ledger.ts';
import { fencedDb, StaleEpochCounter, type Fence } from '../../src/services/cluster/fenced-db.ts';

const logger = pino({ level: 'silent' });
interface Row { disposition: string | null; state: string; ended_at: Date | null; updated_at: Date }

describe(`dead-node sweep (closeNodeFailed) on ${testDbKind()}`, () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  beforeAll(async () => { fresh = await freshDatabase(); db = await openDb(fresh.url); await migrate(db); });
  afterAll(async () => { await db?.close(); await fresh?.drop(); });
  const row = async (id: string): Promise<Row> => (await db.query<Row>('SELECT disposition, state, ended_at, updated_at FROM calls WHERE id = $1', [id])).rows[0]!;
  const legs = async (id: string) => (await db.query<{ end_cause: string | null }>('SELECT end_cause FROM call_legs WHERE call_id = $1 ORDER BY id', [id])).rows.map((l) => l.end_cause);

  it('closes the node\'s open calls and legs as node_failed, once, with call.ended; a session\'s later end changes nothing', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('na', 'da', 1, now() + interval '1 hour')");
    const fence: Fence = { node: 'na', owner: 'da', epoch: 1 };
    const stale = new StaleEpochCounter();
    const bus = new EventBus();
    const ended: Array<EventMap['call.ended']> = [];
    bus.subscribe((e) => { if (e.type === 'call.ended') ended.push(e.data as EventMap['call.ended']); });
    const repos = makeRepos(fencedDb(db, () => fence, stale));
    const ledger = new CallLedger(repos, bus, logger);

    // a call this daemon drives (its session in memory), with a caller leg and an agent leg (one already closed)
    const live = ledger.open({ lineId: 'trunk-a', direction: 'inbound', state: 'ringing', number: '+8613800138001' });
    await live.created;
    live.answered('+8613800138001');
    await repos.legs.open({ id: '00000000-0000-4000-8000-00000000000a', callId: live.id, kind: 'caller', channelId: 'chan-1', startedAt: new Date() });
    await repos.legs.open({ id: '00000000-0000-4000-8000-00000000000b', callId: live.id, kind: 'agent', channelId: 'chan-2', startedAt: new Date() });
    await repos.legs.ended('00000000-0000-4000-8000-00000000000b', new Date(), 'normal');
    // a row of this node with no session here (left by an earlier run)
    const orphan = new CallLedger(makeRepos(db), new EventBus(), logger).open({ lineId: 'trunk-a', direction: 'inbound', state: 'ringing', number: '+8613800138002' });
    await orphan.created;
    await repos.legs.open({ id: '00000000-0000-4000-8000-00000000000c', callId: orphan.id, kind: 'caller', channelId: 'chan-3', startedAt: new Date() });
    // another node's call
    const other = new CallLedger(makeRepos(db), new EventBus(), logger).open({ lineId: 'trunk-b', direction: 'inbound', state: 'ringing', number: '+8613800138003' });
    await other.created;

    const r = await ledger.closeNodeFailed(['trunk-a']);
    expect(r.calls).toBe(2);
    expect(r.channels.sort()).toEqual(['chan-1', 'chan-3']);
    for (const id of [live.id, orphan.id]) expect(await row(id)).toMatchObject({ disposition: 'node_failed', state: 'ended' });
    expect((await row(other.id)).ended_at).toBeNull();
    expect(await legs(live.id)).toEqual(['node_failed', 'normal']);
    expect(await legs(orphan.id)).toEqual(['node_failed']);
    expect(ended.map((e) => [e.callId, e.disposition, e.lineId]).sort()).toEqual([[live.id, 'node_failed', 'trunk-a'], [orphan.id, 'node_failed', 'trunk-a']].sort());

    // the session learns its leg is gone and ends its call: ignored (a call ends once), the row stays as the sweep left it
    const swept = await row(live.id);
    await live.end('+8613800138001', { disposition: 'failed' });
    await live.update({ callerName: 'late' });
    expect(await row(live.id)).toEqual(swept);
    expect(ended).toHaveLength(2);
    // a second sweep finds nothing
    expect(await ledger.closeNodeFailed(['trunk-a'])).toEqual({ calls: 0, channels: [] });
    expect(stale.rejected).toBe(0);
  });

  it('a call another daemon went on with and closed: this daemon\'s stale session neither reopens nor closes it again, nor sends call.ended', async () => {
    const bus = new EventBus();
    const ended: Array<EventMap['call.ended']> = [];
    bus.subscribe((e) => { if (e.type === 'call.ended') ended.push(e.data as EventMap['call.ended']); });
    const repos = makeRepos(db);
    const customer = await repos.customers.create({ name: '王芳', phones: [{ number: '+8613800138005' }] });
    const mine = new CallLedger(repos, bus, logger);
    const stale = mine.open({ lineId: 'trunk-d', direction: 'inbound', state: 'ringing', number: '+8613800138005', customerId: customer.id });
    await stale.created;
    // this daemon stalls; another takes the node over, goes on with the call and closes it
    const taken = new CallLedger(repos, new EventBus(), logger).resume(await repos.calls.get(stale.id));
    await taken.end('+8613800138005', { disposition: 'completed', history: { summary: 'call', data: {} } });
    const closed = await row(stale.id);
    expect(closed).toMatchObject({ disposition: 'completed', state: 'ended' });
    // this daemon goes on: its session answers, then ends the call its own way
    stale.answered('+8613800138005', 'connected');
    await stale.end('+8613800138005', { disposition: 'interrupted', history: { summary: 'call', data: {} } });
    expect(await row(stale.id)).toEqual(closed);
    expect(ended).toEqual([]);
    const history = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM interactions WHERE ref_id = $1 AND kind = 'call'", [stale.id])).rows[0]!.n;
    expect(history).toBe(1);
  });

  it('a stale epoch: nothing is closed (STALE_EPOCH)', async () => {
    await db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('nb', 'db2', 2, now() + interval '1 hour')");
    const stale = new StaleEpochCounter();
    const ledger = new CallLedger(makeRepos(fencedDb(db, () => ({ node: 'nb', owner: 'db2', epoch: 1 }), stale)), new EventBus(), logger);
    const call = new CallLedger(makeRepos(db), new EventBus(), logger).open({ lineId: 'trunk-c', direction: 'inbound', state: 'ringing', number: '+8613800138004' });
    await call.created;
    await expect(ledger.closeNodeFailed(['trunk-c'])).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    expect((await row(call.id)).ended_at).toBeNull();
    expect(stale.rejected).toBeGreaterThan(0);
  });
});
