import { describe, expect, it } from 'vitest';
import { agentTransition, newAgent, type Agent, type AgentEvent } from './agent.ts';
import { pickAgents, type Member } from './strategies.ts';

const run = (events: AgentEvent[], a: Agent = newAgent('a1', 0)) =>
  events.reduce<Agent>((acc, e, i) => { const r = agentTransition(acc, e, 1000 * (i + 1)); if (!r.ok) throw new Error(r.error); return r.agent; }, a);

describe('agent machine', () => {
  it('login, ready, offered, answers, wraps up (until the end the call set), ready again', () => {
    const a = run([{ type: 'login', seatId: 'seat-101' }, { type: 'ready' }, { type: 'offer', callId: 'c1' }, { type: 'answer' }, { type: 'hangup', wrapUpS: 30 }]);
    expect(a).toMatchObject({ state: 'wrap-up', callsTaken: 1, lastCallEndedAt: 5000, callId: null, seatId: 'seat-101', wrapUpUntil: 35_000 });
    expect(run([{ type: 'wrapUpDone' }], a)).toMatchObject({ state: 'ready', wrapUpUntil: null });
    expect(run([{ type: 'pause', reason: 'lunch' }], a)).toMatchObject({ state: 'paused', wrapUpUntil: null });
    expect(run([{ type: 'ready' }], a).wrapUpUntil).toBeNull();
  });
  it('missing N offers in a row pauses the agent with reason missed-calls; an answer resets the count', () => {
    const ready = run([{ type: 'login', seatId: 's' }, { type: 'ready' }]);
    const once = run([{ type: 'offer', callId: 'c' }, { type: 'noAnswer', maxMissed: 2 }], ready);
    expect(once).toMatchObject({ state: 'ready', missedInARow: 1 });
    expect(run([{ type: 'offer', callId: 'c' }, { type: 'noAnswer', maxMissed: 2 }], once)).toMatchObject({ state: 'paused', reason: 'missed-calls' });
    expect(run([{ type: 'offer', callId: 'c' }, { type: 'answer' }], once).missedInARow).toBe(0);
  });
  it('a ring kefu cancels (answered elsewhere, caller left) is no miss, however often', () => {
    const ready = run([{ type: 'login', seatId: 's' }, { type: 'ready' }]);
    const offers = Array.from({ length: 5 }, (_, i) => [{ type: 'offer', callId: `c${i}` }, { type: 'cancel' }] as AgentEvent[]).flat();
    expect(run(offers, ready)).toMatchObject({ state: 'ready', missedInARow: 0, callId: null });
    expect(agentTransition(ready, { type: 'cancel' }, 9).ok).toBe(false);
  });
  it('refuses what makes no sense, as a value', () => {
    expect(agentTransition(newAgent('a', 0), { type: 'offer', callId: 'c' }, 1)).toEqual({ ok: false, error: 'agent a cannot offer while logged-out' });
    const onCall = run([{ type: 'login', seatId: 's' }, { type: 'ready' }, { type: 'offer', callId: 'c' }, { type: 'answer' }]);
    expect(agentTransition(onCall, { type: 'logout' }, 9).ok).toBe(false);
    expect(agentTransition(onCall, { type: 'offer', callId: 'd' }, 9).ok).toBe(false);
  });
});

