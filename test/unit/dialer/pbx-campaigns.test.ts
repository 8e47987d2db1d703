/**
 * Campaigns on the PBX, end to end through our services (CampaignService,
 * the runner, the pacing, PbxService with its dialer backend, the ledger, a
 * migrated PGlite), with the fake PBX on the far side (fake timers). The real
 * Asterisk runs the same modes in test/asterisk/campaigns.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { FAKE_CLOCK, pbxHarness, type PbxHarness } from '../../support/pbx-harness.ts';
import { CampaignService } from '../../../src/services/dialer/campaigns.ts';
import { SEAT_RECALL_MS } from '../../../src/services/pbx/campaign-seats.ts';
import { ANY_HOUR } from '../../helpers/campaign.ts';
import type { CampaignAttempt } from '../../../src/core/dialer/campaign.ts';

describe('campaigns on the PBX (fake PBX, fake timers)', () => {
  let h: PbxHarness;
  let svc: CampaignService;
  const customer = (digits: string) => h.pbx.legsTo(`PJSIP/${digits}@trunk`).filter((l) => l.role === 'dialer');
  const seatLeg = (n: string) => h.pbx.legsTo(`PJSIP/${n}`);
  const attempts = async (id: string): Promise<CampaignAttempt[]> => (await h.repos.campaigns.attempts(id, { limit: 500 })).items;
  let settled: CampaignAttempt[] = [];
  const untilAttempts = async (id: string, ok: (a: CampaignAttempt[]) => boolean, what: string) => {
    for (let i = 0; i < 60; i++) {
      settled = await attempts(id);
      if (ok(settled)) return settled;
      await h.settle();
    }
    throw new Error(`never happened: ${what} (${JSON.stringify(settled.map((a) => [a.number, a.outcome]))})`);
  };

  /**
   * Moves the fake clock in small steps while our services work (the TTS of a
   * message runs as a real process), until `cond` holds; fails after 20 s of
   * real time.
   */
  const drive = async (cond: () => boolean | Promise<boolean>, what: string) => {
    const deadline = performance.now() + 20_000;
    while (!(await cond())) {
      if (performance.now() > deadline) throw new Error(`never happened: ${what}`);
      // steps shorter than a fake playback (50 ms), so a condition on one is seen
      await vi.advanceTimersByTimeAsync(10);
      await h.settle();
    }
  };

  beforeAll(async () => {
    h = await pbxHarness({ seats: ['a1', 'a2', 'a3'], channels: 6 });
    await h.service.start();
    svc = new CampaignService(h.repos.campaigns, h.repos.acd, h.numbers, h.blacklist, h.bus, pino({ level: 'silent' }));
    await svc.start(h.service.campaignCalls);
    await h.addAgents(['a1', 'a2', 'a3']);
  });
  afterAll(async () => { await svc?.stop(); await h?.close(); });
  beforeEach(() => { vi.useFakeTimers(FAKE_CLOCK); });
  afterEach(async () => { vi.useRealTimers(); });

  it('progressive: agents\' seats are nailed up once; one call per ready agent; a person who answers is bridged at once', async () => {
    for (let i = 0; i < 3; i++) h.pbx.phone(`PJSIP/1380000000${i}@trunk`, 'manual');
    const c = await svc.create({ name: 'Progressive', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1', 'a2'], maxLines: 4 } });
    await svc.addNumbers(c.id, [0, 1, 2].map((i) => ({ number: `1380000000${i}`, line: i + 1 })));
    await svc.act(c.id, 'start');
    await h.until(() => seatLeg('a1').length === 1 && seatLeg('a2').length === 1, 'both seats called');
    expect(seatLeg('a3')).toHaveLength(0);
    // the seats answer (fake ring 1 s), then one customer call per ready agent
    await vi.advanceTimersByTimeAsync(1000);
    await h.until(() => customer('13800000000').length + customer('13800000001').length + customer('13800000002').length === 2, 'two customers dialled');
    const ringing = [0, 1, 2].flatMap((i) => customer(`1380000000${i}`));
    h.pbx.pickUp(ringing[0]!.id);
    await h.until(() => ringing[0]!.bridgeId !== null, 'bridged to an agent');
    const agentLeg = [...seatLeg('a1'), ...seatLeg('a2')].find((l) => l.bridgeId === ringing[0]!.bridgeId)!;
    const agentId = agentLeg.args[1]!;
    expect(h.agents.get(agentId)!.state).toBe('on-call');
    expect(h.events.some((e) => e.type === 'screenpop' && (e.data as { agentId: string }).agentId === agentId)).toBe(true);
    h.pbx.farHangup(ringing[0]!.id);
    const done = await untilAttempts(c.id, (a) => a.some((x) => x.outcome === 'connected'), 'connected attempt');
    const conn = done.find((x) => x.outcome === 'connected')!;
    expect(conn).toMatchObject({ agentId, abandoned: false, lineId: 'trunk1' });
    expect(conn.liveAt).not.toBeNull();
    expect(Date.parse(conn.connectedAt!) - Date.parse(conn.answeredAt!)).toBeLessThan(2000);
    expect(h.agents.get(agentId)!.state).toBe('wrap-up');
    expect(agentLeg.moh).toBe(true); // back on hold, still nailed up
    const call = await h.repos.calls.get(conn.callId!);
    expect(call).toMatchObject({ direction: 'outbound', disposition: 'completed', agentId });
    const num = (await h.repos.campaigns.numbers(c.id, { limit: 10 })).items.find((n) => n.number === conn.number)!;
    expect(num).toMatchObject({ state: 'done', doneReason: 'reached' });
    await svc.act(c.id, 'stop');
    await untilAttempts(c.id, (a) => a.every((x) => x.outcome !== null), 'every attempt closed');
    expect(settled.filter((x) => x.outcome === 'cancelled')).toHaveLength(1);
  });

  it('a person who answers with no agent free within 2 s hears the identification and counts as abandoned', async () => {
    h.pbx.phone('PJSIP/13900000001@trunk', 'manual');
    await h.agents.setState('a1', { state: 'paused', reason: 'break' });
    await h.agents.setState('a2', { state: 'paused', reason: 'break' });
    await h.agents.setState('a3', { state: 'paused', reason: 'break' });
    const c = await svc.create({ name: 'Preview-abandon', mode: 'preview', settings: { window: ANY_HOUR, agents: ['a3'] } });
    await svc.addNumbers(c.id, [{ number: '13900000001', line: 1 }]);
    await svc.act(c.id, 'start');
    await h.agents.setState('a3', { state: 'ready' });
    await h.until(() => seatLeg('a3').length === 1, 'seat a3 called');
    await vi.advanceTimersByTimeAsync(1000);
    const shown = await svc.runner(c.id).preview('a3');
    expect(shown?.number).toBe('+8613900000001');
    // the agent dials, then goes on a break before the callee answers
    await svc.runner(c.id).previewDial(shown!.id, 'a3');
    await h.until(() => customer('13900000001').length === 1, 'dialled');
    await h.agents.setState('a3', { state: 'paused', reason: 'break' });
    const leg = customer('13900000001')[0]!;
    h.pbx.pickUp(leg.id);
    await drive(async () => (await attempts(c.id))[0]?.outcome === 'abandoned', 'abandoned');
    const done = await attempts(c.id);
    expect(done[0]).toMatchObject({ abandoned: true, result: { identification: true } });
    const comp = await svc.compliance(c.id);
    expect(comp.day).toEqual({ liveAnswered: 1, abandoned: 1, rate: 1 });
    const call = await h.repos.calls.get(done[0]!.callId!);
    expect(call.disposition).toBe('dropped');
    await svc.act(c.id, 'stop');
  });

  it('progressive: calls name no agent, a person who hangs up waiting counts as abandoned, and the campaign finishes with its list', async () => {
    h.pbx.phone('PJSIP/13400000001@trunk', 'manual');
    h.pbx.phone('PJSIP/13400000002@trunk', 'manual');
    h.pbx.phone('PJSIP/13400000003@trunk', 'busy');
    await h.agents.setState('a1', { state: 'ready' });
    const once = { delayS: 0, maxAttempts: 1 };
    const c = await svc.create({ name: 'Finish', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1'], maxLines: 2, retry: { abandoned: once, busy: once } } });
    await svc.addNumbers(c.id, [{ number: '13400000001', priority: 3, line: 1 }, { number: '13400000002', priority: 2, line: 2 }, { number: '13400000003', priority: 1, line: 3 }]);
    await svc.act(c.id, 'start');
    await drive(() => customer('13400000001').length === 1, 'one call for the one ready agent');
    expect(customer('13400000002')).toHaveLength(0);
    const first = customer('13400000001')[0]!;
    h.pbx.pickUp(first.id);
    await drive(() => first.bridgeId !== null, 'bridged');
    h.pbx.farHangup(first.id);
    await drive(() => h.agents.get('a1')!.state === 'wrap-up', 'agent in wrap-up');
    // the agent ends their wrap-up: the next number is dialled at once
    await h.agents.setState('a1', { state: 'ready' });
    await drive(() => customer('13400000002').length === 1, 'second call');
    const second = customer('13400000002')[0]!;
    // the agent goes on a break; the callee answers and hangs up waiting
    await h.agents.setState('a1', { state: 'paused', reason: 'break' });
    h.pbx.pickUp(second.id);
    await vi.advanceTimersByTimeAsync(500);
    h.pbx.farHangup(second.id);
    await drive(async () => (await attempts(c.id)).length === 2 && (await attempts(c.id)).every((a) => a.outcome !== null), 'second attempt over');
    // back from the break: the last number is busy, then nothing is left while the agent stays ready
    await h.agents.setState('a1', { state: 'ready' });
    await drive(async () => (await svc.stats(c.id)).state === 'finished', 'campaign finished');
    const done = await attempts(c.id);
    expect(done.every((a) => a.agentId === null || a.agentId === 'a1')).toBe(true);
    expect(done.find((a) => a.number === '+8613400000001')).toMatchObject({ outcome: 'connected', agentId: 'a1', abandoned: false });
    expect(done.find((a) => a.number === '+8613400000002')).toMatchObject({ outcome: 'abandoned', abandoned: true, result: { hungUpWaiting: true } });
    expect(done.find((a) => a.number === '+8613400000003')).toMatchObject({ outcome: 'busy' });
    expect((await svc.compliance(c.id)).day).toMatchObject({ liveAnswered: 2, abandoned: 1 });
  });

  it('a callee waiting for an agent takes the seat of an agent who ends wrap-up within the connect limit (the seat is up: no new seat comes up)', async () => {
    h.pbx.phone('PJSIP/13400000011@trunk', 'manual');
    h.pbx.phone('PJSIP/13400000012@trunk', 'manual');
    await h.agents.setState('a1', { state: 'ready' });
    await h.agents.setState('a2', { state: 'paused', reason: 'break' });
    const c = await svc.create({ name: 'Wrap-up ends', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a1', 'a2'], maxLines: 2, connectWithinS: 10 } });
    await svc.addNumbers(c.id, [{ number: '13400000011', priority: 2, line: 1 }, { number: '13400000012', priority: 1, line: 2 }]);
    await svc.act(c.id, 'start');
    // a1 talks to the first callee, then wraps up: its seat stays up, on hold
    await drive(() => customer('13400000011').length === 1, 'the first callee dialled');
    const first = customer('13400000011')[0]!;
    h.pbx.pickUp(first.id);
    await drive(() => first.bridgeId !== null, 'bridged to a1');
    h.pbx.farHangup(first.id);
    await drive(() => h.agents.get('a1')!.state === 'wrap-up', 'a1 in wrap-up');
    const a1Seat = seatLeg('a1')[0]!;
    // a2 comes back, the second number is dialled for a2, and a2 goes on a break before the callee answers: nobody is free
    await h.agents.setState('a2', { state: 'ready' });
    await drive(() => customer('13400000012').length === 1, 'the second callee dialled');
    const second = customer('13400000012')[0]!;
    await h.agents.setState('a2', { state: 'paused', reason: 'break' });
    h.pbx.pickUp(second.id);
    await vi.advanceTimersByTimeAsync(1000);
    expect(second.bridgeId).toBeNull();
    // a1 ends the wrap-up 1 s into the 10 s limit: the callee gets a1 at once (before, they waited for the limit and were abandoned)
    await h.agents.setState('a1', { state: 'ready' });
    await drive(() => second.bridgeId !== null, 'the waiting callee bridged');
    expect(h.pbx.leg(a1Seat.id)?.bridgeId).toBe(second.bridgeId);
    expect(h.agents.get('a1')!.state).toBe('on-call');
    h.pbx.farHangup(second.id);
    const done = await untilAttempts(c.id, (a) => a.length === 2 && a.every((x) => x.outcome !== null), 'both attempts over');
    expect(done.find((a) => a.number === '+8613400000012')).toMatchObject({ outcome: 'connected', agentId: 'a1', abandoned: false });
    await drive(async () => (await svc.stats(c.id)).state === 'finished', 'the campaign finished with its list');
  });

  it('broadcast: the message, then key 9 opts the callee out (do-not-call at once); busy is retried later', async () => {
    h.pbx.phone('PJSIP/13700000001@trunk', 'manual');
    h.pbx.phone('PJSIP/13700000002@trunk', 'busy');
    const c = await svc.create({ name: 'Notice', mode: 'broadcast', settings: { window: ANY_HOUR, message: 'Your order has shipped.', keys: { optOut: '9' }, maxLines: 2 } });
    await svc.addNumbers(c.id, [{ number: '13700000001', line: 1 }, { number: '13700000002', line: 2 }]);
    await svc.act(c.id, 'start');
    await h.until(() => customer('13700000001').length === 1, 'dialled');
    const leg = customer('13700000001')[0]!;
    h.pbx.pickUp(leg.id);
    await drive(() => h.pbx.playingTo(leg.id), 'message playing');
    h.pbx.press(leg.id, '9');
    await drive(async () => { const a = await attempts(c.id); return a.length === 2 && a.every((x) => x.outcome !== null); }, 'both attempts over');
    const done = await attempts(c.id);
    const opted = done.find((x) => x.number === '+8613700000001')!;
    expect(opted).toMatchObject({ outcome: 'connected', result: { optOut: true, key: '9' } });
    expect(h.blacklist.check('+8613700000001', 'outbound').blocked).toBe(true);
    expect(done.find((x) => x.number === '+8613700000002')!.outcome).toBe('busy');
    const nums = (await h.repos.campaigns.numbers(c.id, { limit: 10 })).items;
    expect(nums.find((n) => n.number === '+8613700000001')).toMatchObject({ state: 'done', doneReason: 'opted out' });
    const busy = nums.find((n) => n.number === '+8613700000002')!;
    expect(busy.state).toBe('pending');
    expect(Date.parse(busy.nextAt!) - Date.now()).toBeGreaterThan(9 * 60_000);
    await svc.act(c.id, 'stop');
  });

  it('broadcast with an IVR flow: the menu\'s key is kept, a queue node passes the callee to a campaign agent', async () => {
    await h.flows.create({
      id: 'offer', name: 'Offer', entry: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: { text: 'Press one to talk to us, nine to stop our calls.', voice: 'en-us' }, options: { 1: 'talk', 9: 'bye' }, timeoutMs: 5000 },
        talk: { type: 'queue', queue: 'sales', fallback: 'bye' },
        bye: { type: 'hangup' },
      },
    });
    h.pbx.phone('PJSIP/13300000001@trunk', 'manual');
    await h.agents.setState('a2', { state: 'ready' });
    const c = await svc.create({ name: 'Offer', mode: 'broadcast', settings: { window: ANY_HOUR, flowId: 'offer', agents: ['a2'], keys: { optOut: '9' }, maxLines: 1 } });
    await svc.addNumbers(c.id, [{ number: '13300000001', line: 1 }]);
    await svc.act(c.id, 'start');
    await drive(() => customer('13300000001').length === 1, 'dialled');
    const leg = customer('13300000001')[0]!;
    h.pbx.pickUp(leg.id);
    await drive(() => h.pbx.playingTo(leg.id), 'menu playing');
    h.pbx.press(leg.id, '1');
    await drive(() => leg.bridgeId !== null, 'bridged to the campaign agent');
    h.pbx.farHangup(leg.id);
    await drive(async () => (await attempts(c.id))[0]?.outcome != null, 'attempt over');
    const [a] = await attempts(c.id);
    expect(a).toMatchObject({ outcome: 'connected', agentId: 'a2', result: { flow: 'offer', outcome: 'queue', path: ['menu', 'talk'], toAgent: true } });
    expect(h.blacklist.check('+8613300000001', 'outbound').blocked).toBe(false);
    await drive(async () => (await svc.stats(c.id)).state === 'finished', 'campaign finished');
  });

  it('priority: a line that frees goes to the running campaign of higher priority on the same lines', async () => {
    const low = Array.from({ length: 8 }, (_, i) => `1320000000${i}`);
    const high = Array.from({ length: 3 }, (_, i) => `1321000000${i}`);
    for (const n of [...low, ...high]) h.pbx.phone(`PJSIP/${n}@trunk`, 'manual');
    const up = (list: string[]) => list.flatMap((n) => customer(n));
    const cLow = await svc.create({ name: 'Low', mode: 'broadcast', priority: 1, settings: { window: ANY_HOUR, message: 'Low.', maxLines: 6 } });
    const cHigh = await svc.create({ name: 'High', mode: 'broadcast', priority: 5, settings: { window: ANY_HOUR, message: 'High.', maxLines: 6 } });
    await svc.addNumbers(cLow.id, low.map((number, i) => ({ number, line: i + 1 })));
    await svc.addNumbers(cHigh.id, high.map((number, i) => ({ number, line: i + 1 })));
    await svc.act(cLow.id, 'start');
    await drive(() => up(low).length === 6, 'the low campaign fills the six channels');
    await svc.act(cHigh.id, 'start');
    // two callees of the low campaign hang up without answering: both lines go to the high campaign
    const [a, b] = up(low);
    h.pbx.farHangup(a!.id);
    h.pbx.farHangup(b!.id);
    await drive(() => up(high).length === 2, 'the freed lines dialled for the high campaign');
    expect(up(low)).toHaveLength(4);
    expect((await svc.stats(cLow.id)).pacing?.reason).toMatch(/lines kept for campaigns of higher priority/);
    await svc.act(cHigh.id, 'stop');
    await svc.act(cLow.id, 'stop');
  });

  it('do-not-call is checked at dial time: a number added after the list was made is never dialled', async () => {
    const c = await svc.create({ name: 'DNC', mode: 'broadcast', settings: { window: ANY_HOUR, message: 'Hello.' } });
    await svc.addNumbers(c.id, [{ number: '13600000001', line: 1 }]);
    await h.blacklist.add({ number: '13600000001', direction: 'outbound', reason: 'asked us' });
    await svc.act(c.id, 'start');
    const done = await untilAttempts(c.id, (a) => a.length === 1, 'skipped');
    expect(done[0]).toMatchObject({ outcome: 'skipped', callId: null });
    expect(done[0]!.skipReason).toContain('do-not-call');
    expect(customer('13600000001')).toHaveLength(0);
  });

  it('an unclean stop: open attempts are closed as interrupted; a number someone answered is never dialled again', async () => {
    const c = await svc.create({ name: 'Crash', mode: 'progressive', settings: { window: ANY_HOUR } });
    await svc.addNumbers(c.id, [{ number: '13500000001', line: 1 }, { number: '13500000002', line: 2 }]);
    const [n1, n2] = await h.repos.campaigns.claimDue(c.id, 2, new Date());
    const a1 = await h.repos.campaigns.openAttempt({ campaignId: c.id, numberId: n1!.id, number: n1!.number, lineId: 'trunk1', agentId: null, placedAt: new Date() });
    await h.repos.campaigns.openAttempt({ campaignId: c.id, numberId: n2!.id, number: n2!.number, lineId: 'trunk1', agentId: null, placedAt: new Date() });
    await h.repos.campaigns.updateAttempt(a1.id, { answeredAt: new Date() });
    const other = new CampaignService(h.repos.campaigns, h.repos.acd, h.numbers, h.blacklist, h.bus, pino({ level: 'silent' }));
    await other.start(null);
    const nums = (await h.repos.campaigns.numbers(c.id, { limit: 10 })).items;
    expect(nums.find((n) => n.id === n1!.id)).toMatchObject({ state: 'done', lastOutcome: 'interrupted' });
    expect(nums.find((n) => n.id === n2!.id)).toMatchObject({ state: 'pending', lastOutcome: 'interrupted' });
    expect((await attempts(c.id)).every((a) => a.outcome === 'interrupted')).toBe(true);
  });
  it('a seat whose phone declines is rung again only after a pause, not in a loop', async () => {
    for (const id of ['a1', 'a2']) await h.agents.setState(id, { state: 'paused', reason: 'break' });
    h.pbx.phone('PJSIP/a3', 'busy');
    await h.agents.setState('a3', { state: 'ready' });
    const rung = () => h.pbx.originations.get('PJSIP/a3') ?? 0;
    const before = rung();
    h.pbx.phone('PJSIP/13700000002@trunk', 'manual');
    const c = await svc.create({ name: 'Declining seat', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['a3'] } });
    await svc.addNumbers(c.id, [{ number: '13700000002', line: 1 }]);
    await svc.act(c.id, 'start');
    await h.until(() => rung() === before + 1, 'the seat rung');
    await vi.advanceTimersByTimeAsync(1); // it declines (busy)
    await h.until(() => seatLeg('a3').length === 0, 'the seat declined');
    await vi.advanceTimersByTimeAsync(SEAT_RECALL_MS.neverUp - 1000);
    await h.settle();
    expect(rung()).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(1000);
    await h.until(() => rung() === before + 2, 'rung again after the pause');
    await svc.act(c.id, 'stop');
    h.pbx.phone('PJSIP/a3', 'answer');
  });

  it('a daemon stop hangs up the seats of a running campaign once and rings none of them again', async () => {
    vi.useRealTimers();
    const h2 = await pbxHarness({ seats: ['b1'], channels: 2 });
    const svc2 = new CampaignService(h2.repos.campaigns, h2.repos.acd, h2.numbers, h2.blacklist, h2.bus, pino({ level: 'silent' }));
    try {
      await h2.service.start();
      await svc2.start(h2.service.campaignCalls);
      await h2.addAgents(['b1']);
      vi.useFakeTimers(FAKE_CLOCK);
      h2.pbx.phone('PJSIP/13700000001@trunk', 'manual');
      const c = await svc2.create({ name: 'Stopped daemon', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['b1'] } });
      await svc2.addNumbers(c.id, [{ number: '13700000001', line: 1 }]);
      await svc2.act(c.id, 'start');
      await h2.until(() => h2.pbx.legsTo('PJSIP/b1').length === 1, 'the seat rung');
      await vi.advanceTimersByTimeAsync(1000); // the agent answers the seat
      await h2.until(() => h2.pbx.legsTo('PJSIP/b1')[0]?.state === 'up', 'the seat up');
      await h2.service.stop();
      expect(h2.pbx.legsTo('PJSIP/b1')).toHaveLength(0);
      expect(h2.pbx.originations.get('PJSIP/b1')).toBe(1);
    } finally {
      await svc2.stop();
      await h2.close();
    }
  });
});
