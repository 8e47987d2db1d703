/**
 * Agent states in the database: a restart finds each agent where it was; an
 * agent who was on a call (the call is gone) comes back in wrap-up and is
 * ready once it ends; one who was ringing comes back ready. A sync (the
 * agents table changed through another daemon) adds and drops agents but keeps
 * the live states, and writes nothing back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { cutProxy } from '../helpers/cut-proxy.ts';
import { openDb } from '../../src/db/open.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import type { Db } from '../../src/db/types.ts';
import { AcdRepo } from '../../src/db/repos/acd.ts';
import { QueueWaitingRepo } from '../../src/db/repos/queue-waiting.ts';
import { EventBus, type KefuEvent } from '../../src/core/events/bus.ts';
import { AgentBoard } from '../../src/services/agents/board.ts';

let m: MigratedDb;
beforeAll(async () => { m = await migratedDb(); });
afterAll(async () => { await m.close(); });

describe(`agent states on ${testDbKind()}`, () => {
  let db: Db;
  const log = pino({ level: 'silent' });
  beforeAll(async () => {
    db = m.db;
    const repo = new AcdRepo(db);
    for (const id of ['ann', 'bob', 'cat', 'dan']) await repo.createAgent({ id, name: id });
  });

  it('survive a restart; on-call comes back in wrap-up, ringing comes back ready', async () => {
    const repo = new AcdRepo(db);
    const bus = new EventBus();
    const seen: KefuEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    const before = new AgentBoard(repo, bus, log, [], 1);
    await before.load();
    await before.setState('ann', { state: 'ready' });
    await before.setState('bob', { state: 'paused', reason: 'lunch' });
    await before.setState('cat', { state: 'ready' });
    before.claim('cat', '00000000-0000-4000-8000-000000000001');
    await before.setState('dan', { state: 'ready' });
    expect(before.apply('dan', { type: 'offer', callId: '00000000-0000-4000-8000-000000000002' })).toBe(true);
    expect(seen.filter((e): e is KefuEvent<'agent.state'> => e.type === 'agent.state').map((e) => [e.data.agentId, e.data.state]).slice(-2)).toEqual([['dan', 'ready'], ['dan', 'ringing']]);
    await before.stop();

    const after = new AgentBoard(repo, new EventBus(), log, [], 1);
    await after.load();
    const state = (id: string) => after.get(id)!;
    expect(state('ann')).toMatchObject({ state: 'ready' });
    expect(state('bob')).toMatchObject({ state: 'paused', reason: 'lunch' });
    expect(state('cat')).toMatchObject({ state: 'wrap-up' });
    expect(state('dan')).toMatchObject({ state: 'ready', callId: null });
    await until('cat ready once the 1 s wrap-up is over', () => state('cat').state === 'ready', { timeoutMs: 10_000 });
    await after.stop();
    // and what the second board wrote is what a third one reads
    const third = new AgentBoard(repo, new EventBus(), log, [], 1);
    await third.load();
    expect(third.get('cat')!.state).toBe('ready');
    await third.stop();
  });

  it('sync: new agents join with their saved state as it is, removed idle ones leave, live states are kept', async () => {
    const repo = new AcdRepo(db);
    for (const id of ['eve', 'fay', 'ivy']) await repo.createAgent({ id, name: id });
    const board = new AgentBoard(repo, new EventBus(), log, [], 1);
    await board.load();
    await board.setState('eve', { state: 'ready' });
    await board.setState('fay', { state: 'ready' });
    expect(board.apply('fay', { type: 'offer', callId: '00000000-0000-4000-8000-000000000003' })).toBe(true);
    await board.flush();
    let changes = 0;
    board.onChange(() => { changes++; });
    // another daemon: gus created and on a call there, hal created, fay and ivy deleted
    await repo.createAgent({ id: 'gus', name: 'gus' });
    await repo.saveAgentState({ id: 'gus', state: 'on-call', seatId: null, reason: null, callId: '00000000-0000-4000-8000-000000000004', callsTaken: 3, missedInARow: 0, lastCallEndedAt: 0, since: Date.now(), wrapUpUntil: null });
    await repo.createAgent({ id: 'hal', name: 'hal' });
    await db.query("DELETE FROM agents WHERE id IN ('fay', 'ivy')");
    await board.sync();
    expect(board.get('eve')).toMatchObject({ state: 'ready' });
    expect(board.get('fay')).toMatchObject({ state: 'ringing' });
    expect(board.get('gus')).toMatchObject({ state: 'on-call', callsTaken: 3 });
    expect(board.get('hal')).toMatchObject({ state: 'logged-out' });
    expect(board.get('ivy')).toBeUndefined();
    expect(changes).toBe(1);
    await board.flush();
    // gus's row is the other daemon's: not restart-recovered into wrap-up, not written back
    const saved = await db.query<{ state: string }>("SELECT state FROM agent_states WHERE agent_id = 'gus'");
    expect(saved.rows[0]!.state).toBe('on-call');
    // fay leaves at a sync after her ring is over
    expect(board.apply('fay', { type: 'cancel' })).toBe(true);
    await board.sync();
    expect(board.get('fay')).toBeUndefined();
    await board.stop();
  });

  it('refuses what the state machine refuses, naming the state', async () => {
    const board = new AgentBoard(new AcdRepo(db), new EventBus(), log, [], 1);
    await board.load();
    await expect(board.setState('ann', { state: 'ready' })).resolves.toMatchObject({ state: 'ready' });
    await expect(board.setState('bob', { state: 'logged-in' })).rejects.toThrow(/cannot login while paused/);
    expect(() => board.claim('bob', '00000000-0000-4000-8000-000000000003')).toThrow(/cannot offer while paused/);
    await board.stop();
  });
});

/**
 * Two daemons' boards on one database (a cluster, docs/scale-out.md "Agents
 * shared by nodes"): each write is a compare-and-set on the row's version.
 */
