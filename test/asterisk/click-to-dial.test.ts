/**
 * Click-to-dial with more requests than lines on a real Asterisk: seats wait
 * for a line (first come, first served) or are refused, as asked; GET /seats
 * shows who waits; a wait that lasts too long ends as no-line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { callee, labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

interface Dial { callId: string; waiting: boolean; position: number | null }
interface Seats { items: Array<{ id: string; waitingForLine: { callId: string; position: number } | null }>; waitingForLine: number }

describe(`click-to-dial with every line busy, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const dial = (seat: number, number: string, extra: Record<string, unknown> = {}) => daemon.api<Dial & { error: { code: string; message: string; details: { reason: string } } }>('POST', '/calls', { seatId: `seat-${seat}`, number, ...extra });
  const seats = async () => (await daemon.api<Seats>('GET', '/seats')).body;

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: labDaemonConfig(lab, { channels: 2, flow: 'main' }, {
        seats: [105, 106, 107, 108, 109, 111].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })),
        clickToDial: { whenLinesBusy: 'wait', maxWaitS: 12, maxWaiting: 2 },
      }),
    });
    events = await eventClient(daemon.url);
    for (const ext of [105, 106, 107, 108, 109, 111]) await lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: 'answer' });
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('two lines, five requests: two dial, two wait in order, one more is refused; a freed line goes to the first waiting seat', async () => {
    const a = await dial(105, '13800000105');
    const b = await dial(106, '13800000106');
    expect([a.status, a.body.waiting, b.status, b.body.waiting]).toEqual([202, false, 202, false]);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === a.body.callId, 20_000);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === b.body.callId, 20_000);
    expect((await daemon.api<{ activeCalls: number; channels: number }>('GET', '/lines/trunk1')).body).toMatchObject({ activeCalls: 2, channels: 2 });

    const c = await dial(107, '13800000107');
    expect(c.status).toBe(202);
    expect(c.body).toMatchObject({ waiting: true, position: 1 });
    const refused = await dial(108, '13800000108', { ifLinesBusy: 'refuse' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LINE_BUSY');
    expect(refused.body.error.details.reason).toBe('all-lines-busy');
    expect((await dial(107, '13800000177')).status).toBe(409); // that seat waits already
    const d = await dial(109, '13800000109');
    expect(d.body).toMatchObject({ waiting: true, position: 2 });
    const tooMany = await dial(111, '13800000111');
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.details.reason).toBe('too-many-waiting');

    const s = await seats();
    expect(s.waitingForLine).toBe(2);
    expect(s.items.find((x) => x.id === 'seat-107')?.waitingForLine).toMatchObject({ callId: c.body.callId, position: 1 });
    expect(s.items.find((x) => x.id === 'seat-109')?.waitingForLine).toMatchObject({ callId: d.body.callId, position: 2 });
    expect(s.items.find((x) => x.id === 'seat-105')?.waitingForLine).toBeNull();
    expect((await daemon.api<{ state: string }>('GET', `/calls/${c.body.callId}`)).body.state).toBe('waiting-for-line');

    // the first call ends: its line goes to seat-107, seat-109 moves up
    expect((await daemon.api('POST', `/calls/${a.body.callId}/hangup`)).status).toBe(202);
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === a.body.callId, 20_000)).data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === c.body.callId, 20_000);
    expect((await seats()).items.find((x) => x.id === 'seat-109')?.waitingForLine).toMatchObject({ position: 1 });

    // nobody hangs up: seat-109 gives up after clickToDial.maxWaitS
    const gaveUp = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === d.body.callId, 30_000);
    expect(gaveUp.data.disposition).toBe('no-line');
    expect((await seats()).waitingForLine).toBe(0);
    expect((await daemon.api<{ legs: LegOut[] }>('GET', `/calls/${d.body.callId}`)).body.legs).toEqual([]);

    for (const id of [b.body.callId, c.body.callId]) expect((await daemon.api('POST', `/calls/${id}/hangup`)).status).toBe(202);
    const { legs } = await settledCall<{ legs: LegOut[] }>(daemon, c.body.callId);
    expect(legs.map((l) => [l.kind, l.seatId])).toEqual([['agent', 'seat-107'], ['outbound', null]]);
    expect((await daemon.api<{ activeCalls: number }>('GET', '/lines/trunk1')).body.activeCalls).toBe(0);
  });

  it('kefu dials a scripted callee of the carrier by its national digits, written with or without +86: busy ends as busy, congestion as failed', async () => {
    const busy = await dial(105, `+86${callee('busy', { ringS: 0, n: 1 })}`);
    expect(busy.status).toBe(202);
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === busy.body.callId, 20_000)).data.disposition).toBe('busy');
    const failed = await dial(106, callee('congestion', { ringS: 0, n: 2 }));
    expect(failed.status).toBe(202);
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === failed.body.callId, 20_000)).data.disposition).toBe('failed');
  });
});
