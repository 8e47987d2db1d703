/**
 * ACD on a real Asterisk: the IVR puts the caller in a queue, agents' phones
 * (endpoints on the carrier instance) ring by strategy, one answers, they are
 * bridged, the call record names the agent and the wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavLayout } from '../../src/media/wav.ts';

/**
 * 100 ms frames of a WAV in which a 1400 Hz tone carries most of the energy (Goertzel).
 * Reads every byte after the header: the file may still be written (its header not yet final).
 */
function toneFrames(path: string, hz = 1400): number {
  const file = readFileSync(path);
  const pcm = file.subarray(parseWavLayout(file).dataOffset);
  const n = 800;
  const k = (2 * Math.cos((2 * Math.PI * hz) / 8000));
  let frames = 0;
  for (let off = 0; off + n * 2 <= pcm.length; off += n * 2) {
    let s1 = 0; let s2 = 0; let energy = 0;
    for (let i = 0; i < n; i++) {
      const x = pcm.readInt16LE(off + i * 2);
      energy += x * x;
      const s0 = x + k * s1 - s2; s2 = s1; s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - k * s1 * s2;
    if (energy > n * 100 * 100 && (2 * power) / (n * energy) > 0.5) frames++;
  }
  return frames;
}

const FLOW = {
  id: 'sales', name: 'Straight to sales', entry: 'q',
  nodes: {
    q: { type: 'queue', queue: 'sales', prompt: { text: 'Please hold for sales.', voice: 'en-us' }, fallback: 'bye' },
    bye: { type: 'hangup' },
  },
};

describe(`ACD on Asterisk, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const setAgentPhone = (ext: string, how: 'answer' | 'noanswer' | 'busy' | 'quiet' | 'tone') => lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: how });

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, { seats: [101, 102, 103].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })) }),
    });
    events = await eventClient(daemon.url);
    for (const [id, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) expect((await daemon.api('POST', '/agents', { id, name })).status).toBe(201);
    expect((await daemon.api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: ['alice', 'bob', 'carol'], settings: { ringTimeoutS: 5, maxWaitS: 60, wrapUpS: 1, maxMissed: 1 } })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('agents log in at seats; a bad seat is refused with the field named', async () => {
    const bad = await daemon.api<{ error: { message: string } }>('POST', '/agents/alice/state', { state: 'ready', seatId: 'seat-999' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.seatId');
    for (const [id, seat] of [['alice', 'seat-101'], ['bob', 'seat-102']]) {
      const r = await daemon.api<{ state: string; seatId: string }>('POST', `/agents/${id}/state`, { state: 'ready', seatId: seat });
      expect(r.body).toMatchObject({ state: 'ready', seatId: seat });
    }
    const seats = await daemon.api<{ items: Array<{ id: string; agentId: string | null }> }>('GET', '/seats');
    expect(seats.body.items.find((s) => s.id === 'seat-101')?.agentId).toBe('alice');
  });

  it('the first agent does not answer, the next one does: bridged, recorded with agent, queue and wait; the missed agent is paused', async () => {
    await setAgentPhone('101', 'noanswer');
    await setAgentPhone('102', 'answer');
    const since = new Date().toISOString();
    await lab.call({ number: '13800138000', preWaitS: 30, holdS: 30 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
    const callId = ringing.data.callId as string;
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'alice' && e.data.state === 'ringing');
    const paused = await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'alice' && e.data.state === 'paused', 20_000);
    expect(paused.data.reason).toBe('missed-calls');
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'bob' && e.data.state === 'on-call', 20_000);
    const agents = await daemon.api<{ items: Array<{ id: string; state: string; callId: string | null }> }>('GET', '/agents');
    expect(agents.body.items.find((a) => a.id === 'bob')).toMatchObject({ state: 'on-call' });
    // the caller hangs up: the call completes, bob wraps up and is ready again
    lab.cli('pbx', `channel request hangup all`);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 20_000);
    expect(ended.data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'bob' && e.data.state === 'wrap-up', 10_000);
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'bob' && e.data.state === 'ready', 10_000);
    const call = await daemon.api<{ agentId: string; queueId: string; queueWaitMs: number; disposition: string }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ agentId: 'bob', queueId: 'sales', disposition: 'completed' });
    expect(call.body.queueWaitMs).toBeGreaterThan(4000); // alice rang for ringTimeoutS first
    // every leg: the caller, alice's unanswered offer, bob's answered one
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, callId);
    expect(legs.map((l) => [l.kind, l.agentId, l.seatId])).toEqual([['caller', null, null], ['agent', 'alice', 'seat-101'], ['agent', 'bob', 'seat-102']]);
    expect(legs[1]).toMatchObject({ answeredAt: null, endCause: 'no-answer' });
    expect(legs[2]!.answeredAt).not.toBeNull();
    expect(legs[2]!.endCause).toBe('normal');
    expect(new Set(legs.map((l) => l.channelId)).size).toBe(3);
    // the caller's leg names its SIP dialog (the carrier's INVITE); the legs kefu originated are not read
    expect(legs[0]!.sipCallId).toMatch(/^\S+$/);
    expect(legs.slice(1).map((l) => l.sipCallId)).toEqual([null, null]);
    const q = await daemon.api<{ items: Array<{ queueId: string; answered: number; serviceLevel: number | null; averageSpeedOfAnswerMs: number | null }> }>('GET', '/queues');
    const sales = q.body.items.find((x) => x.queueId === 'sales')!;
    expect(sales.answered).toBe(1);
    expect(sales.serviceLevel).toBe(1); // answered within 20 s
    expect(sales.averageSpeedOfAnswerMs).toBeGreaterThan(4000);
  });

  it('with every agent busy or away the caller waits with music, then gives up: abandoned with its wait time', async () => {
    await daemon.api('POST', '/agents/bob/state', { state: 'paused', reason: 'lunch' });
    const since = new Date().toISOString();
    await lab.call({ number: '13900139000', preWaitS: 1, holdS: 5 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
    const q = await events.waitFor((e) => e.type === 'queue.update' && e.at >= since && e.data.queueId === 'sales' && e.data.waiting === 1, 15_000);
    expect(q.data.waiting).toBe(1);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 20_000);
    expect(ended.data.disposition).toBe('abandoned');
    const call = await daemon.api<{ queueWaitMs: number; agentId: string | null }>('GET', `/calls/${ringing.data.callId as string}`);
    expect(call.body.agentId).toBeNull();
    expect(call.body.queueWaitMs).toBeGreaterThan(1000);
    const stats = await daemon.api<{ items: Array<{ queueId: string; abandoned: number; waiting: number; serviceLevelS: number }> }>('GET', '/queues');
    const sales = stats.body.items.find((q) => q.queueId === 'sales')!;
    expect(sales.abandoned).toBeGreaterThanOrEqual(1);
    expect(sales.waiting).toBe(0);
    expect(sales.serviceLevelS).toBe(20);
  });

  it('click-to-dial: the seat rings, then the customer through the line; bridged and logged as outbound; do-not-call refused', async () => {
    expect((await daemon.api('POST', '/blacklist', { number: '13800138999', direction: 'outbound', reason: 'asked not to be called' })).status).toBe(201);
    const dnc = await daemon.api<{ error: { code: string; message: string } }>('POST', '/calls', { seatId: 'seat-103', number: '138 0013 8999' });
    expect(dnc.status).toBe(409);
    expect(dnc.body.error.message).toContain('do-not-call');
    await setAgentPhone('103', 'answer');
    const r = await daemon.api<{ callId: string }>('POST', '/calls', { seatId: 'seat-103', number: '138-0013-8888', agentId: 'carol' });
    expect(r.status).toBe(202);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === r.body.callId, 20_000);
    await until('both legs answered', async () => (await daemon.api<{ legs: LegOut[] }>('GET', `/calls/${r.body.callId}`)).body.legs?.filter((l) => l.answeredAt !== null).length === 2, { timeoutMs: 20_000 });
    lab.cli('pbx', 'channel request hangup all');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === r.body.callId, 20_000);
    expect(ended.data.disposition).toBe('completed');
    const call = await daemon.api<{ direction: string; number: string; agentId: string; answeredAt: string | null }>('GET', `/calls/${r.body.callId}`);
    expect(call.body).toMatchObject({ direction: 'outbound', number: '+8613800138888', agentId: 'carol' });
    expect(call.body.answeredAt).not.toBeNull();
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, r.body.callId);
    expect(legs.map((l) => [l.kind, l.seatId, l.agentId])).toEqual([['agent', 'seat-103', 'carol'], ['outbound', null, null]]);
    expect(legs.every((l) => l.answeredAt !== null && l.endedAt !== null)).toBe(true);
  });

  it('supervisor whisper: the agent hears the supervisor, the caller does not', async () => {
    await setAgentPhone('102', 'quiet');
    await setAgentPhone('103', 'tone'); // the supervisor's phone "talks": a steady 1400 Hz tone
    await lab.carrier.action('Setvar', { Variable: 'REC_102', Value: join(lab.dir, 'agent') });
    await daemon.api('POST', '/agents/alice/state', { state: 'logged-out' });
    await daemon.api('POST', '/agents/carol/state', { state: 'logged-out' });
    expect((await daemon.api<{ state: string }>('POST', '/agents/bob/state', { state: 'ready', seatId: 'seat-102' })).body.state).toBe('ready');
    const since = new Date().toISOString();
    // the caller's phone sends (silent) audio all along, as a real phone does
    await lab.call({ number: '13700137777', preWaitS: 1, say: 'silence/10&silence/10&silence/10', holdS: 10, recordTo: join(lab.dir, 'caller') });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since && e.data.number === '+8613700137777');
    const callId = ringing.data.callId as string;
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'bob' && e.data.state === 'on-call', 20_000);
    const refused = await daemon.api('POST', `/calls/${callId}/monitor`, { mode: 'whisper', seatId: 'seat-999' });
    expect(refused.status).toBe(400);
    const m = await daemon.api<{ monitorId: string }>('POST', `/calls/${callId}/monitor`, { mode: 'whisper', seatId: 'seat-103' });
    expect(m.status).toBe(202);
    // The carrier's MixMonitors write what each phone hears as it goes.
    const agentHeard = join(lab.dir, 'agent-heard.wav');
    const callerHeard = join(lab.dir, 'caller-heard.wav');
    await until('the agent hears more than 2 s of the supervisor', () => existsSync(agentHeard) && existsSync(callerHeard) && toneFrames(agentHeard) > 20, { timeoutMs: 20_000 });
    // Absence in the caller's ear is only worth checking once its recording runs a second past this
    // moment (past any write buffer): then it covers those 2 s of whisper.
    const past = statSync(callerHeard).size + 16_000;
    await until("the caller's recording a second further", () => statSync(callerHeard).size > past, { timeoutMs: 10_000 });
    lab.cli('pbx', 'channel request hangup all');
    await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 20_000);
    expect(toneFrames(agentHeard)).toBeGreaterThan(20); // more than 2 s of the supervisor
    expect(toneFrames(callerHeard)).toBe(0);
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, callId);
    expect(legs.map((l) => [l.kind, l.seatId, l.mode])).toEqual([['caller', null, null], ['agent', 'seat-102', null], ['supervisor', 'seat-103', 'whisper']]);
    expect(legs[2]!.answeredAt).not.toBeNull();
  });
});