describe('routing strategies', () => {
  const agents = new Map<string, Agent>();
  const add = (id: string, over: Partial<Agent>) => agents.set(id, { ...newAgent(id, 0), state: 'ready', seatId: `seat-${id}`, ...over });
  add('a', { lastCallEndedAt: 300, callsTaken: 5 });
  add('b', { lastCallEndedAt: 100, callsTaken: 9 });
  add('c', { lastCallEndedAt: 200, callsTaken: 1 });
  add('d', { state: 'on-call' });
  add('e', { seatId: null });
  const members: Member[] = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ agentId: id, skills: { mandarin: [3, 7, 7, 10, 10][i]! } }));

  it('only ready agents at a seat are candidates', () => {
    expect(pickAgents('ring-all', members, agents)).toEqual(['a', 'b', 'c']);
  });
  it('longest idle first', () => expect(pickAgents('longest-idle', members, agents)).toEqual(['b', 'c', 'a']));
  it('fewest calls first', () => expect(pickAgents('fewest-calls', members, agents)).toEqual(['c', 'a', 'b']));
  it('round robin continues after the last one offered', () => {
    expect(pickAgents('round-robin', members, agents, { cursor: 0 })).toEqual(['b', 'c', 'a']);
    expect(pickAgents('round-robin', members, agents, { cursor: 2 })).toEqual(['a', 'b', 'c']);
  });
  it('skills: level at least the minimum, higher level first, then longest idle', () => {
    expect(pickAgents('skills', members, agents, { skill: { name: 'mandarin', min: 5 } })).toEqual(['b', 'c']);
    expect(pickAgents('skills', members, agents, { skill: { name: 'cantonese', min: 1 } })).toEqual([]);
  });
  it('agents already tried for the call are skipped', () => {
    expect(pickAgents('longest-idle', members, agents, { exclude: new Set(['b']) })).toEqual(['c', 'a']);
  });
});

describe('queue figures', () => {
  it('service level counts answered within the threshold against answered plus late abandons; short abandons are left out', async () => {
    const { emptyCounters, countAnswered, countAbandoned, serviceLevel, averageSpeedOfAnswerMs } = await import('./stats.ts');
    let c = emptyCounters();
    expect(serviceLevel(c)).toBeNull();
    expect(averageSpeedOfAnswerMs(c)).toBeNull();
    c = countAnswered(c, 10_000, 20_000); // in
    c = countAnswered(c, 30_000, 20_000); // late
    c = countAnswered(c, 5_000, 20_000);  // in
    c = countAbandoned(c, 3_000, 20_000); // short: not counted
    c = countAbandoned(c, 12_000, 20_000); // abandoned before the threshold: not in the denominator
    c = countAbandoned(c, 25_000, 20_000); // abandoned after: counts against
    expect(c).toMatchObject({ answered: 3, answeredWithinSl: 2, abandoned: 2, abandonedAfterSl: 1, shortAbandoned: 1 });
    expect(serviceLevel(c)).toBeCloseTo(2 / 4);
    expect(averageSpeedOfAnswerMs(c)).toBe(15_000);
  });
  it('are rebuilt from finished calls exactly as they were counted live', async () => {
    const { countersFromCalls, emptyCounters, countAnswered, countAbandoned, countOverflow, countExited } = await import('./stats.ts');
    const calls = [
      { queueId: 'sales', agentId: 'bob', disposition: 'completed', queueWaitMs: 12_000, left: [] },
      { queueId: 'sales', agentId: null, disposition: 'abandoned', queueWaitMs: 31_000, left: [] },
      { queueId: 'sales', agentId: null, disposition: 'abandoned', queueWaitMs: 2_000, left: [] },
      // overflowed from support into sales, answered there
      { queueId: 'sales', agentId: 'amy', disposition: 'completed', queueWaitMs: 40_000, left: [{ queueId: 'support', why: 'timeout' as const }] },
      { queueId: null, agentId: null, disposition: 'voicemail', queueWaitMs: null, left: [{ queueId: 'support', why: 'exit' as const }] },
      { queueId: null, agentId: 'bob', disposition: 'completed', queueWaitMs: null, left: [] }, // click-to-dial: no queue
    ];
    const live = new Map([
      ['sales', countAnswered(countAbandoned(countAbandoned(countAnswered(emptyCounters(), 12_000, 20_000), 31_000, 20_000), 2_000, 20_000), 40_000, 20_000)],
      ['support', countExited(countOverflow(emptyCounters()))],
    ]);
    expect(countersFromCalls(calls, () => 20_000)).toEqual(live);
  });
});
