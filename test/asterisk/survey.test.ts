/**
 * The post-call survey on a real Asterisk: a queued caller talks to an agent
 * at a seat; when the agent's leg ends (their phone hangs up, with the
 * queue's surveyFlow; or POST /calls/{id}/survey) the caller is not hung up:
 * their channel runs the survey flow, the key they press is stored against
 * the call, the customer and the agent who took the call. A caller who
 * hangs up during the survey ends the call normally, with no score.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavLayout } from '../../src/media/wav.ts';
import { surveyFlow } from '../helpers/flows.ts';

/** 100 ms frames of what a phone heard (its MixMonitor file, possibly still being written): true where there is sound. */
function soundFrames(path: string): boolean[] {
  if (!existsSync(path)) return [];
  const file = readFileSync(path);
  const pcm = file.subarray(parseWavLayout(file).dataOffset);
  const loud: boolean[] = [];
  for (let off = 0; off + 1600 <= pcm.length; off += 1600) {
    let energy = 0;
    for (let i = 0; i < 800; i++) { const x = pcm.readInt16LE(off + i * 2); energy += x * x; }
    loud.push(Math.sqrt(energy / 800) > 300);
  }
  return loud;
}

/** Frames of silence at the end of what the phone heard so far. */
function trailingQuiet(path: string): number {
  const loud = soundFrames(path);
  const last = loud.lastIndexOf(true);
  return loud.length - 1 - last;
}

/** Frames with sound after the last stretch of two seconds or more of silence: the survey prompt after a silent agent. */
function loudAfterLastGap(path: string): number {
  const loud = soundFrames(path);
  let quiet = 0;
  let gapEnd = -1;
  for (let i = 0; i < loud.length; i++) {
    if (loud[i]) { if (quiet >= 20) gapEnd = i; quiet = 0; } else quiet++;
  }
  return gapEnd < 0 ? 0 : loud.slice(gapEnd).filter(Boolean).length;
}

const SURVEY = surveyFlow({ id: 'survey', name: 'Post-call survey', question: 'Please rate our service. Press 1 to 5.' });
const FRONT = {
  id: 'front', name: 'Front desk', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Choose.', voice: 'en-us' }, options: { 1: 'care', 2: 'plain' }, timeoutMs: 8000, retries: 1 },
    care: { type: 'queue', queue: 'care', fallback: 'bye' },
    plain: { type: 'queue', queue: 'plain', fallback: 'bye' },
    bye: { type: 'hangup' },
  },
};

interface Call { disposition: string | null; agentId: string | null; ivrPath: Array<{ node: string; type: string; digits?: string }>; legs: LegOut[] }
interface Item { kind: string; refId: string; summary: string; data: Record<string, unknown> }

