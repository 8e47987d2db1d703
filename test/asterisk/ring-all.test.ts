/**
 * A ring-all queue on a real Asterisk with the default maxMissed (3): when one
 * agent answers, kefu stops the others' rings, and when the caller hangs up
 * while phones ring, kefu stops them all. Neither is a missed call: nobody is
 * paused for "missed-calls". And the queue's figures for today come from the
 * call records, so a daemon restart does not start them from zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';

const FLOW = {
  id: 'ring-all', name: 'Everyone rings', entry: 'q',
  nodes: { q: { type: 'queue', queue: 'all', fallback: 'bye' }, bye: { type: 'hangup' } },
};
const SEATS = [101, 102, 103].map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` }));
const AGENTS = [['alice', 'seat-101'], ['bob', 'seat-102'], ['carol', 'seat-103']] as const;

interface AgentOut { id: string; state: string; reason: string | null; missedInARow: number }
interface QueueOut { queueId: string; answered: number; abandoned: number; serviceLevel: number | null }

describe(`ring-all queue on Asterisk, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const phone = (ext: string, how: 'answer' | 'noanswer') => lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: how });
  const start = async (dataDir?: string) => {
    daemon = await startDaemonProcess({ databaseUrl: db.url, ...(dataDir ? { dataDir } : {}), config: labDaemonConfig(lab, { channels: 4, flow: FLOW.id }, { seats: SEATS }) });
    events = await eventClient(daemon.url);
    await waitForLineIdle(daemon, 'trunk1');
  };
  const agents = async () => (await daemon.api<{ items: AgentOut[] }>('GET', '/agents')).body.items;
  const queue = async () => (await daemon.api<{ items: QueueOut[] }>('GET', '/queues')).body.items.find((q) => q.queueId === 'all')!;
  /** Every agent ready again (wrap-up is 1 s), polled with a deadline. */
  const allReady = async () => {
    let list: AgentOut[] = [];
    return until('every agent ready', async () => { list = await agents(); return list.every((a) => a.state === 'ready') ? list : null; }, { timeoutMs: 20_000, detail: () => JSON.stringify(list) });
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    await start();
    for (const [id] of AGENTS) expect((await daemon.api('POST', '/agents', { id, name: id })).status).toBe(201);
    // maxMissed left at its default (3): the setting that made every agent but the fastest pause
    expect((await daemon.api('POST', '/queues', { id: 'all', name: 'All', strategy: 'ring-all', members: AGENTS.map(([id]) => id), settings: { ringTimeoutS: 20, maxWaitS: 60, wrapUpS: 1 } })).status).toBe(201);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    for (const [id, seat] of AGENTS) expect((await daemon.api('POST', `/agents/${id}/state`, { state: 'ready', seatId: seat })).status).toBe(200);
  });
  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('one agent answers, the others\' rings stop: no miss for them, three calls in a row', async () => {
    await phone('101', 'answer');
    await phone('102', 'noanswer');
    await phone('103', 'noanswer');
    for (let n = 0; n < 3; n++) {
      const since = new Date().toISOString();
      await lab.call({ number: `1380013800${n}`, preWaitS: 1, holdS: 6 });
      const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
      // bob and carol really rang before alice took it
      for (const id of ['bob', 'carol']) await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === id && e.data.state === 'ringing', 20_000);
      await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === 'alice' && e.data.state === 'on-call', 20_000);
      const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 30_000);
      expect(ended.data.disposition).toBe('completed');
      const list = await allReady();
      for (const id of ['bob', 'carol']) expect(list.find((a) => a.id === id)).toMatchObject({ state: 'ready', missedInARow: 0 });
    }
    expect(events.events.some((e) => e.type === 'agent.state' && e.data.reason === 'missed-calls')).toBe(false);
  });

  it('the caller hangs up while every phone rings: no miss for anyone', async () => {
    for (const ext of ['101', '102', '103']) await phone(ext, 'noanswer');
    const since = new Date().toISOString();
    await lab.call({ number: '13900139000', preWaitS: 1, holdS: 7 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.at >= since);
    for (const id of ['alice', 'bob', 'carol']) await events.waitFor((e) => e.type === 'agent.state' && e.at >= since && e.data.agentId === id && e.data.state === 'ringing', 20_000);
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 30_000);
    expect(ended.data.disposition).toBe('abandoned');
    const list = await allReady();
    expect(list.map((a) => a.missedInARow)).toEqual([0, 0, 0]);
  });

  it('today\'s queue figures survive a daemon restart (rebuilt from the call records)', async () => {
    const before = await queue();
    expect(before).toMatchObject({ answered: 3, abandoned: 1 });
    const dataDir = daemon.dataDir;
    events.close();
    await daemon.stop();
    await start(dataDir);
    const after = await queue();
    expect(after).toMatchObject({ answered: before.answered, abandoned: before.abandoned, serviceLevel: before.serviceLevel });
  });
});
