/**
 * What a waiting caller gets on a real Asterisk: periodic announcements of
 * their place and estimated wait (from the queue's handle times), an exit
 * key, overflow to voicemail (the caller's message recorded), to another
 * queue and to a flow; and the IVR `handset` node ringing seats. Every leg
 * is in the call record; Asterisk's own AMI shows the music stopping for an
 * announcement and resuming after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { decodeWav } from '../../src/media/wav.ts';
import { AmiClient } from '../../drivers/asterisk/ami-client.ts';

interface Call { disposition: string | null; queueId: string | null; agentId: string | null; ivrPath: Array<{ node: string; type: string; digits?: string }>; legs: LegOut[] }

const FLOW = {
  id: 'front', name: 'Front desk', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Choose.', voice: 'en-us' }, options: { 1: 'help', 2: 'sales', 3: 'late', 4: 'office', 5: 'office-quiet' }, timeoutMs: 8000, retries: 1 },
    help: { type: 'queue', queue: 'help', fallback: 'bye' },
    sales: { type: 'queue', queue: 'sales', fallback: 'bye' },
    late: { type: 'queue', queue: 'late', fallback: 'bye' },
    office: { type: 'handset', seats: ['seat-104'], ringS: 10, fallback: 'bye' },
    'office-quiet': { type: 'handset', seats: ['seat-104'], ringS: 5, fallback: 'sorry' },
    sorry: { type: 'play', prompt: { text: 'Nobody is in the office.', voice: 'en-us' }, next: 'bye' },
    bye: { type: 'hangup' },
  },
};
const CLOSED = { id: 'closed-msg', name: 'Closed', entry: 'closed', nodes: { closed: { type: 'play', prompt: { text: 'We are closed now.', voice: 'en-us' }, next: 'end' }, end: { type: 'hangup' } } };

describe(`queue announcements, exit key, overflow and the handset node on Asterisk, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  /** The pbx's own AMI: music-on-hold starts and stops per channel, as Asterisk reports them. */
  let pbxAmi: AmiClient;
  const moh: Array<{ event: string; uniqueid: string }> = [];
  const phone = (ext: string, how: 'answer' | 'noanswer') => lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: how });
  const call = (id: string) => settledCall<Call>(daemon, id);
  const queue = async (id: string) => (await daemon.api<{ items: Array<{ queueId: string; overflowed: number; exited: number; answered: number }> }>('GET', '/queues')).body.items.find((q) => q.queueId === id)!;
  /** The carrier calls in and presses `dtmf` (W = a one second pause). */
  const dial = async (number: string, dtmf: string, o: { holdS?: number; say?: string } = {}) => {
    const since = new Date().toISOString();
    await lab.call({ number, dtmf, preWaitS: 2, holdS: o.holdS ?? 10, ...(o.say ? { say: o.say } : {}) });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since && e.data.number === `+86${number}`);
    return ringing.data.callId as string;
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, { seats: [101, 102, 103, 104].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })) }),
    });
    events = await eventClient(daemon.url);
    const e = lab.env;
    pbxAmi = new AmiClient({ host: '127.0.0.1', port: Number(e.KEFU_LAB_PBX_AMI_PORT), username: e.KEFU_LAB_PBX_AMI_USER!, secret: e.KEFU_LAB_PBX_AMI_SECRET! });
    await pbxAmi.connect();
    await pbxAmi.action('Events', { EventMask: 'call' }); // our client logs in with events off
    pbxAmi.on((m) => { if (m.Event === 'MusicOnHoldStart' || m.Event === 'MusicOnHoldStop') moh.push({ event: m.Event, uniqueid: m.Uniqueid ?? '' }); });
    for (const [id, name] of [['ann', 'Ann'], ['ben', 'Ben']]) expect((await daemon.api('POST', '/agents', { id, name })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', CLOSED)).status).toBe(201);
    const q = (id: string, members: string[], settings: Record<string, unknown>) => daemon.api('POST', '/queues', { id, name: id, strategy: 'longest-idle', members, settings });
    expect((await q('help', ['ann'], { ringTimeoutS: 5, maxWaitS: 90, wrapUpS: 2, maxMissed: 50, announceEveryS: 5, exitKey: '*', overflow: { type: 'voicemail', maxS: 8, prompt: { text: 'Leave a message.' } } })).status).toBe(201);
    expect((await q('backup', ['ben'], { ringTimeoutS: 5, maxWaitS: 30, wrapUpS: 1 })).status).toBe(201);
    expect((await q('sales', [], { maxWaitS: 3, overflow: { type: 'queue', queueId: 'backup' } })).status).toBe(201);
    expect((await q('late', [], { maxWaitS: 3, overflow: { type: 'flow', flowId: 'closed-msg' } })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await pbxAmi?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('queue settings are validated with the field named', async () => {
    const bad = async (settings: Record<string, unknown>) => (await daemon.api<{ error: { message: string } }>('POST', '/queues', { id: 'bad', name: 'Bad', strategy: 'ring-all', settings }));
    const unknownQueue = await bad({ overflow: { type: 'queue', queueId: 'nowhere' } });
    expect(unknownQueue.status).toBe(400);
    expect(unknownQueue.body.error.message).toContain('body.settings.overflow.queueId');
    expect((await bad({ overflow: { type: 'queue', queueId: 'bad' } })).body.error.message).toContain('cannot overflow into itself');
    expect((await bad({ overflow: { type: 'flow', flowId: 'nope' } })).body.error.message).toContain('body.settings.overflow.flowId');
    const key = await bad({ exitKey: 'x' });
    expect(key.status).toBe(400);
    expect(key.body.error.message).toContain('body.settings.exitKey');
    expect((await bad({ announceEveryS: 1 })).body.error.message).toContain('body.settings.announceEveryS');
  });

  let handledMs = 0;
  it('a handled call: caller and agent legs in the record, the handle time counts for the estimate', async () => {
    await phone('101', 'answer');
    await daemon.api('POST', '/agents/ann/state', { state: 'ready', seatId: 'seat-101' });
    const id = await dial('13800000001', '1', { holdS: 6 });
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000);
    expect(ended.data.disposition).toBe('completed');
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'ann' && e.data.state === 'ready', 10_000);
    const c = await call(id);
    expect(c.legs.map((l) => l.kind)).toEqual(['caller', 'agent']);
    const agent = c.legs[1]!;
    expect(agent).toMatchObject({ seatId: 'seat-101', agentId: 'ann', endCause: 'normal' });
    expect(c.legs.every((l) => l.answeredAt && l.endedAt), JSON.stringify(c.legs)).toBe(true);
    handledMs = Date.parse(agent.endedAt!) - Date.parse(agent.answeredAt!);
    expect(handledMs).toBeGreaterThan(1000);
  });

  it('waiting: position and estimated wait announced, then the exit key leads to voicemail; the message is recorded', async () => {
    await phone('101', 'noanswer');
    const id = await dial('13800000002', `1${'W'.repeat(16)}*`, { say: 'demo-congrats', holdS: 8 });
    const ann = await events.waitFor((e) => e.type === 'queue.announcement' && e.data.callId === id, 30_000);
    expect(ann.data).toMatchObject({ queueId: 'help', position: 1 });
    // one handled call, one agent staffed (ringing), wrap-up 2 s: EWT = 1 × (handle time + 2 s) / 1
    expect(Math.abs((ann.data.estimatedWaitS as number) - Math.ceil((handledMs + 2000) / 1000)), JSON.stringify({ ann: ann.data, handledMs })).toBeLessThanOrEqual(1);
    expect(ann.data.text).toContain('You are number 1 in the queue.');
    expect(ann.data.text).toContain('To leave a message, press star.');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 60_000);
    expect(ended.data.disposition, `${JSON.stringify(await call(id))}\n${daemon.output().split('\n').filter((l) => l.includes(id) || /"level":[45]0/.test(l)).slice(-15).join('\n')}`).toBe('voicemail');
    const rec = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === id && (e.data.durationMs as number) < 20_000 && (e.data.durationMs as number) > 1000, 10_000);
    const c = await call(id);
    expect(c.ivrPath.find((s) => s.type === 'queue-exit')).toMatchObject({ node: 'help', digits: '*' });
    // music on hold while waiting, stopped for the announcement, resumed after it, stopped for the voicemail
    const callerChannel = c.legs.find((l) => l.kind === 'caller')!.channelId;
    expect(moh.filter((m) => m.uniqueid === callerChannel).map((m) => m.event).slice(0, 4))
      .toEqual(['MusicOnHoldStart', 'MusicOnHoldStop', 'MusicOnHoldStart', 'MusicOnHoldStop']);
    expect(c.ivrPath.at(-1)).toMatchObject({ node: 'voicemail', type: 'voicemail' });
    const recs = await daemon.api<{ items: Array<{ id: string; durationMs: number }> }>('GET', `/recordings?callId=${id}`);
    expect(recs.body.items.map((r) => r.id)).toContain(rec.data.recordingId);
    // the message holds what the caller played (demo-congrats), not silence
    const { pcm } = decodeWav((await daemon.api('GET', `/recordings/${rec.data.recordingId as string}/audio`)).raw);
    let loud = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > 1000) loud++;
    expect(loud / (pcm.length / 2)).toBeGreaterThan(0.05);
    const offered = c.legs.filter((l) => l.kind === 'agent');
    expect(offered.length).toBeGreaterThanOrEqual(1);
    expect(offered.every((l) => l.answeredAt === null && l.endedAt !== null && l.agentId === 'ann')).toBe(true);
    expect(await queue('help')).toMatchObject({ exited: 1, overflowed: 0 });
    await daemon.api('POST', '/agents/ann/state', { state: 'logged-out' });
  });

  it('wait limit: overflow into another queue, where an agent answers', async () => {
    await phone('102', 'answer');
    await daemon.api('POST', '/agents/ben/state', { state: 'ready', seatId: 'seat-102' });
    const id = await dial('13800000003', '2', { holdS: 12 });
    await events.waitFor((e) => e.type === 'agent.state' && e.data.agentId === 'ben' && e.data.state === 'on-call', 30_000);
    lab.cli('pbx', 'channel request hangup all');
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000)).data.disposition).toBe('completed');
    const c = await call(id);
    expect(c).toMatchObject({ queueId: 'backup', agentId: 'ben' });
    expect(c.ivrPath.find((s) => s.type === 'queue-timeout')).toMatchObject({ node: 'sales' });
    expect(c.legs.filter((l) => l.kind === 'agent').map((l) => l.agentId)).toEqual(['ben']);
    expect((await queue('sales')).overflowed).toBe(1);
    expect((await queue('backup')).answered).toBe(1);
  });

  it('wait limit: overflow into a flow', async () => {
    const id = await dial('13800000004', '3', { holdS: 15 });
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000);
    expect(ended.data.disposition).toBe('completed');
    const c = await call(id);
    expect(c.ivrPath.map((s) => s.node)).toEqual(['menu', 'late', 'late', 'closed', 'end']);
    expect(c.ivrPath[2]).toMatchObject({ type: 'queue-timeout' });
    expect((await queue('late')).overflowed).toBe(1);
  });

  it('handset node: the seat rings and the caller is connected to it; nobody there: the fallback', async () => {
    await phone('104', 'answer');
    const id = await dial('13800000005', '4', { holdS: 15 });
    const answered = async () => (await daemon.api<Call>('GET', `/calls/${id}`)).body.legs?.some((l) => l.kind === 'agent' && l.answeredAt);
    await until('the seat answered', answered, { timeoutMs: 20_000 });
    expect((await daemon.api<{ state: string }>('GET', '/calls/active')).status).toBe(200);
    lab.cli('pbx', 'channel request hangup all');
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === id, 30_000)).data.disposition).toBe('completed');
    const c = await call(id);
    expect(c.ivrPath.map((s) => s.node)).toEqual(['menu', 'office']);
    expect(c.legs.map((l) => [l.kind, l.seatId])).toEqual([['caller', null], ['agent', 'seat-104']]);
    expect(c.legs[1]!.answeredAt).not.toBeNull();

    await phone('104', 'noanswer');
    const quiet = await dial('13800000006', '5', { holdS: 15 });
    expect((await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === quiet, 30_000)).data.disposition).toBe('completed');
    const q = await call(quiet);
    expect(q.ivrPath.map((s) => s.node)).toEqual(['menu', 'office-quiet', 'sorry', 'bye']);
    expect(q.legs[1]).toMatchObject({ kind: 'agent', seatId: 'seat-104', answeredAt: null });
    expect(['no-answer', 'cancelled']).toContain(q.legs[1]!.endCause);
  });
});
