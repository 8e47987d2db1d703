/**
 * The satisfaction survey on the single line end to end: the daemon as a
 * process, the V.253 modem simulator behind a socat pty pressing the key,
 * the answer stored against the call and in the customer's timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { surveyFlow } from '../helpers/flows.ts';

const FLOW = surveyFlow({ id: 'survey', name: 'Post-call survey', question: 'Please rate our service. Press 1 to 5.', timeoutMs: 6000 });

interface Item { kind: string; refId: string; summary: string; data: Record<string, unknown> }

describe(`satisfaction survey on the modem line (${testDbKind()})`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'conexant' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: FLOW.id, answerAfterRings: 2 } }] },
    });
    events = await eventClient(daemon.url);
    await waitForLineIdle(daemon, 'office');
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
  });

  /**
   * A caller who presses each key once the question is being asked: the first
   * when it is first played, another after a wrong key once "one to five" and
   * then the question were played again (a modem hears no key before it plays
   * or listens, so pressing at the answer would be lost on a slow machine).
   */
  const call = async (number: string, keys: string): Promise<string> => {
    const since = new Date().toISOString();
    let from = Date.now();
    const ringDone = sim.simulator.ring({ number, rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
    const callId = ringing.data.callId as string;
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 20_000);
    for (const [i, key] of [...keys].entries()) {
      if (i > 0) from = (await sim.simulator.waitFor('vtx-start', { since: from, timeoutMs: 20_000 })).at + 1; // "one to five, please"
      await sim.simulator.waitFor('vtx-start', { since: from, timeoutMs: 20_000 });
      from = Date.now();
      await sim.simulator.pressDigits(key);
      await events.waitFor((e) => e.type === 'call.dtmf' && e.data.callId === callId && e.data.digit === key);
    }
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    expect(ended.data.disposition).toBe('completed');
    await ringDone;
    await waitForLineIdle(daemon, 'office');
    return callId;
  };

  it('the caller presses 4: stored on the call and the customer, in the timeline as a survey', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '138 0013 8000' }] });
    const callId = await call('13800138000', '4');
    const timeline = await until('the survey in the timeline', async () => {
      const items = (await daemon.api<{ items: Item[] }>('GET', `/customers/${customer.body.id}/interactions`)).body.items;
      return items.find((i) => i.kind === 'survey') ? items : null;
    });
    expect(timeline.find((i) => i.kind === 'survey')).toMatchObject({ refId: callId, summary: 'satisfaction 4/5', data: { callId, score: 4, agentId: null } });
    const rec = (await daemon.api<{ ivrPath: Array<{ node: string; digits?: string }> }>('GET', `/calls/${callId}`)).body;
    expect(rec.ivrPath.map((p) => `${p.node}:${p.digits ?? ''}`)).toEqual(['rate:4', 'bye:']);
  });

  it('a key outside 1-5 is asked again; the second answer counts', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '李雷', phones: [{ number: '139 0013 9000' }] });
    const callId = await call('13900139000', '95');
    const survey = await until('the survey', async () =>
      (await daemon.api<{ items: Item[] }>('GET', `/customers/${customer.body.id}/interactions`)).body.items.find((i) => i.kind === 'survey'));
    expect(survey.data).toMatchObject({ callId, score: 5 });
  });

  it('after the agent: the agent takes the call, then sends the caller to the survey; the score is stored against the agent', async () => {
    expect((await daemon.api('POST', '/agents', { id: 'wang', name: '王伟' })).status).toBe(201);
    expect((await daemon.api('POST', '/agents/wang/state', { state: 'ready' })).status).toBe(200);
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '韩梅梅', phones: [{ number: '135 0013 5000' }] });
    const since = new Date().toISOString();
    const rings = sim.simulator.ring({ number: '13500135000', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
    const callId = ringing.data.callId as string;
    expect((await daemon.api('POST', `/calls/${callId}/survey`, {})).status).toBe(409); // not connected yet
    expect((await daemon.api('POST', `/calls/${callId}/claim`, { agentId: 'wang' })).status).toBe(200);
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId);
    await until('the call connected to wang', async () => (await daemon.api<{ agentId: string | null; state: string }>('GET', `/calls/${callId}`)).body.agentId === 'wang');
    expect((await daemon.api('POST', `/calls/${callId}/survey`, { flow: 'nope' })).status).toBe(400);
    const sent = await daemon.api<{ flow: string }>('POST', `/calls/${callId}/survey`, {});
    expect(sent.status).toBe(202);
    expect(sent.body.flow).toBe('survey');
    await sim.simulator.waitFor('vtx-start', { since: Date.now() - 5000, timeoutMs: 20_000 });
    await sim.simulator.pressDigits('3', { gapMs: 200 });
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    expect(ended.data.disposition).toBe('completed');
    const survey = await until('the survey', async () =>
      (await daemon.api<{ items: Item[] }>('GET', `/customers/${customer.body.id}/interactions`)).body.items.find((i) => i.kind === 'survey'));
    expect(survey.data).toMatchObject({ callId, score: 3, agentId: 'wang' });
    await rings;
    await waitForLineIdle(daemon, 'office');
  });
});
