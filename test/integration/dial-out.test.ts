/**
 * Click-to-dial on a modem line (single-line office): the daemon as a
 * process, the modem simulator on the far side of a socat pty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { parseWavLayout } from '../../src/media/wav.ts';

describe(`click-to-dial on a modem line (${testDbKind()})`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;

  const lineIdle = () => waitForLineIdle(daemon, 'office');
  const dialled = (since: number) => sim.simulator.commands.filter((c) => c.at >= since && /^ATD/i.test(c.command)).map((c) => c.command);

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'conexant' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, dialPrefix: '0,', inbound: { flow: 'main', answerAfterRings: 2 } }] },
    });
    events = await eventClient(daemon.url);
    await lineIdle();
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('dials a customer with the line prefix, records the call while the desk phone talks, and logs it when the customer hangs up', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '李娜', phones: [{ number: '13512345678' }] });
    expect(customer.status).toBe(201);
    const since = Date.now();
    sim.simulator.answerOutbound({ delayMs: 300 });
    const res = await daemon.api<{ callId: string; waiting: boolean }>('POST', '/calls', { number: '135 1234 5678' });
    expect(res.status).toBe(202);
    expect(res.body.waiting).toBe(false);
    const callId = res.body.callId;
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId);
    expect(dialled(since)).toEqual(['ATD0,13512345678;']);
    const active = await daemon.api<{ items: Array<{ id: string; direction: string; state: string; customerId: string }> }>('GET', '/calls/active');
    expect(active.body.items).toContainEqual(expect.objectContaining({ id: callId, direction: 'outbound', state: 'connected', customerId: customer.body.id }));
    expect((await daemon.api<{ state: string; callId: string }>('GET', '/lines/office')).body).toMatchObject({ state: 'in-call', callId });

    // the conversation on the line reaches the recording
    await sim.simulator.sendAudio(Buffer.alloc(16000 * 2, 0x10));
    await sim.simulator.hangUp();
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId);
    expect(ended.data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId);

    const call = await daemon.api<{ direction: string; number: string; disposition: string; customerId: string; answeredAt: string | null; recordingId: string | null }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ direction: 'outbound', number: '+8613512345678', disposition: 'completed', customerId: customer.body.id });
    expect(call.body.answeredAt).not.toBeNull();
    const wav = await daemon.api('GET', `/calls/${callId}/recording`);
    expect(wav.status).toBe(200);
    const layout = parseWavLayout(wav.raw);
    expect(layout.declaredDataBytes / 16).toBeGreaterThan(900); // at least the second of speech sent
    const hist = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${customer.body.id}/interactions`);
    expect(hist.body.items).toContainEqual(expect.objectContaining({ kind: 'call', refId: callId }));
    await lineIdle();
  });

  it('busy and hang-up from the console: the right disposition, the modem back on-hook, the line idle', async () => {
    sim.simulator.busyOutbound({ delayMs: 200 });
    const busy = await daemon.api<{ callId: string }>('POST', '/calls', { number: '010-8888-9999' });
    expect(busy.status).toBe(202);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === busy.body.callId);
    expect(ended.data.disposition).toBe('busy');
    await lineIdle();

    const since = Date.now();
    sim.simulator.answerOutbound({ delayMs: 200 });
    const up = await daemon.api<{ callId: string }>('POST', '/calls', { number: '13600001111' });
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === up.body.callId);
    // one call at a time on a line
    const second = await daemon.api<{ error: { code: string; details: { reason: string } } }>('POST', '/calls', { number: '13600002222' });
    expect(second.status).toBe(409);
    expect(second.body.error.details.reason).toBe('all-lines-busy');
    expect((await daemon.api('POST', `/calls/${up.body.callId}/hangup`)).status).toBe(202);
    const done = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === up.body.callId);
    expect(done.data.disposition).toBe('completed');
    await sim.simulator.waitFor('onhook', { since });
    expect(sim.simulator.status().offHook).toBe(false);
    await lineIdle();

    // hung up while it still rings at the customer's: cancelled, and the modem stops dialling
    const since2 = Date.now();
    sim.simulator.noAnswerOutbound({ delayMs: 20_000 });
    const ringing = await daemon.api<{ callId: string }>('POST', '/calls', { number: '13600003333' });
    await until('the modem dials', () => dialled(since2).length > 0, { timeoutMs: 5000 });
    expect(dialled(since2)).toEqual(['ATD0,13600003333;']);
    expect((await daemon.api('POST', `/calls/${ringing.body.callId}/hangup`)).status).toBe(202);
    const cancelled = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.body.callId, 10_000);
    expect(cancelled.data.disposition).toBe('cancelled');
    await lineIdle();
    expect(sim.simulator.status().offHook).toBe(false);
  });

  it('refuses do-not-call numbers and bad input before the modem dials', async () => {
    expect((await daemon.api('POST', '/blacklist', { number: '13900009999', direction: 'outbound', reason: 'asked not to be called' })).status).toBe(201);
    const since = Date.now();
    const dnc = await daemon.api<{ error: { code: string; details: { field: string } } }>('POST', '/calls', { number: '139 0000 9999' });
    expect(dnc.status).toBe(409);
    expect(dnc.body.error.details.field).toBe('body.number');
    const bad = await daemon.api<{ error: { message: string } }>('POST', '/calls', { number: 'call me' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.number');
    const noLine = await daemon.api<{ error: { message: string } }>('POST', '/calls', { number: '13600001111', lineId: 'nowhere' });
    expect(noLine.status).toBe(400);
    expect(noLine.body.error.message).toContain('body.lineId');
    const noAgent = await daemon.api<{ error: { message: string } }>('POST', '/calls', { number: '13600001111', agentId: 'nobody' });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.error.message).toContain('body.agentId');
    expect(dialled(since)).toEqual([]);
  });

  it('a device pulled during the call closes it as failed with its recording; the line comes back', async () => {
    const since = Date.now();
    sim.simulator.answerOutbound({ delayMs: 200 });
    const res = await daemon.api<{ callId: string }>('POST', '/calls', { number: '13600004444' });
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === res.body.callId);
    await sim.simulator.sendAudio(Buffer.alloc(4000 * 2, 0x10));
    await sim.simulator.disappear();
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === res.body.callId);
    expect(ended.data.disposition).toBe('failed');
    await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === res.body.callId);
    await sim.simulator.reappear();
    await events.waitFor((e) => e.type === 'line.state' && Date.parse(e.at) >= since && e.data.state === 'idle', 40_000);
    await lineIdle();
  });
});
