/** blacklist.inboundAction: message — the caller hears the message and is hung up on; the IVR never runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

describe(`blacklisted caller with a message on ${testDbKind()}`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'usr' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: {
        blacklist: { inboundAction: 'message', message: 'We cannot take your call.' },
        lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: 'main', answerAfterRings: 2 } }],
      },
    });
    await waitForLineIdle(daemon, 'office');
  });
  afterAll(async () => { await daemon?.stop(); await sim?.close(); await db?.drop(); });

  it('plays the message, hangs up, records the call as blocked, and runs no IVR node', async () => {
    expect((await daemon.api('POST', '/blacklist', { prefix: '0755', direction: 'both', reason: 'robocalls' })).status).toBe(201);
    const events = await eventClient(daemon.url);
    const since = Date.now();
    void sim.simulator.ring({ number: '075512345678', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8675512345678');
    expect(ringing.data.blacklisted).toBe(true);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 30_000);
    expect(ended.data.disposition).toBe('blocked');
    const played = sim.simulator.played().filter((p) => p.at >= since);
    expect(played.length).toBe(1);
    expect(played[0]!.durationMs).toBeGreaterThan(800);
    await sim.simulator.waitFor('onhook', { since: played[0]!.at, timeoutMs: 5000 });
    const call = await daemon.api<{ disposition: string; ivrPath: unknown[]; blacklistMatch: { kind: string; value: string } }>('GET', `/calls/${ringing.data.callId as string}`);
    expect(call.body.ivrPath).toEqual([]);
    expect(call.body.blacklistMatch).toMatchObject({ kind: 'prefix', value: '+86755' });
    expect(events.events.some((e) => e.type === 'screenpop' && e.data.callId === ringing.data.callId)).toBe(false);
    events.close();
  });
});
