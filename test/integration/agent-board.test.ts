/**
 * Agent states in the database: a restart finds each agent where it was; an
 * agent who was on a call (the call is gone) comes back in wrap-up and is
 * ready once it ends; one who was ringing comes back ready.
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

  it('refuses what the state machine refuses, naming the state', () => {
    const board = new AgentBoard(new AcdRepo(db), new EventBus(), log, [], 1);
    return board.load().then(() => {
      expect(() => board.setState('ann', { state: 'ready' })).not.toThrow();
      expect(() => board.claim('bob', '00000000-0000-4000-8000-000000000003')).toThrow(/cannot offer while paused/);
    });
  });
});
