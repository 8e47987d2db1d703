/**
 * Agent states in the database: a restart finds each agent where it was; an
 * agent who was on a call (the call is gone) comes back in wrap-up and is
 * ready once it ends; one who was ringing comes back ready. A sync (the
 * agents table changed through another daemon) adds and drops agents but keeps
 * the live states, and writes nothing back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { testDbKind } from '../helpers/db.ts';
import { migratedDb, type MigratedDb } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import type { Db } from '../../src/db/types.ts';
import { AcdRepo } from '../../src/db/repos/acd.ts';
import { EventBus, type KefuEvent } from '../../src/core/events/bus.ts';
import { AgentBoard } from '../../src/services/agents/board.ts';

describe(`agent states on ${testDbKind()}`, () => {
  let m: MigratedDb;
  let db: Db;
  const log = pino({ level: 'silent' });
  beforeAll(async () => {
    m = await migratedDb();
    db = m.db;
    const repo = new AcdRepo(db);
    for (const id of ['ann', 'bob', 'cat', 'dan']) await repo.createAgent({ id, name: id });
  });
  afterAll(async () => { await m.close(); });

  it('survive a restart; on-call comes back in wrap-up, ringing comes back ready', async () => {
    const repo = new AcdRepo(db);
    const bus = new EventBus();
    const seen: KefuEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    const before = new AgentBoard(repo, bus, log, [], 1);
    await before.load();
    before.setState('ann', { state: 'ready' });
    before.setState('bob', { state: 'paused', reason: 'lunch' });
    before.setState('cat', { state: 'ready' });
    before.claim('cat', '00000000-0000-4000-8000-000000000001');
    before.setState('dan', { state: 'ready' });
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
    board.setState('eve', { state: 'ready' });
    board.setState('fay', { state: 'ready' });
    expect(board.apply('fay', { type: 'offer', callId: '00000000-0000-4000-8000-000000000003' })).toBe(true);
    await board.flush();
    let changes = 0;
    board.onChange(() => { changes++; });
    // another daemon: gus created and on a call there, hal created, fay and ivy deleted
    await repo.createAgent({ id: 'gus', name: 'gus' });
    await repo.saveAgentState({ id: 'gus', state: 'on-call', seatId: null, reason: null, callId: '00000000-0000-4000-8000-000000000004', callsTaken: 3, missedInARow: 0, lastCallEndedAt: 0, since: Date.now() });
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

  it('refuses what the state machine refuses, naming the state', () => {
    const board = new AgentBoard(new AcdRepo(db), new EventBus(), log, [], 1);
    return board.load().then(() => {
      expect(() => board.setState('ann', { state: 'ready' })).not.toThrow();
      expect(() => board.claim('bob', '00000000-0000-4000-8000-000000000003')).toThrow(/cannot offer while paused/);
    });
  });
});
