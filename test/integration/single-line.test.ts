/**
 * The single-line office end to end on real parts: the daemon as a process,
 * a V.253 modem simulator on the far side of a socat pty, the database
 * (PGlite or a PostgreSQL server), espeak-ng/sox for prompts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { waitForLineIdle, waitForRecordedAudio } from '../helpers/wait.ts';
import { parseWavLayout } from '../../src/media/wav.ts';

const FLOW = {
  id: 'test-menu',
  name: 'Test menu',
  entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press one for sales, two for support.', voice: 'en-us' }, options: { 1: 'sales', 2: 'support' }, timeoutMs: 4000, retries: 1 },
    sales: { type: 'play', prompt: { text: 'Sales.', voice: 'en-us' }, next: 'bye' },
    support: { type: 'play', prompt: { text: 'Support will call you back.', voice: 'en-us' }, next: 'bye' },
    bye: { type: 'hangup' },
  },
};

describe(`single-line office on ${testDbKind()}`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let dataDir: string;

  const start = async () => {
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      ...(dataDir ? { dataDir } : {}),
      config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: FLOW.id, answerAfterRings: 2 } }] },
    });
    dataDir = daemon.dataDir;
    events = await eventClient(daemon.url);
    await waitForLineIdle(daemon, 'office');
  };

  /** Waits for a simulator event; on a time-out the error carries what the modem saw and the daemon's log. */
  const simWait = (event: 'vtx-start' | 'vrx-start', since: number, timeoutMs: number) =>
    sim.simulator.waitFor(event, { since, timeoutMs }).catch((e: Error) => {
      const seen = sim.simulator.history.filter((h) => h.at >= since).map((h) => h.event).join(' ');
      const commands = sim.simulator.commands.filter((c) => c.at >= since).map((c) => c.command).join(' | ');
      throw new Error(`${e.message}\nsimulator events: ${seen}\ncommands: ${commands}\ndaemon log:\n${daemon.output().slice(-6000)}`);
    });

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'conexant' });
    db = await freshDatabase();
    await start();
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('caller ID pops the customer, the IVR follows the digit, the call is recorded and logged', async () => {
    const created = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '138 0013 8000' }], tier: 'regular' });
    expect(created.status).toBe(201);
    const since = Date.now();
    const ringDone = sim.simulator.ring({ number: '13800138000', name: 'WANG FANG', rings: 4, intervalMs: 1000 });

    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= new Date(since).toISOString());
    const callId = ringing.data.callId as string;
    expect(ringing.data).toMatchObject({ lineId: 'office', number: '+8613800138000', name: 'WANG FANG', blacklisted: false });
    expect((ringing.data.customer as { id: string; name: string }).id).toBe(created.body.id);
    const pop = await events.waitFor((e) => e.type === 'screenpop' && e.data.callId === callId);
    expect((pop.data.customer as { name: string }).name).toBe('王芳');

    await simWait('vrx-start', since, 15_000);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId);
    await sim.simulator.pressDigits('2', { gapMs: 200 });
    await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === callId && e.data.digit === '2');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    expect(ended.data.disposition).toBe('completed');
    const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId, 20_000);

    const call = await daemon.api<{ digits: string; ivrPath: Array<{ node: string; digits?: string }>; disposition: string; customerId: string; answeredAt: string; endedAt: string; recordingId: string }>('GET', `/calls/${callId}`);
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({ digits: '2', disposition: 'completed', customerId: created.body.id, recordingId: ready.data.recordingId });
    expect(call.body.ivrPath.map((s) => s.node)).toEqual(['menu', 'support', 'bye']);
    expect(call.body.ivrPath[0]!.digits).toBe('2');

    // the recording: a valid WAV whose length matches what was played and heard while off-hook
    const rec = await daemon.api('GET', `/calls/${callId}/recording`);
    expect(rec.status).toBe(200);
    expect(rec.headers.get('content-type')).toBe('audio/wav');
    const layout = parseWavLayout(rec.raw);
    expect(layout.declaredDataBytes).toBe(rec.raw.length - layout.dataOffset);
    const recordedMs = (layout.declaredDataBytes / 2 / 8000) * 1000;
    expect(recordedMs).toBeCloseTo(ready.data.durationMs as number, -1);
    const offHookMs = Date.parse(call.body.endedAt) - Date.parse(call.body.answeredAt);
    const playedMs = sim.simulator.played().filter((p) => p.at >= since).reduce((a, p) => a + p.durationMs, 0);
    expect(playedMs).toBeGreaterThan(1000);
    expect(recordedMs).toBeGreaterThanOrEqual(playedMs - 300);
    expect(recordedMs).toBeLessThanOrEqual(offHookMs + 500);

    // the customer's history has the call
    const hist = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${created.body.id}/interactions`);
    expect(hist.body.items).toContainEqual(expect.objectContaining({ kind: 'call', refId: callId }));
    await ringDone;
  });

  it('a blacklisted caller is never answered in voice mode and is logged as blocked', async () => {
    expect((await daemon.api('POST', '/blacklist', { number: '139-0013-9000', direction: 'inbound', reason: 'spam' })).status).toBe(201);
    const since = Date.now();
    const ringing_ = sim.simulator.ring({ number: '13900139000', rings: 3, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613900139000');
    expect(ringing.data.blacklisted).toBe(true);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 20_000);
    expect(ended.data.disposition).toBe('blocked');
    const voice = sim.simulator.commands.filter((c) => c.at >= since && /^AT\+(FCLASS=8|VLS=1|VRX|VTX)|^ATA/i.test(c.command));
    expect(voice).toEqual([]);
    expect(sim.simulator.history.filter((h) => h.at >= since && (h.event === 'vrx-start' || h.event === 'vtx-start'))).toEqual([]);
    const call = await daemon.api<{ disposition: string; blacklistMatch: unknown }>('GET', `/calls/${ringing.data.callId as string}`);
    expect(call.body.disposition).toBe('blocked');
    expect(call.body.blacklistMatch).toMatchObject({ kind: 'exact' });
    await ringing_; // the caller stops ringing before the next test touches the line
  });

  it('an agent who takes the call at the desk talks on the phone: no IVR, the modem records, the caller hanging up ends it', async () => {
    expect((await daemon.api('POST', '/agents', { id: 'wang', name: '王伟' })).status).toBe(201);
    expect((await daemon.api('POST', '/agents/wang/state', { state: 'ready' })).status).toBe(200);
    const lineIdle = () => waitForLineIdle(daemon, 'office');
    await lineIdle();

    // taken while it rings: answered at once, without the IVR
    let since = Date.now();
    const rings = sim.simulator.ring({ number: '13500135000', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613500135000' && Date.parse(e.at) >= since);
    const callId = ringing.data.callId as string;
    const taken = await daemon.api<{ state: string }>('POST', `/calls/${callId}/claim`, { agentId: 'wang' });
    expect(taken.status).toBe(200);
    expect((await daemon.api('POST', `/calls/${callId}/claim`, { agentId: 'wang' })).status).toBe(409);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId);
    await simWait('vrx-start', since, 15_000);
    // a key pressed on the call reaches the record, not an IVR
    await sim.simulator.pressDigits('2', { gapMs: 200 });
    await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === callId && e.data.digit === '2');
    await sim.simulator.hangUp();
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 20_000);
    expect(ended.data.disposition).toBe('completed');
    const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId, 20_000);
    expect(ready.data.durationMs).toBeGreaterThan(0);
    const call = await daemon.api<{ agentId: string; ivrPath: unknown[]; answeredAt: string | null; digits: string }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ agentId: 'wang', ivrPath: [], digits: '2' });
    expect(call.body.answeredAt).not.toBeNull();
    expect(sim.simulator.history.filter((h) => h.at >= since && h.event === 'vtx-start')).toEqual([]); // no prompt was ever played
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'wang' && e.data.state === 'wrap-up');
    expect((await daemon.api('POST', `/calls/${callId}/wrap-up`, { agentId: 'wang', outcome: 'resolved' })).status).toBe(200);
    await rings;
    await lineIdle();

    // taken in the IVR: the menu prompt (a long one, so it is still playing) is cut short, the key the caller presses next leads nowhere
    const long = { ...FLOW, nodes: { ...FLOW.nodes, menu: { ...FLOW.nodes.menu, prompt: { text: 'Press one for sales, two for support. '.repeat(6), voice: 'en-us' } } } };
    expect((await daemon.api('PUT', `/ivr/flows/${FLOW.id}`, long)).status).toBe(200);
    since = Date.now();
    const rings2 = sim.simulator.ring({ number: '13500135000', rings: 4, intervalMs: 1000 });
    const second = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613500135000' && Date.parse(e.at) >= since);
    const id2 = second.data.callId as string;
    await simWait('vtx-start', since, 15_000);
    expect((await daemon.api('POST', `/calls/${id2}/claim`, { agentId: 'wang' })).status).toBe(200);
    const claimedAt = Date.now();
    // the prompt stops and the modem listens again (a key pressed between the two would be lost on the wire)
    const stopped = await sim.simulator.waitFor('vtx-end', { since, timeoutMs: 15_000 });
    await sim.simulator.waitFor('vrx-start', { since: stopped.at, timeoutMs: 15_000 });
    await sim.simulator.pressDigits('2', { gapMs: 200 });
    await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === id2 && e.data.digit === '2');
    expect(sim.simulator.status().offHook).toBe(true);
    await sim.simulator.hangUp();
    const ended2 = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id2, 20_000);
    expect(ended2.data.disposition).toBe('completed');
    const call2 = await daemon.api<{ agentId: string; ivrPath: Array<{ node: string }> }>('GET', `/calls/${id2}`);
    expect(call2.body.agentId).toBe('wang');
    expect(call2.body.ivrPath.map((p) => p.node)).toEqual(['menu']); // never reached "support"
    expect(sim.simulator.history.filter((h) => h.at >= claimedAt && h.event === 'vtx-start')).toEqual([]);
    expect(sim.simulator.played().filter((p) => p.at >= since).map((p) => p.aborted)).toEqual([true]);
    expect((await daemon.api('POST', `/calls/${id2}/wrap-up`, { agentId: 'wang', outcome: 'resolved' })).status).toBe(200);
    await rings2;
    expect((await daemon.api('PUT', `/ivr/flows/${FLOW.id}`, FLOW)).status).toBe(200);
  });

  it('a pulled device takes the line offline and it comes back by itself', async () => {
    await waitForLineIdle(daemon, 'office');
    const since = new Date().toISOString();
    await sim.simulator.disappear();
    await events.waitFor((e) => e.type === 'line.state' && e.at >= since && e.data.state === 'offline');
    expect((await daemon.api<{ state: string }>('GET', '/lines/office')).body.state).toBe('offline');
    await sim.simulator.reappear();
    await events.waitFor((e) => e.type === 'line.state' && e.at >= since && e.data.state === 'idle', 40_000);
    expect((await daemon.api<{ state: string }>('GET', '/lines/office')).body.state).toBe('idle');
  });

  it('a device pulled mid-call closes the call as failed, keeps its recording, and the line recovers', async () => {
    const since = Date.now();
    const ringDone = sim.simulator.ring({ number: '13600136000', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613600136000');
    const callId = ringing.data.callId as string;
    await simWait('vtx-start', since, 15_000);
    await ringDone;
    await waitForRecordedAudio(daemon, callId, 250); // mid-call: some of it is recorded
    await sim.simulator.disappear();
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 20_000);
    expect(ended.data.disposition).toBe('failed');
    const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId, 20_000);
    expect(ready.data.durationMs).toBeGreaterThan(0);
    await sim.simulator.reappear();
    await events.waitFor((e) => e.type === 'line.state' && Date.parse(e.at) >= since && e.data.state === 'idle', 40_000);
    const call = await daemon.api<{ disposition: string; endedAt: string | null }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ disposition: 'failed' });
    expect(call.body.endedAt).not.toBeNull();
  });

  it('SIGKILL mid-call: on restart the record is closed as interrupted and the recording is playable', async () => {
    const since = Date.now();
    void sim.simulator.ring({ number: '13700137000', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613700137000');
    const callId = ringing.data.callId as string;
    await simWait('vtx-start', since, 30_000);
    await waitForRecordedAudio(daemon, callId, 1000); // on disk: it outlives the kill
    events.close();
    await daemon.stop('SIGKILL');
    await sim.simulator.hangUp().catch(() => undefined);
    await start();
    const call = await daemon.api<{ disposition: string; endedAt: string | null; recordingId: string | null }>('GET', `/calls/${callId}`);
    expect(call.body.disposition).toBe('interrupted');
    expect(call.body.endedAt).not.toBeNull();
    expect(call.body.recordingId).not.toBeNull();
    const meta = await daemon.api<{ state: string; durationMs: number; sha256: string }>('GET', `/recordings/${call.body.recordingId!}`);
    expect(meta.body.state).toBe('repaired');
    expect(meta.body.durationMs).toBeGreaterThan(500);
    expect(meta.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rec = await daemon.api('GET', `/calls/${callId}/recording`);
    expect(rec.status).toBe(200);
    const layout = parseWavLayout(rec.raw);
    expect(layout.declaredDataBytes).toBe(rec.raw.length - layout.dataOffset);
    expect(Math.round(layout.declaredDataBytes / 16)).toBe(meta.body.durationMs);
  });
});
