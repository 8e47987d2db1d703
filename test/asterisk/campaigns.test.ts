/**
 * The dialer on a real Asterisk: four agents on the lab's seats (their
 * phones answer and stay up: nailed up for the campaign), the lab's carrier
 * answering as scripted callees (test/helpers/callees.ts: people, answering
 * machines, busy, no answer, congestion, people who press a key). Every
 * mode end to end; every attempt accounted for; do-not-call checked at dial
 * time; pause stops new dials at once; a daemon killed mid-campaign resumes
 * without calling anyone twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_HOUR } from '../helpers/campaign.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { callee } from '../helpers/callees.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { surveyFlow } from '../helpers/flows.ts';

interface Attempt { number: string; outcome: string | null; abandoned: boolean; agentId: string | null; liveAt: string | null; connectedAt: string | null; answeredAt: string | null; amd: string | null; result: Record<string, unknown> | null; skipReason: string | null; callId: string | null }
interface Stats { state: string; numbers: { total: number; pending: number; dialing: number; done: number }; outcomes: Record<string, number>; callsUp: number; abandon: { day: { liveAnswered: number; abandoned: number } }; pacing: { mode: string; reason: string; decisionMs: number } | null }

const AGENTS = ['ag1', 'ag2', 'ag3', 'ag4'];
const SEATS = [109, 110, 111, 112];
const ONE_TRY = { busy: { delayS: 0, maxAttempts: 1 }, 'no-answer': { delayS: 0, maxAttempts: 1 }, machine: { delayS: 0, maxAttempts: 1 }, failed: { delayS: 0, maxAttempts: 1 }, abandoned: { delayS: 0, maxAttempts: 1 } };

describe(`campaigns on the Asterisk lab, ${testDbKind()}`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let config: Record<string, unknown>;
  const api = <T>(m: string, p: string, b?: unknown) => daemon.api<T>(m, p, b);
  const attempts = async (id: string) => (await api<{ items: Attempt[] }>('GET', `/campaigns/${id}/attempts?limit=500`)).body.items;
  const stats = async (id: string) => (await api<Stats>('GET', `/campaigns/${id}/stats`)).body;
  const create = async (body: Record<string, unknown>, numbers: string[]) => {
    const c = await api<{ id: string }>('POST', '/campaigns', body);
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const n = await api<{ inserted: number }>('POST', `/campaigns/${c.body.id}/numbers`, { numbers: numbers.map((number) => ({ number })) });
    expect(n.body.inserted).toBe(numbers.length);
    return c.body.id;
  };
  const finished = (id: string, ms: number) => until(`campaign ${id} finished`, async () => (await stats(id)).state === 'finished', { timeoutMs: ms, detail: async () => JSON.stringify(await stats(id)) });

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    config = labDaemonConfig(lab, { channels: 8, flow: 'main' }, { seats: SEATS.map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })), console: { wrapUpS: 1 } });
    daemon = await startDaemonProcess({ databaseUrl: db.url, config });
    for (const ext of SEATS) await lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: 'answer' });
    await waitForLineIdle(daemon, 'trunk1');
    for (const [i, id] of AGENTS.entries()) {
      expect((await api('POST', '/agents', { id, name: id })).status).toBe(201);
      expect((await api('POST', `/agents/${id}/state`, { state: 'ready', seatId: `seat-${SEATS[i]}` })).status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
  });

  it('progressive: every kind of callee ends as it should, people reach an agent at once, machines are told apart', async () => {
    const people = Array.from({ length: 8 }, (_, i) => callee('human', { ringS: 1 + (i % 3), talkS: 2, n: i }));
    const machines = Array.from({ length: 3 }, (_, i) => callee('machine', { ringS: 1, talkS: 1, n: i }));
    const busy = [callee('busy', { n: 1 }), callee('busy', { n: 2 })];
    const noAnswer = [callee('no-answer', { n: 1 })];
    const congestion = [callee('congestion', { n: 1 })];
    const id = await create({ name: 'Lab progressive', mode: 'progressive', settings: { window: ANY_HOUR, agents: AGENTS, maxLines: 6, ringTimeoutS: 15, retry: ONE_TRY, amd: { enabled: true, onMachine: 'hangup' } } },
      [...people, ...machines, ...busy, ...noAnswer, ...congestion]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await finished(id, 180_000);
    const all = await attempts(id);
    const by = (n: string) => all.find((a) => a.number === `+86${n}`)!;
    expect(all).toHaveLength(15);
    for (const n of people) {
      expect(by(n), n).toMatchObject({ outcome: 'connected', abandoned: false, amd: 'human' });
      expect(AGENTS).toContain(by(n).agentId);
      expect(Date.parse(by(n).connectedAt!) - Date.parse(by(n).liveAt!)).toBeLessThan(2000);
    }
    for (const n of machines) expect(by(n), n).toMatchObject({ outcome: 'machine', liveAt: null });
    for (const n of busy) expect(by(n).outcome, n).toBe('busy');
    expect(by(noAnswer[0]!).outcome).toBe('no-answer');
    expect(by(congestion[0]!).outcome).toBe('failed');
    const s = await stats(id);
    expect(s.numbers).toMatchObject({ total: 15, pending: 0, dialing: 0, done: 15 });
    expect(s.abandon.day).toEqual({ liveAnswered: 8, abandoned: 0, rate: 0 });
    // one call record per attempt, closed with its disposition
    const call = (await api<{ direction: string; disposition: string; agentId: string }>('GET', `/calls/${by(people[0]!).callId}`)).body;
    expect(call).toMatchObject({ direction: 'outbound', disposition: 'completed', agentId: by(people[0]!).agentId });
  }, 200_000);

  it('predictive: never more calls up than lines, abandonment within the cap, every attempt accounted for', async () => {
    const numbers = Array.from({ length: 24 }, (_, i) => (i % 4 === 3 ? callee('busy', { ringS: 2, n: 10 + i }) : callee('human', { ringS: 2 + (i % 5), talkS: 2 + (i % 3), n: 10 + i })));
    const id = await create({ name: 'Lab predictive', mode: 'predictive', settings: { window: ANY_HOUR, agents: AGENTS, maxLines: 8, ringTimeoutS: 15, retry: ONE_TRY } }, numbers);
    const events = await eventClient(daemon.url);
    let most = 0;
    const reasons = new Set<string>();
    const unwatch = setInterval(() => { void stats(id).then((s) => { most = Math.max(most, s.callsUp); if (s.pacing) reasons.add(s.pacing.reason); }); }, 200);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await events.waitFor((e) => e.type === 'campaign.update' && e.data.campaignId === id, 10_000);
    await finished(id, 180_000);
    clearInterval(unwatch);
    events.close();
    const all = await attempts(id);
    expect(all).toHaveLength(24);
    expect(all.every((a) => a.outcome !== null)).toBe(true);
    expect(most).toBeLessThanOrEqual(8);
    const s = await stats(id);
    expect(s.abandon.day.abandoned / Math.max(1, s.abandon.day.liveAnswered)).toBeLessThanOrEqual(0.03);
    expect(s.outcomes.connected! + (s.outcomes.abandoned ?? 0)).toBe(18);
    expect(s.outcomes.busy).toBe(6);
    // a new campaign with fewer than 34 live answers cannot afford one abandon under a 3 % cap: it paces one call per ready agent
    expect([...reasons]).toContain('one more abandon would put 24 h at the 3.0 % cap: progressive');
    expect(s.abandon.day.abandoned).toBe(0);
  }, 200_000);

  it('broadcast: the message plays, a key opts the callee out (do-not-call at once), results kept per attempt', async () => {
    const listeners = Array.from({ length: 4 }, (_, i) => callee('human', { ringS: 1, talkS: 6, n: 40 + i }));
    const optOut = callee('keypress', { ringS: 1, digit: '9', talkS: 2, n: 50 });
    const id = await create({ name: 'Lab broadcast', mode: 'broadcast', settings: { window: ANY_HOUR, message: 'This is a test message from the lab.', keys: { optOut: '9' }, maxLines: 4, retry: ONE_TRY } },
      [...listeners, optOut]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await finished(id, 120_000);
    const all = await attempts(id);
    expect(all.find((a) => a.number === `+86${optOut}`)).toMatchObject({ outcome: 'connected', result: { optOut: true, key: '9' } });
    for (const n of listeners) expect(all.find((a) => a.number === `+86${n}`)?.outcome).toBe('connected');
    const check = (await api<{ blocked: boolean }>('GET', `/blacklist/check?number=${optOut}&direction=outbound`)).body;
    expect(check.blocked).toBe(true);
  }, 150_000);

  it('broadcast with a flow\'s survey node: the callee presses 4, stored on the call and the customer the number matches', async () => {
    const csat = surveyFlow({ id: 'csat', name: 'Delivery survey', question: 'Please rate your delivery. Press 1 to 5.' });
    expect((await api('POST', '/ivr/flows', csat)).status).toBe(201);
    const rater = callee('keypress', { ringS: 1, digit: '4', talkS: 5, n: 55 });
    const customer = await api<{ id: string }>('POST', '/customers', { name: '钱进', phones: [{ number: rater }] });
    expect(customer.status).toBe(201);
    const id = await create({ name: 'Lab survey', mode: 'broadcast', settings: { window: ANY_HOUR, flowId: 'csat', maxLines: 1, retry: ONE_TRY } }, [rater]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await finished(id, 60_000);
    const [a] = await attempts(id);
    expect(a).toMatchObject({ outcome: 'connected', result: { flow: 'csat', survey: 4 } });
    const items = (await api<{ items: Array<{ kind: string; refId: string; data: Record<string, unknown> }> }>('GET', `/customers/${customer.body.id}/interactions`)).body.items;
    expect(items.filter((i) => i.kind === 'survey')).toEqual([expect.objectContaining({ refId: a!.callId, data: { callId: a!.callId, score: 4, agentId: null } })]);
  }, 90_000);

  it('preview: the agent sees the record, dials it, and talks to the callee', async () => {
    const n = callee('human', { ringS: 1, talkS: 3, n: 60 });
    const id = await create({ name: 'Lab preview', mode: 'preview', settings: { window: ANY_HOUR, agents: ['ag1'] } }, [n]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    const shown = await api<{ number: { id: string; number: string } | null }>('POST', `/campaigns/${id}/preview`, { agentId: 'ag1' });
    expect(shown.body.number?.number).toBe(`+86${n}`);
    const dialled = await api<{ attemptId: string }>('POST', `/campaigns/${id}/preview/${shown.body.number!.id}/dial`, { agentId: 'ag1' });
    expect(dialled.status).toBe(200);
    await until('preview call connected and over', async () => (await attempts(id))[0]?.outcome === 'connected', { timeoutMs: 60_000, detail: async () => `${JSON.stringify(await attempts(id))}\n${daemon.output().split('\n').filter((l) => /dialer|campaign|error|warn/i.test(l)).slice(-30).join('\n')}` });
    expect((await attempts(id))[0]).toMatchObject({ agentId: 'ag1', abandoned: false });
  }, 90_000);

  it('do-not-call mid-campaign, pause at once, and a daemon killed mid-campaign resumes without calling anyone twice', async () => {
    const numbers = Array.from({ length: 12 }, (_, i) => callee('human', { ringS: 3, talkS: 3, n: 70 + i }));
    const id = await create({ name: 'Lab resume', mode: 'progressive', settings: { window: ANY_HOUR, agents: AGENTS, maxLines: 4, retry: ONE_TRY } }, numbers);
    const blocked = numbers[11]!;
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    expect((await api('POST', '/blacklist', { number: blocked, direction: 'outbound', reason: 'asked mid-campaign' })).status).toBe(201);
    await until('a first call done', async () => (await attempts(id)).some((a) => a.outcome === 'connected'), { timeoutMs: 60_000 });
    // pause: no new attempt from now on
    expect((await api('POST', `/campaigns/${id}/pause`)).status).toBe(200);
    const atPause = (await attempts(id)).length;
    await until('calls up at the pause are over', async () => (await stats(id)).callsUp === 0, { timeoutMs: 60_000 });
    expect((await attempts(id)).length).toBe(atPause);
    // start again, then kill the daemon while calls are up
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await until('calls up again', async () => (await stats(id)).callsUp > 0, { timeoutMs: 30_000 });
    await daemon.stop('SIGKILL');
    daemon = await startDaemonProcess({ databaseUrl: db.url, config, dataDir: daemon.dataDir });
    for (const a of AGENTS) await api('POST', `/agents/${a}/state`, { state: 'ready' });
    await finished(id, 180_000);
    const all = await attempts(id);
    const skipped = all.filter((a) => a.number === `+86${blocked}`);
    expect(skipped.every((a) => a.outcome === 'skipped')).toBe(true);
    // nobody who answered was called twice
    const answered = new Map<string, number>();
    for (const a of all) if (a.answeredAt) answered.set(a.number, (answered.get(a.number) ?? 0) + 1);
    expect([...answered.values()].every((c) => c === 1)).toBe(true);
    expect(all.filter((a) => a.outcome === 'interrupted').length).toBeGreaterThan(0);
  }, 300_000);
});