describe(`one agent, two daemons, on ${testDbKind()}`, () => {
  const log = pino({ level: 'silent' });
  const call = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
  beforeAll(async () => {
    const repo = new AcdRepo(m.db);
    for (const id of ['amy', 'ben']) await repo.createAgent({ id, name: id });
  });

  const boards = async () => {
    const buses = [new EventBus(), new EventBus()];
    const events: KefuEvent[][] = [[], []];
    buses.forEach((b, i) => b.subscribe((e) => { if (e.type === 'agent.state') events[i]!.push(e); }));
    const d = [new AgentBoard(new AcdRepo(m.db), buses[0]!, log, [], 1, 'd1'), new AgentBoard(new AcdRepo(m.db), buses[1]!, log, [], 1, 'd2')] as const;
    for (const b of d) await b.load();
    return { d, events };
  };

  it('two offers of one ready agent at once: exactly one is written; the loser holds the winner\'s state', async () => {
    const { d } = await boards();
    await d[0].setState('amy', { state: 'ready' });
    await d[1].follow();
    expect(d[1].get('amy')?.state).toBe('ready');
    // both daemons see amy ready and offer her a call of their own in the same moment
    const offers = [d[0].offer('amy', call(1), null), d[1].offer('amy', call(2), null)];
    expect(offers.every((o) => o !== null)).toBe(true);
    const won = (await Promise.all(offers)).map((o) => o === 'written');
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = won[0] ? 0 : 1;
    const saved = (await new AcdRepo(m.db).agentState('amy'))!;
    expect(saved.agent).toMatchObject({ state: 'ringing', callId: call(winner + 1) });
    expect(saved.writtenBy).toBe(`d${winner + 1}`);
    // the loser now holds the row as written, not its own offer
    for (const b of d) expect(b.get('amy')).toMatchObject({ state: 'ringing', callId: call(winner + 1) });
    for (const b of d) await b.stop();
  });

  it('a change made from a stale state is refused with CONFLICT, and the stale board takes the row', async () => {
    const { d, events } = await boards();
    await d[0].setState('ben', { state: 'ready' });
    await d[1].follow();
    await d[0].setState('ben', { state: 'paused', reason: 'lunch' });
    // d2 has not followed yet: it still thinks ben is ready
    expect(d[1].get('ben')?.state).toBe('ready');
    await expect(d[1].setState('ben', { state: 'paused', reason: 'training' })).rejects.toThrow(/changed on another daemon meanwhile \(now paused\)/);
    expect(d[1].get('ben')).toMatchObject({ state: 'paused', reason: 'lunch' });
    expect((await new AcdRepo(m.db).agentState('ben'))!.agent.reason).toBe('lunch');
    // following another daemon's rows sends no event (their writer sent it)
    const before = events[1]!.length;
    await d[0].setState('ben', { state: 'ready' });
    await d[1].follow();
    expect(d[1].get('ben')?.state).toBe('ready');
    expect(events[1]!.length).toBe(before);
    for (const b of d) await b.stop();
  });

  it('in a cluster, a daemon\'s start takes the states as they are; a takeover recovers only its own node\'s agents', async () => {
    const repo = new AcdRepo(m.db);
    await repo.createAgent({ id: 'cyd', name: 'cyd' });
    // cyd talks on a call another daemon drives; dee's call is this node's, left by its earlier owner
    await repo.createAgent({ id: 'dee', name: 'dee' });
    for (const [id, c] of [['cyd', call(3)], ['dee', call(4)]] as const) {
      await repo.saveAgentState({ id, state: 'on-call', seatId: null, reason: null, callId: c, callsTaken: 0, missedInARow: 0, lastCallEndedAt: 0, since: Date.now(), wrapUpUntil: null });
    }
    const version = async (id: string) => (await repo.agentState(id))!.version;
    const before = [await version('cyd'), await version('dee')];
    const standby = new AgentBoard(repo, new EventBus(), log, [], 1, 'd3');
    await standby.load();
    await standby.flush();
    expect(standby.get('cyd')).toMatchObject({ state: 'on-call', callId: call(3) });
    expect(standby.get('dee')).toMatchObject({ state: 'on-call', callId: call(4) });
    expect([await version('cyd'), await version('dee')]).toEqual(before);
    // it takes this node over: dee's call did not survive; cyd's is open on another node
    await standby.reload(new Map(), new Set([call(3)]));
    await standby.flush();
    expect(standby.get('cyd')).toMatchObject({ state: 'on-call', callId: call(3) });
    expect(standby.get('dee')?.state).toBe('wrap-up');
    expect(await version('cyd')).toBe(before[0]);
    expect((await repo.agentState('dee'))!.agent.state).toBe('wrap-up');
    await standby.stop();
  });

  it('a takeover leaves a wrap-up to the live daemon whose call it follows; one left by a daemon that is gone ends after what is left of it', async () => {
    const repo = new AcdRepo(m.db);
    for (const id of ['wes', 'yan', 'zed']) await repo.createAgent({ id, name: id });
    await m.db.query("INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('n-live', 'd7', 1, now() + interval '1 hour')");
    const ended = Date.now() - 10_000;
    const wrapping = (id: string, wrapUpS: number | null) => ({
      id, state: 'wrap-up' as const, seatId: null, reason: null, callId: null, callsTaken: 1, missedInARow: 0, lastCallEndedAt: ended, since: ended,
      wrapUpUntil: wrapUpS === null ? null : ended + wrapUpS * 1000,
    });
    // wes wraps up after a call d7 drove (d7 holds a live lease); yan and zed after calls of d8, which holds none:
    // yan's row has no end (written before sql/030), zed's queue gives 10 minutes of wrap-up
    expect(await repo.saveAgentState(wrapping('wes', 10), { expect: 0, writer: 'd7' })).toBe(true);
    expect(await repo.saveAgentState(wrapping('yan', null), { expect: 0, writer: 'd8' })).toBe(true);
    expect(await repo.saveAgentState(wrapping('zed', 600), { expect: 0, writer: 'd8' })).toBe(true);
    // console.wrapUpS of 10 s here, the calls ended 10 s ago: a timer started for yan ends it at once; zed's runs 590 s more
    const board = new AgentBoard(repo, new EventBus(), log, [], 10, 'd9');
    await board.load();
    await board.reload(new Map(), new Set());
    await until('yan ready: what was left of his wrap-up ran out', () => board.get('yan')?.state === 'ready');
    expect(board.get('wes')?.state).toBe('wrap-up');
    expect(board.get('zed')).toMatchObject({ state: 'wrap-up', wrapUpUntil: ended + 600_000 });
    await board.flush();
    expect((await repo.agentState('zed'))!.agent).toMatchObject({ state: 'wrap-up', wrapUpUntil: ended + 600_000 });
    expect((await repo.agentState('wes'))!).toMatchObject({ writtenBy: 'd7', agent: { state: 'wrap-up' } });
    expect((await repo.agentState('yan'))!).toMatchObject({ writtenBy: 'd9', agent: { state: 'ready' } });
    await board.stop();
  });

  it('a write that committed though its answer was lost (a database restart) is taken for this daemon\'s own: the next change goes through', async () => {
    const repo0 = new AcdRepo(m.db);
    await repo0.createAgent({ id: 'lou', name: 'lou' });
    // the far side of the wire: the database commits the write, then the connection drops before the answer
    let cut = false;
    const lossy: Db = Object.create(m.db, { query: { value: async (sql: string, params?: readonly unknown[]) => {
      const r = await m.db.query(sql, params);
      if (cut && sql.includes('INSERT INTO agent_states')) { cut = false; throw new Error('Connection terminated unexpectedly'); }
      return r;
    } } });
    const board = new AgentBoard(new AcdRepo(lossy), new EventBus(), log, [], 10, 'd1');
    await board.load();
    cut = true;
    await board.setState('lou', { state: 'logged-in' });
    expect(cut).toBe(false);
    const after = (await repo0.agentState('lou'))!;
    expect(after).toMatchObject({ writtenBy: 'd1', agent: { state: 'paused', reason: 'login' } });
    // the next change is written over it, not refused as another daemon's
    await board.setState('lou', { state: 'ready' });
    await board.flush();
    expect(board.get('lou')?.state).toBe('ready');
    expect((await repo0.agentState('lou'))!).toMatchObject({ version: after.version + 1, writtenBy: 'd1', agent: { state: 'ready' } });
    await board.stop();
  });

  // PostgreSQL only: the board's way to the database is a TCP relay the test cuts (PGlite has no wire)
  if (testDbKind() === 'postgres') it('a state written while the database is away is written again once it is back, without a further change', async () => {
    const fresh = await freshDatabase('postgres');
    const direct = await migratedDb(fresh.url);
    const u = new URL(fresh.url);
    const relay = await cutProxy(Number(u.port), u.hostname);
    const viaRelay = await openDb(relay.via(fresh.url));
    const lines: string[] = [];
    const board = new AgentBoard(new AcdRepo(viaRelay), new EventBus(), pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } }), [], 10, 'd1');
    try {
      const repo0 = new AcdRepo(direct.db);
      await repo0.createAgent({ id: 'rex', name: 'rex' });
      await board.load();
      await board.setState('rex', { state: 'ready' });
      await board.flush();
      expect((await repo0.agentState('rex'))!.agent.state).toBe('ready');
      // the database goes away; the agent pauses: the state is right in memory, the row still says ready
      relay.cut();
      await board.setState('rex', { state: 'paused', reason: 'lunch' });
      await board.flush();
      expect(board.get('rex')!.state).toBe('paused');
      expect((await repo0.agentState('rex'))!.agent.state).toBe('ready');
      expect(lines.join('')).toContain('could not save agent state');
      // it comes back: the row follows with no change of the agent's
      relay.mend();
      await until('the row says paused', async () => (await repo0.agentState('rex'))!.agent.state === 'paused', { timeoutMs: 30_000, detail: () => lines.slice(-5).join('') });
      expect((await repo0.agentState('rex'))!).toMatchObject({ writtenBy: 'd1', agent: { state: 'paused', reason: 'lunch' } });
      expect(lines.join('')).toContain('agent state written after the database came back');
    } finally {
      await board.stop();
      await viaRelay.close();
      await relay.close();
      await direct.close();
    }
  });

  it('the shared waiting list (sql/029): a row counts only while its call is open; prune drops the others', async () => {
    const waitingRepo = new QueueWaitingRepo(m.db);
    const [open, closed, gone] = [call(5), call(6), call(7)];
    await m.db.query(`INSERT INTO calls(id, line_id, direction, state) VALUES ($1, 'trunk-a', 'inbound', 'queued')`, [open]);
    await m.db.query(`INSERT INTO calls(id, line_id, direction, state, ended_at) VALUES ($1, 'trunk-a', 'inbound', 'ended', now())`, [closed]);
    for (const c of [open, closed, gone]) await waitingRepo.enter(c, 'q1', 'A', Date.now() - 60_000);
    await waitingRepo.ringing(open, true);
    await waitingRepo.ringing(open, false);
    // counted per queue only while the node's lease is live
    expect(await waitingRepo.byQueue()).toEqual(new Map());
    await m.db.query(`INSERT INTO node_lease(node, owner, epoch, expires_at) VALUES ('A', 'd1', 1, now() + interval '1 minute')`);
    const counted = (await waitingRepo.byQueue()).get('q1');
    expect(counted?.waiting).toBe(1);
    expect(counted?.longestWaitMs).toBeGreaterThanOrEqual(59_000);
    expect(await waitingRepo.prune()).toBe(2);
    expect((await m.db.query<{ call_id: string }>('SELECT call_id FROM queue_waiting')).rows.map((r) => r.call_id)).toEqual([open]);
    await waitingRepo.leave(open);
    expect((await m.db.query('SELECT 1 FROM queue_waiting')).rows).toHaveLength(0);
  });
  // last: its agent is one the tests above do not list
  it('agent.state of a wrap-up says when it ends (the queue\'s wrapUpS after the call); any other state says null', async () => {
    const repo = new AcdRepo(m.db);
    await repo.createAgent({ id: 'wendy', name: 'wendy' });
    const bus = new EventBus();
    const seen: Array<KefuEvent<'agent.state'>> = [];
    bus.subscribe((e) => { if (e.type === 'agent.state' && (e as KefuEvent<'agent.state'>).data.agentId === 'wendy') seen.push(e as KefuEvent<'agent.state'>); });
    const board = new AgentBoard(repo, bus, log, [], 1);
    await board.load();
    await board.setState('wendy', { state: 'ready' });
    expect(board.apply('wendy', { type: 'offer', callId: '00000000-0000-4000-8000-000000000009' })).toBe(true);
    expect(board.apply('wendy', { type: 'answer' })).toBe(true);
    const before = Date.now();
    board.callEnded('wendy', 45);
    const after = Date.now();
    await until('wendy wraps up', () => seen.some((e) => e.data.state === 'wrap-up'));
    expect(seen.map((e) => [e.data.state, e.data.wrapUpUntil]).slice(-3)).toEqual([['ringing', null], ['on-call', null], ['wrap-up', expect.any(String)]]);
    const until45 = Date.parse(seen.at(-1)!.data.wrapUpUntil!);
    expect(until45).toBeGreaterThanOrEqual(before + 45_000);
    expect(until45).toBeLessThanOrEqual(after + 45_000);
    expect(board.get('wendy')!.wrapUpUntil).toBe(until45);
    await board.stop();
  });
});
