/**
 * A campaign conversation when the node is taken over (fake PBX, fake
 * timers; the services and PGlite are real). Before, the new owner closed a
 * campaign call as `interrupted`, hung up the callee and the agent, and rang
 * every campaign agent's seat again. Now the conversation goes on in its
 * bridge, its attempt is the new owner's (the callee's hang-up ends it
 * `connected`, the number `reached`), and agents' seats waiting on hold stay
 * up and take the next call. A campaign the earlier owner started after the
 * new owner's start (so not run there) runs there from the takeover on.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { FAKE_CLOCK, pbxHarness, type PbxHarness } from '../../support/pbx-harness.ts';
import { CampaignService } from '../../../src/services/dialer/campaigns.ts';
import { ANY_HOUR } from '../../helpers/campaign.ts';
import type { CampaignAttempt } from '../../../src/core/dialer/campaign.ts';

describe('a campaign call when the node is taken over (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  let svc: CampaignService;
  const log: string[] = [];
  const customer = (digits: string) => h.pbx.legsTo(`PJSIP/${digits}@trunk`).filter((l) => l.role === 'dialer');
  const seatLeg = (n: string) => h.pbx.legsTo(`PJSIP/${n}`);
  const attempts = async (id: string): Promise<CampaignAttempt[]> => (await h.repos.campaigns.attempts(id, { limit: 50 })).items;
  const row = async (id: string) => (await h.db.query<{ state: string; disposition: string | null; agent_id: string | null }>('SELECT state, disposition, agent_id FROM calls WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['a1', 'a2'], channels: 4, logLines: log });
    await h.service.start();
    svc = new CampaignService(h.repos.campaigns, h.repos.acd, h.numbers, h.blacklist, h.bus, pino({ level: 'silent' }));
    await svc.start(h.service.campaignCalls);
    await h.addAgents(['a1', 'a2']);
  });
  afterAll(async () => { await svc?.stop(); await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('the conversation goes on, its attempt ends connected under the new owner; the waiting seat is kept and takes a call of a campaign started elsewhere', async () => {
    h.pbx.phone('PJSIP/13800000071@trunk', 'manual');
    h.pbx.phone('PJSIP/13800000072@trunk', 'manual');
    const c = await svc.create({ name: 'Kept', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1', 'a2'], maxLines: 1 } });
    await svc.addNumbers(c.id, [{ number: '13800000071', line: 1 }]);
    await svc.act(c.id, 'start');
    // B: a campaign another daemon (the node's earlier owner) started after this daemon's start: not run here yet
    const b = await h.repos.campaigns.create({ name: 'Started elsewhere', mode: 'progressive', priority: 0, settings: { window: ANY_HOUR, agents: ['a1', 'a2'], maxLines: 1 } });
    await h.repos.campaigns.addNumbers(b.id, [{ number: '+8613800000072', name: null, customerId: null, data: {}, priority: 0 }]);
    await h.repos.campaigns.update(b.id, { state: 'running', startedAt: new Date() });
    await h.until(() => seatLeg('a1').length === 1 && seatLeg('a2').length === 1, 'both seats called');
    await vi.advanceTimersByTimeAsync(1000);
    await h.until(() => customer('13800000071').length === 1, 'the customer dialled');
    const callee = customer('13800000071')[0]!;
    h.pbx.pickUp(callee.id);
    await h.until(() => callee.bridgeId !== null, 'bridged to an agent');
    const [talking, waiting] = seatLeg('a1')[0]!.bridgeId === callee.bridgeId ? ['a1', 'a2'] : ['a2', 'a1'];
    const seats = { talking: seatLeg(talking)[0]!, waiting: seatLeg(waiting)[0]! };
    let first = (await attempts(c.id))[0]!;
    for (let i = 0; i < 100 && (!first.connectedAt || (await row(first.callId!))?.state !== 'connected'); i++) { await h.settle(); first = (await attempts(c.id))[0]!; }
    expect(await row(first.callId!)).toMatchObject({ state: 'connected', agent_id: talking });
    expect(customer('13800000072')).toHaveLength(0);

    // the node changes hands (here: the same daemon wins it back under a new epoch; what it remembered is dropped)
    const report = await h.takeOver();
    expect(report).toMatchObject({ campaign: 1, seats: 1, closed: 0 });
    await h.settle();

    // untouched: the same legs, the same bridge; nobody rung again; the row open, the agent on the call
    expect(h.pbx.leg(callee.id)?.bridgeId).toBe(callee.bridgeId);
    expect(seatLeg(talking).map((l) => l.id)).toEqual([seats.talking.id]);
    expect(seatLeg(waiting).map((l) => l.id)).toEqual([seats.waiting.id]);
    expect(await row(first.callId!)).toMatchObject({ state: 'connected' });
    expect(h.agents.get(talking)).toMatchObject({ state: 'on-call', callId: first.callId });
    // listed among the calls up (GET /calls/active)
    expect(h.service.otherCalls().find((x) => x.id === first.callId)).toMatchObject({ direction: 'outbound', state: 'connected', number: '+8613800000071' });
    expect((await attempts(c.id))[0]).toMatchObject({ outcome: null });

    // B runs here now: its number goes to the seat that waited through the takeover
    await h.until(() => customer('13800000072').length === 1, 'B\'s customer dialled');
    const next = customer('13800000072')[0]!;
    h.pbx.pickUp(next.id);
    await h.until(() => next.bridgeId != null, 'bridged');
    expect(h.pbx.leg(seats.waiting.id)?.bridgeId).toBe(next.bridgeId);
    expect(seatLeg(waiting)).toHaveLength(1);

    // A's callee hangs up: the attempt ends connected, the number reached, one record completed; the seat back on hold
    h.pbx.farHangup(callee.id);
    for (let i = 0; i < 100 && (await attempts(c.id))[0]!.outcome === null; i++) await h.settle();
    expect((await attempts(c.id))[0]).toMatchObject({ outcome: 'connected', agentId: talking });
    expect((await h.repos.campaigns.numbers(c.id, { limit: 10 })).items[0]).toMatchObject({ state: 'done', doneReason: 'reached' });
    for (let i = 0; i < 100 && (await row(first.callId!))?.disposition == null; i++) await h.settle();
    expect(await row(first.callId!)).toMatchObject({ state: 'ended', disposition: 'completed' });
    expect((await h.db.query("SELECT 1 FROM calls WHERE number LIKE '%13800000071'")).rows).toHaveLength(1);
    expect(h.agents.get(talking)!.state).toBe('wrap-up');
    expect(seats.talking.moh).toBe(true);

    h.pbx.farHangup(next.id);
    for (let i = 0; i < 100 && (await attempts(b.id))[0]?.outcome == null; i++) await h.settle();
    expect((await attempts(b.id)).map((a) => [a.number, a.outcome, a.agentId])).toEqual([['+8613800000072', 'connected', waiting]]);
  });
});

describe('a campaign callee waiting for an agent when the node is taken over (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  let svc: CampaignService;
  const log: string[] = [];
  const customer = (digits: string) => h.pbx.legsTo(`PJSIP/${digits}@trunk`).filter((l) => l.role === 'dialer');
  const seatLeg = () => h.pbx.legsTo('PJSIP/a1');
  const attempt = async (id: string, number: string): Promise<CampaignAttempt | undefined> => (await h.repos.campaigns.attempts(id, { limit: 50 })).items.find((a) => a.number.endsWith(number));
  const row = async (id: string) => (await h.db.query<{ state: string; disposition: string | null; agent_id: string | null }>('SELECT state, disposition, agent_id FROM calls WHERE id = $1', [id])).rows[0];
  const settled = async (cond: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 200; i++) { if (await cond()) return; await h.settle(); }
    throw new Error(`not seen: ${what}`);
  };
  /** The callee `n` answers while the agent is paused (its seat let go): a person waiting for an agent (the attempt's live time). */
  const waitingCallee = async (c: string, n: string) => {
    await h.until(() => customer(`138000000${n}`).length === 1, `callee ${n} dialled`);
    await h.agents.setState('a1', { state: 'paused', reason: 'break' });
    const callee = customer(`138000000${n}`)[0]!;
    h.pbx.pickUp(callee.id);
    await settled(async () => { const a = await attempt(c, n); return !!a?.liveAt && (await row(a.callId!))?.state === 'answered'; }, `callee ${n} answered, waiting`);
    expect(h.pbx.leg(callee.id)?.bridgeId ?? null).toBeNull();
    return callee;
  };

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['a1'], channels: 4, logLines: log });
    await h.service.start();
    svc = new CampaignService(h.repos.campaigns, h.repos.acd, h.numbers, h.blacklist, h.bus, pino({ level: 'silent' }));
    await svc.start(h.service.campaignCalls);
    await h.addAgents(['a1']);
  });
  afterAll(async () => { await svc?.stop(); await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(() => { vi.useRealTimers(); });

  it('waits on: the agent ready again within the connect limit takes them; past the limit the next callee hears the message and is hung up (abandoned)', async () => {
    h.pbx.phone('PJSIP/13800000081@trunk', 'manual');
    h.pbx.phone('PJSIP/13800000082@trunk', 'manual');
    const once = { delayS: 0, maxAttempts: 1 };
    const c = await svc.create({ name: 'Waiting', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1'], maxLines: 1, connectWithinS: 10, retry: { busy: once, 'no-answer': once, machine: once, failed: once, abandoned: once } } });
    await svc.addNumbers(c.id, [{ number: '13800000081', line: 1, priority: 1 }, { number: '13800000082', line: 2 }]);
    await svc.act(c.id, 'start');
    await h.until(() => seatLeg().length === 1, 'the seat called');
    await vi.advanceTimersByTimeAsync(1000);

    // 81 answers while the agent is not ready (seat up, on hold): waiting for an agent when the node changes hands
    const first = await waitingCallee(c.id, '81');
    const report = await h.takeOver();
    expect(report).toMatchObject({ campaign: 1, seats: 0, closed: 0 });
    await h.settle();
    const a81 = (await attempt(c.id, '81'))!;
    expect(await row(a81.callId!)).toMatchObject({ state: 'answered', disposition: null });
    expect(h.pbx.leg(first.id)).toBeDefined();
    // 3 s later (within the 10 s limit) the agent is ready again: the seat called again takes the callee as it answers
    await vi.advanceTimersByTimeAsync(3000);
    await h.agents.setState('a1', { state: 'ready', seatId: 'seat-a1' });
    await h.until(() => seatLeg().length === 1, 'the seat called again');
    await vi.advanceTimersByTimeAsync(1000);
    await h.until(() => h.pbx.leg(first.id)?.bridgeId != null, 'the waiting callee bridged to the agent');
    expect(h.pbx.leg(seatLeg()[0]!.id)?.bridgeId).toBe(h.pbx.leg(first.id)?.bridgeId);
    await settled(async () => (await attempt(c.id, '81'))?.connectedAt != null, 'attempt 81 connected');
    h.pbx.farHangup(first.id);
    await settled(async () => (await attempt(c.id, '81'))?.outcome === 'connected', 'attempt 81 ended connected');
    await settled(async () => (await row(a81.callId!))?.disposition === 'completed', 'call 81 completed');
    expect(await row(a81.callId!)).toMatchObject({ agent_id: 'a1' });

    // 82 waits the same way, and the node changes hands after its connect limit ran out (here: the earlier owner wrote
    // its live answer 20 s before the takeover): the identification message, then hung up
    await h.agents.setState('a1', { state: 'ready', seatId: 'seat-a1' });
    await vi.advanceTimersByTimeAsync(1000);
    const second = await waitingCallee(c.id, '82');
    await h.db.query("UPDATE campaign_attempts SET live_at = live_at - interval '20 seconds' WHERE id = $1", [(await attempt(c.id, '82'))!.id]);
    expect(await h.takeOver()).toMatchObject({ campaign: 1, closed: 0 });
    // the message is spoken (text to speech: a real process, whose time limit is a timer: the fake clock stands still
    // until it plays), then played (fake time); each wait up to 20 s of real time
    const deadline = performance.now() + 20_000;
    while (!h.pbx.playingTo(second.id) && performance.now() < deadline) { await h.settle(); await new Promise((r) => setImmediate(r)); }
    expect(h.pbx.playingTo(second.id)).toBe(true);
    expect(h.pbx.leg(second.id)?.bridgeId ?? null).toBeNull();
    while (h.pbx.leg(second.id) && performance.now() < deadline + 20_000) { await vi.advanceTimersByTimeAsync(10); await h.settle(); }
    expect(h.pbx.leg(second.id)).toBeUndefined();
    await settled(async () => (await attempt(c.id, '82'))?.outcome === 'abandoned', 'attempt 82 abandoned');
    // the message was played to the end before the hang-up (the attempt's result says so), and no agent was reached
    expect(await attempt(c.id, '82')).toMatchObject({ abandoned: true, connectedAt: null, result: { identification: true } });
    const a82 = (await attempt(c.id, '82'))!;
    await settled(async () => (await row(a82.callId!))?.disposition != null, 'call 82 closed');
    expect(await row(a82.callId!)).toMatchObject({ state: 'ended', disposition: 'dropped' });
    expect((await h.repos.campaigns.numbers(c.id, { limit: 10 })).items.map((x) => [x.number, x.state]).sort()).toEqual([['+8613800000081', 'done'], ['+8613800000082', 'done']]);
  });

  it('a callee whose call was abandoned already (the message playing) is closed, and the runner does not count it as up', async () => {
    h.pbx.phone('PJSIP/13800000083@trunk', 'manual');
    await h.agents.setState('a1', { state: 'ready', seatId: 'seat-a1' });
    const c = await svc.create({ name: 'Dropping', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1'], maxLines: 1, connectWithinS: 10 } });
    await svc.addNumbers(c.id, [{ number: '13800000083', line: 1 }]);
    await svc.act(c.id, 'start');
    await vi.advanceTimersByTimeAsync(1000);
    const callee = await waitingCallee(c.id, '83');
    // the earlier owner had given up on them (its identification message playing when it died)
    await h.db.query('UPDATE campaign_attempts SET abandoned = true WHERE id = $1', [(await attempt(c.id, '83'))!.id]);
    expect(await h.takeOver()).toMatchObject({ campaign: 0, closed: 1 });
    await h.until(() => !h.pbx.leg(callee.id), 'the callee hung up');
    expect(svc.runner(c.id).callsUp()).toBe(0);
    expect(await row((await attempt(c.id, '83'))!.callId!)).toMatchObject({ state: 'ended', disposition: 'interrupted' });
    await svc.act(c.id, 'stop');
  });
});