describe(`post-call survey on Asterisk, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;

  /** The carrier's channels (concise: name!context!exten!prio!state!app!data!callerid!...). */
  const carrierChannel = (pick: (f: string[]) => boolean): string | null =>
    lab.cli('carrier', 'core show channels concise').split('\n').map((l) => l.split('!')).find((f) => f.length > 7 && pick(f))?.[0] ?? null;
  /** The agent's phone at seat 101 hangs up. */
  const seatHangsUp = async () => {
    const ch = await until('the agent phone channel', () => carrierChannel((f) => f[1] === 'from-pbx' && f[2] === '101'), { timeoutMs: 5000 });
    await lab.carrier.action('Hangup', { Channel: ch, Cause: 16 });
  };
  /** The caller's own phone (the carrier channel with that caller ID). */
  const callerChannel = (number: string) => until('the caller channel', () => carrierChannel((f) => f[1] === 'caller' && f[7] === number), { timeoutMs: 5000 });
  const active = async (id: string) => (await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', '/calls/active')).body.items.find((c) => c.id === id);
  const timeline = async (customerId: string) => (await daemon.api<{ items: Item[] }>('GET', `/customers/${customerId}/interactions`)).body.items;

  /** The carrier calls in, presses `key` at the menu and stays on the line; resolves once ann talks to them. */
  const connected = async (number: string, key: string, o: { say?: string; recordTo?: string } = {}): Promise<string> => {
    const since = new Date().toISOString();
    await lab.call({ number, dtmf: key, preWaitS: 2, holdS: 60, ...o });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since && e.data.number === `+86${number}`);
    const id = ringing.data.callId as string;
    await until('the call connected to ann', async () => (await active(id))?.state === 'connected', { timeoutMs: 30_000 });
    return id;
  };
  /** The caller is in the survey flow (agent leg gone); they press `key`. */
  const answer = async (id: string, number: string, key: string) => {
    await until('the caller in the survey', async () => (await active(id))?.state === 'ivr', { timeoutMs: 15_000 });
    await lab.carrier.action('PlayDTMF', { Channel: await callerChannel(number), Digit: key, Duration: 250 });
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: labDaemonConfig(lab, { channels: 4, flow: FRONT.id }, { seats: [{ id: 'seat-101', endpoint: 'PJSIP/101' }] }),
    });
    events = await eventClient(daemon.url);
    await lab.carrier.action('Setvar', { Variable: 'AGENT_101', Value: 'answer' });
    expect((await daemon.api('POST', '/agents', { id: 'ann', name: 'Ann' })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', SURVEY)).status).toBe(201);
    const q = (id: string, settings: Record<string, unknown>) => daemon.api<{ error?: { message: string } }>('POST', '/queues', { id, name: id, strategy: 'longest-idle', members: ['ann'], settings });
    const unknown = await q('bad', { surveyFlow: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error!.message).toContain('body.settings.surveyFlow');
    expect((await q('bad', { surveyFlow: 'Not An Id' })).body.error!.message).toContain('surveyFlow');
    expect((await q('care', { ringTimeoutS: 10, maxWaitS: 60, wrapUpS: 1, surveyFlow: 'survey' })).status).toBe(201);
    expect((await q('plain', { ringTimeoutS: 10, maxWaitS: 60, wrapUpS: 1, surveyFlow: null })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', FRONT)).status).toBe(201);
    await waitForLineIdle(daemon, 'trunk1');
    expect((await daemon.api('POST', '/agents/ann/state', { state: 'ready', seatId: 'seat-101' })).status).toBe(200);
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  const annReady = () => events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'ann' && e.data.state === 'ready', 15_000);

  it('a queue with surveyFlow: the seat hangs up, the caller hears the survey and presses 4: stored with the agent', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '138 0000 0041' }] });
    // the agent's phone answers and stays silent: whatever the caller hears after it is the survey
    await lab.carrier.action('Setvar', { Variable: 'AGENT_101', Value: 'quiet' });
    const heard = join(lab.dir, 'caller-a-heard.wav');
    const id = await connected('13800000041', '1', { say: 'silence/10&silence/10&silence/10', recordTo: join(lab.dir, 'caller-a') });
    await until('the caller hears 2.5 s of the silent agent', () => trailingQuiet(heard) >= 25, { timeoutMs: 15_000 });
    expect(loudAfterLastGap(heard)).toBe(0);
    await seatHangsUp();
    const ready = annReady();
    await until('the caller in the survey', async () => (await active(id))?.state === 'ivr', { timeoutMs: 15_000 });
    // the caller hears the prompt (more than a second of it) before pressing a key
    await until('the caller hears the survey prompt', () => loudAfterLastGap(heard) >= 10, { timeoutMs: 15_000 });
    await answer(id, '13800000041', '4');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000);
    expect(ended.data.disposition).toBe('completed');
    await ready; // wrap-up as usual
    const survey = await until('the survey in the timeline', async () => (await timeline(customer.body.id)).find((i) => i.kind === 'survey'));
    expect(survey).toMatchObject({ refId: id, summary: 'satisfaction 4/5', data: { callId: id, score: 4, agentId: 'ann' } });
    const c = await settledCall<Call>(daemon, id);
    expect(c.agentId).toBe('ann');
    expect(c.legs.map((l) => l.kind)).toEqual(['caller', 'agent']);
    const [caller, agent] = c.legs;
    // the agent's leg ended first (their phone hung up); the caller's when the survey flow hung up
    expect(Date.parse(agent!.endedAt!)).toBeLessThan(Date.parse(caller!.endedAt!));
    expect(c.ivrPath.filter((s) => s.node === 'rate')).toEqual([expect.objectContaining({ type: 'survey', digits: '4' })]);
  });

  it('POST /calls/{id}/survey mid-call: the agent\'s leg ends, the caller stays for the survey and presses 5', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '李雷', phones: [{ number: '138 0000 0042' }] });
    await lab.carrier.action('Setvar', { Variable: 'AGENT_101', Value: 'answer' });
    const id = await connected('13800000042', '2');
    expect((await daemon.api('POST', `/calls/${id}/survey`, { flow: 'nope' })).status).toBe(400);
    const ready = annReady();
    const sent = await daemon.api<{ flow: string }>('POST', `/calls/${id}/survey`, {});
    expect(sent.status).toBe(202);
    expect(sent.body.flow).toBe('survey');
    await answer(id, '13800000042', '5');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000);
    expect(ended.data.disposition).toBe('completed');
    await ready;
    const survey = await until('the survey in the timeline', async () => (await timeline(customer.body.id)).find((i) => i.kind === 'survey'));
    expect(survey.data).toMatchObject({ callId: id, score: 5, agentId: 'ann' });
    const c = await settledCall<Call>(daemon, id);
    expect(c.legs.map((l) => [l.kind, l.endedAt !== null])).toEqual([['caller', true], ['agent', true]]);
    // the survey is sent once: the call is over now
    expect((await daemon.api('POST', `/calls/${id}/survey`, {})).status).toBe(404);
  });

  it('the caller hangs up during the survey: the call ends completed, no score, nothing left open', async () => {
    const customer = await daemon.api<{ id: string }>('POST', '/customers', { name: '韩梅梅', phones: [{ number: '138 0000 0043' }] });
    const id = await connected('13800000043', '1');
    const ready = annReady();
    await seatHangsUp();
    await until('the caller in the survey', async () => (await active(id))?.state === 'ivr', { timeoutMs: 15_000 });
    await lab.carrier.action('Hangup', { Channel: await callerChannel('13800000043'), Cause: 16 });
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000);
    expect(ended.data.disposition).toBe('completed');
    await ready;
    const c = await settledCall<Call>(daemon, id);
    expect(c.agentId).toBe('ann');
    expect(c.legs.every((l) => l.endedAt !== null)).toBe(true);
    expect((await timeline(customer.body.id)).filter((i) => i.kind === 'survey')).toEqual([]);
    expect((await timeline(customer.body.id)).filter((i) => i.kind === 'call').map((i) => i.refId)).toEqual([id]);
    await waitForLineIdle(daemon, 'trunk1');
  });
});
