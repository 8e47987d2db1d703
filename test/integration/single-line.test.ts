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
