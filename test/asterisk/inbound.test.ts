/**
 * The multi-seat backend on a real Asterisk 22 (the lab): the carrier calls
 * the pbx with caller ID, the call enters Stasis(kefu), the daemon runs the
 * same IVR as on a modem line, records it with MixMonitor and logs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle, waitForRecordedAudio, waitForRecordingBytes } from '../helpers/wait.ts';
import { parseWavLayout } from '../../src/media/wav.ts';

const FLOW = {
  id: 'test-menu', name: 'Test menu', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press one for sales, two for support.', voice: 'en-us' }, options: { 1: 'sales', 2: 'support', 3: 'desk' }, timeoutMs: 5000, retries: 1 },
    desk: { type: 'queue', queue: 'desk', fallback: 'bye' },
    sales: { type: 'play', prompt: { text: 'Sales.', voice: 'en-us' }, next: 'bye' },
    support: { type: 'play', prompt: { text: 'Support will call you back.', voice: 'en-us' }, next: 'bye' },
    bye: { type: 'hangup' },
  },
};

describe(`Asterisk inbound on ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const daemonConfig = () => labDaemonConfig(lab, { channels: 1, flow: FLOW.id }, { seats: [{ id: 'seat-110', endpoint: 'PJSIP/110' }] });
  /** Dora at seat-110 takes the desk queue's calls; her phone answers. */
  const doraReady = async () => {
    await lab.carrier.action('Setvar', { Variable: 'AGENT_110', Value: 'answer' });
    expect((await daemon.api<{ state: string }>('POST', '/agents/dora/state', { state: 'ready', seatId: 'seat-110' })).body.state).toBe('ready');
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, config: daemonConfig() });
    events = await eventClient(daemon.url);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    expect((await daemon.api('POST', '/agents', { id: 'dora', name: 'Dora' })).status).toBe(201);
    expect((await daemon.api('POST', '/queues', { id: 'desk', name: 'Desk', strategy: 'ring-all', members: ['dora'], settings: { ringTimeoutS: 10, wrapUpS: 1 } })).status).toBe(201);
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('caller ID pops the customer, DTMF 2 follows branch 2, MixMonitor records both ways, the record is complete', async () => {
    const c = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '13800138000' }] });
    await lab.call({ number: '13800138000', name: 'WANG FANG', dtmf: '2', preWaitS: 2, holdS: 8 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138000');
    const callId = ringing.data.callId as string;
    expect((ringing.data.customer as { id: string }).id).toBe(c.body.id);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId);
    await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === callId && e.data.digit === '2', 20_000);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    expect(ended.data.disposition).toBe('completed');
    const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId, 20_000)
      .catch((err: unknown) => { throw new Error(`${String(err)}\n${daemon.output().split('\n').filter((l) => /recording|MixMonitor|AMI|error/i.test(l)).slice(-8).join('\n')}`); });
    const call = await daemon.api<{ digits: string; ivrPath: Array<{ node: string }>; lineId: string; recordingId: string }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ digits: '2', lineId: 'trunk1', recordingId: ready.data.recordingId });
    expect(call.body.ivrPath.map((s) => s.node)).toEqual(['menu', 'support', 'bye']);
    const rec = await daemon.api('GET', `/calls/${callId}/recording`);
    expect(rec.status).toBe(200);
    const layout = parseWavLayout(rec.raw);
    expect(layout.format.sampleRate).toBe(8000);
    expect(layout.declaredDataBytes / 16).toBeGreaterThan(2000); // more than two seconds of audio
  });

  it('a second caller on a one-channel line gets busy, and it is recorded', async () => {
    const since = new Date().toISOString();
    await lab.call({ number: '13900139001', holdS: 6, preWaitS: 4 });
    await events.waitFor((e) => e.type === 'call.answered' && e.at >= since && e.data.number === '+8613900139001');
    await lab.call({ number: '13900139002', holdS: 1 });
    const busy = await events.waitFor((e) => e.type === 'call.ended' && e.at >= since && e.data.number === '+8613900139002', 20_000);
    expect(busy.data.disposition).toBe('busy');
    const list = await daemon.api<{ items: Array<{ disposition: string }> }>('GET', '/calls?number=13900139002');
    expect(list.body.items.map((x) => x.disposition)).toEqual(['busy']);
    await events.waitFor((e) => e.type === 'call.ended' && e.at >= since && e.data.number === '+8613900139001', 30_000);
  });

  it('a blacklisted caller is rejected without being answered', async () => {
    expect((await daemon.api('POST', '/blacklist', { number: '13700137000', direction: 'inbound' })).status).toBe(201);
    await lab.call({ number: '13700137000', holdS: 2 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613700137000');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 20_000);
    expect(ended.data.disposition).toBe('blocked');
    const call = await daemon.api<{ answeredAt: string | null }>('GET', `/calls/${ringing.data.callId as string}`);
    expect(call.body.answeredAt).toBeNull();
  });

  it('diagnostics: AMI, ARI, modules, answering-machine detection, the Stasis app and the line endpoint are all checked', async () => {
    const r = await daemon.api<{ ok: boolean; checks: Array<{ id: string; ok: boolean; detail: string }> }>('GET', '/diagnostics');
    const byId = Object.fromEntries(r.body.checks.map((c) => [c.id, c]));
    for (const id of ['asterisk-ami', 'asterisk-modules', 'asterisk-amd', 'asterisk-ari', 'asterisk-stasis-app', 'asterisk-endpoints']) expect(byId[id]?.ok, `${id}: ${byId[id]?.detail}`).toBe(true);
    expect(byId['asterisk-ari']!.detail).toMatch(/Asterisk 22\./);
  });

  it('on demand: play into the live call; stop the recording (sealed at once) and start a new one', async () => {
    const since = new Date().toISOString();
    await lab.call({ number: '13300133000', preWaitS: 12, holdS: 1 });
    const answered = await events.waitFor((e) => e.type === 'call.answered' && e.at >= since && e.data.number === '+8613300133000');
    const callId = answered.data.callId as string;
    expect((await daemon.api('POST', `/calls/${callId}/play`, { text: 'Your order has shipped.' })).status).toBe(202);
    expect((await daemon.api<{ error: { code: string } }>('POST', `/calls/${callId}/recording/start`)).status).toBe(409); // the policy records it already
    await waitForRecordedAudio(daemon, callId, 750);
    const stopped = await daemon.api<{ recordingId: string }>('POST', `/calls/${callId}/recording/stop`);
    expect(stopped.status).toBe(202);
    const first = await events.waitFor((e) => e.type === 'recording.ready' && e.data.recordingId === stopped.body.recordingId, 10_000);
    expect(first.data.durationMs).toBeGreaterThan(500);
    const started = await daemon.api<{ recordingId: string }>('POST', `/calls/${callId}/recording/start`);
    expect(started.status).toBe(202);
    await waitForRecordingBytes(daemon, started.body.recordingId, 250); // the PBX records again before the hang-up
    lab.cli('pbx', 'channel request hangup all');
    await events.waitFor((e) => e.type === 'recording.ready' && e.data.recordingId === started.body.recordingId, 15_000);
    const recs = await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', `/recordings?callId=${callId}`);
    expect(recs.body.items.map((r) => r.id).sort()).toEqual([stopped.body.recordingId, started.body.recordingId].sort());
    expect((await daemon.api('POST', `/calls/${callId}/play`, { text: 'too late' })).status).toBe(404);
  });

  it('Asterisk crashes and restarts mid-call with an agent on it: the call and both legs are closed, once; the agent is free again; new calls work after the reconnect', async () => {
    await doraReady();
    const since = new Date().toISOString();
    await lab.call({ number: '13500135000', dtmf: '3', preWaitS: 2, holdS: 30 });
    const answered = await events.waitFor((e) => e.type === 'call.answered' && e.at >= since && e.data.number === '+8613500135000');
    const callId = answered.data.callId as string;
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'dora' && e.data.state === 'on-call', 20_000);
    lab.restart('pbx', { crash: true });
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    expect(ended.data.disposition).toBe('failed');
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'dora' && e.data.state === 'ready', 10_000);
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, callId);
    expect(legs.map((l) => [l.kind, l.endCause])).toEqual([['caller', 'asterisk-restart'], ['agent', 'asterisk-restart']]);
    expect(legs.every((l) => l.answeredAt !== null && l.endedAt !== null)).toBe(true);
    await events.waitFor((e) => e.type === 'line.state' && e.at >= since && e.data.lineId === 'trunk1' && e.data.state === 'idle', 30_000);
    const list = await daemon.api<{ items: Array<{ id: string; disposition: string; endedAt: string | null }> }>('GET', '/calls?number=13500135000');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: callId, disposition: 'failed' });
    // the line takes calls again
    const again = new Date().toISOString();
    await lab.call({ number: '13500135001', dtmf: '1', preWaitS: 1, holdS: 6 });
    const done = await events.waitFor((e) => e.type === 'call.ended' && e.at >= again && e.data.number === '+8613500135001', 30_000);
    expect(done.data.disposition).toBe('completed');
  });

  it('daemon SIGKILLed mid-call with an agent on it: after restart the record and its legs are interrupted, the orphan channels hung up, nothing duplicated', async () => {
    await doraReady();
    const since = new Date().toISOString();
    await lab.call({ number: '13400134000', dtmf: '3', preWaitS: 2, holdS: 30 });
    const answered = await events.waitFor((e) => e.type === 'call.answered' && e.at >= since && e.data.number === '+8613400134000');
    const callId = answered.data.callId as string;
    await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'dora' && e.data.state === 'on-call', 20_000);
    events.close();
    await daemon.stop('SIGKILL');
    daemon = await startDaemonProcess({ databaseUrl: db.url, dataDir: daemon.dataDir, config: daemonConfig() });
    events = await eventClient(daemon.url);
    const call = await daemon.api<{ disposition: string; endedAt: string | null }>('GET', `/calls/${callId}`);
    expect(call.body.disposition).toBe('interrupted');
    expect(call.body.endedAt).not.toBeNull();
    await until('the orphan channels hung up', () => !/13400134000/.test(lab.cli('pbx', 'core show channels concise')), { timeoutMs: 10_000, detail: () => lab.cli('pbx', 'core show channels concise') });
    const list = await daemon.api<{ items: unknown[] }>('GET', '/calls?number=13400134000');
    expect(list.body.items).toHaveLength(1);
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, callId);
    expect(legs.map((l) => [l.kind, l.endCause])).toEqual([['caller', 'interrupted'], ['agent', 'interrupted']]);
    expect(legs.every((l) => l.endedAt === call.body.endedAt)).toBe(true);
    expect(new Set(legs.map((l) => l.channelId)).size).toBe(2);
  });

  it('a caller who calls while no daemon is connected rings on (the dialplan tries Stasis again) and is answered once the daemon is back: one record', async () => {
    events.close();
    await daemon.stop();
    await lab.call({ number: '13600136000', dtmf: '2', preWaitS: 2, holdS: 6 });
    // the application is not there: Stasis fails, and the channel waits in the dialplan's loop
    await until('the caller waits in the dialplan', () => lab.cli('pbx', 'core show channels concise').split('\n').some((l) => l.includes('13600136000') && l.includes('!Wait!')),
      { timeoutMs: 15_000, detail: () => lab.cli('pbx', 'core show channels concise') });
    daemon = await startDaemonProcess({ databaseUrl: db.url, dataDir: daemon.dataDir, config: daemonConfig() });
    events = await eventClient(daemon.url);
    const calls = await until('the call recorded, ended', async () => {
      const r = await daemon.api<{ items: Array<{ id: string; disposition: string | null; digits: string | null }> }>('GET', '/calls?number=13600136000');
      return r.body.items.length > 0 && r.body.items.every((c) => c.disposition) ? r.body.items : null;
    }, { timeoutMs: 40_000, detail: () => daemon.output().slice(-3000) });
    expect(calls.map((c) => [c.disposition, c.digits])).toEqual([['completed', '2']]);
  });
});
