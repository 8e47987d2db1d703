/**
 * Click-to-dial on a modem that reports no call progress (OK at once, no
 * VCON, no DLE codes): the daemon tells the outcome by what the line hears.
 * The daemon as a process, the simulator's far end playing scripted audio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startModemOffice, type ModemOffice } from '../helpers/modem-office.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

describe(`click-to-dial by ear on a modem without call-progress reports (${testDbKind()})`, () => {
  let office: ModemOffice;
  let sim: ModemOffice['sim'];
  let daemon: DaemonProcess;
  let events: ModemOffice['events'];

  beforeAll(async () => {
    office = await startModemOffice({ dialect: 'no-progress' });
    ({ sim, daemon, events } = office);
  });

  afterAll(async () => { await office?.close(); });

  it('colour ring-back music, then a voicemail greeting: answered, and the history says a machine answered', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '13512345678' }] });
    sim.simulator.scriptNumber('13512345678', { outcome: 'answer', farEnd: { kind: 'crbt-machine', ringMs: 3000, seed: 5 } });
    const res = await daemon.api<{ callId: string }>('POST', '/calls', { number: '135 1234 5678' });
    expect(res.status).toBe(202);
    const callId = res.body.callId;
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    expect((await daemon.api('POST', `/calls/${callId}/hangup`)).status).toBe(202);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId);
    expect(ended.data.disposition).toBe('completed');
    const hist = await daemon.api<{ items: Array<{ kind: string; refId: string; data: Record<string, unknown> }> }>('GET', `/customers/${customer.body.id}/interactions`);
    expect(hist.body.items).toContainEqual(expect.objectContaining({ kind: 'call', refId: callId, data: expect.objectContaining({ heard: 'answered-machine' }) }));
    await waitForLineIdle(daemon, 'office');
  });

  it('a Chinese busy tone: disposition busy, the line idle again', async () => {
    sim.simulator.scriptNumber('01088889999', { outcome: 'busy', farEnd: { kind: 'busy', country: 'CN', totalMs: 30_000, seed: 6 } });
    const res = await daemon.api<{ callId: string }>('POST', '/calls', { number: '010-8888-9999' });
    expect(res.status).toBe(202);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === res.body.callId, 30_000);
    expect(ended.data.disposition).toBe('busy');
    await waitForLineIdle(daemon, 'office');
    expect(sim.simulator.status().offHook).toBe(false);
  });
});
