/**
 * Campaigns on one modem line (the single-line office): the daemon as a
 * process, the simulated modem of the 'no-progress' dialect on a pty (it
 * reports no call progress: the daemon tells ringback, busy, a person and a
 * machine apart by what the line hears), scripted far ends per number.
 * Predictive is refused; progressive gives a person who answers to the
 * ready agent at the desk; broadcast plays the message and a key opts out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { ANY_HOUR } from '../helpers/campaign.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { surveyFlow } from '../helpers/flows.ts';

interface Attempt { number: string; outcome: string | null; abandoned: boolean; agentId: string | null; liveAt: string | null; connectedAt: string | null; amd: string | null; result: Record<string, unknown> | null; callId: string | null; lineId: string | null }
const ONCE = { delayS: 0, maxAttempts: 1 };
const ONE_TRY = { busy: ONCE, 'no-answer': ONCE, machine: ONCE, failed: ONCE, abandoned: ONCE };

describe(`campaigns on a modem line (${testDbKind()})`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const api = <T>(m: string, p: string, b?: unknown) => daemon.api<T>(m, p, b);
  const attempts = async (id: string) => (await api<{ items: Attempt[] }>('GET', `/campaigns/${id}/attempts?limit=100`)).body.items;
  const state = async (id: string) => (await api<{ state: string }>('GET', `/campaigns/${id}/stats`)).body.state;
  const create = async (body: Record<string, unknown>, numbers: Array<{ number: string; priority: number }>) => {
    const c = await api<{ id: string }>('POST', '/campaigns', body);
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect((await api<{ inserted: number }>('POST', `/campaigns/${c.body.id}/numbers`, { numbers })).body.inserted).toBe(numbers.length);
    return c.body.id;
  };
  const finished = (id: string) => until(`campaign ${id} finished`, async () => (await state(id)) === 'finished', {
    timeoutMs: 90_000, detail: async () => JSON.stringify(await attempts(id)),
  });

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'no-progress' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath }], console: { wrapUpS: 0 } },
    });
    events = await eventClient(daemon.url);
    await waitForLineIdle(daemon, 'office');
    expect((await api('POST', '/agents', { id: 'desk', name: 'Front desk' })).status).toBe(201);
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('predictive is refused on one modem line, saying why; the modes a line can do are accepted', async () => {
    const res = await api<{ error: { code: string; message: string; details: { field: string } } }>('POST', '/campaigns', { name: 'Ahead', mode: 'predictive', settings: { window: ANY_HOUR, agents: ['desk'] } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/predictive dialing needs more lines than agents/);
    expect(res.body.error.details.field).toBe('body.mode');
    for (const mode of ['preview', 'progressive', 'broadcast']) {
      const ok = await api<{ id: string }>('POST', '/campaigns', { name: `Line ${mode}`, mode, settings: { window: ANY_HOUR, agents: ['desk'], message: 'Hello.' } });
      expect(ok.status, mode).toBe(201);
      expect((await api('DELETE', `/campaigns/${ok.body.id}`)).status).toBe(204);
    }
  });

  it('progressive: a person who answers is the ready agent\'s at once (screen pop); busy and a machine end as they should', async () => {
    sim.simulator.scriptNumber('13512340001', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 2000, seed: 11 } });
    sim.simulator.scriptNumber('13512340002', { outcome: 'busy', farEnd: { kind: 'busy', country: 'CN', totalMs: 20_000, seed: 12 } });
    sim.simulator.scriptNumber('13512340003', { outcome: 'answer', farEnd: { kind: 'machine', country: 'CN', ringMs: 2000, seed: 13 } });
    expect((await api('POST', '/agents/desk/state', { state: 'ready' })).status).toBe(200);
    const id = await create({ name: 'Office progressive', mode: 'progressive', settings: { window: ANY_HOUR, agents: ['desk'], retry: ONE_TRY, amd: { enabled: true, onMachine: 'hangup' } } },
      [{ number: '13512340001', priority: 3 }, { number: '13512340002', priority: 2 }, { number: '13512340003', priority: 1 }]);
    // the campaign's own screen-pop layout
    const layout = { groups: [{ title: 'Renewal', fields: ['name', 'tier', 'notes'] }], interactions: 3 };
    expect((await api('PUT', `/screenpop-layouts/campaign/${id}`, layout)).status).toBe(200);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    const pop = await events.waitFor((e) => e.type === 'screenpop' && e.data.agentId === 'desk', 60_000);
    expect(pop.data.number).toBe('+8613512340001');
    expect((await api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents')).body.items.find((a) => a.id === 'desk')?.state).toBe('on-call');
    // the customer says goodbye and hangs up; the desk is ready again at once (no wrap-up here)
    await sim.simulator.hangUp();
    await finished(id);
    const all = await attempts(id);
    const by = (n: string) => all.find((a) => a.number === `+86${n}`)!;
    expect(all).toHaveLength(3);
    expect(by('13512340001')).toMatchObject({ outcome: 'connected', agentId: 'desk', abandoned: false, amd: 'human', lineId: 'office' });
    expect(Date.parse(by('13512340001').connectedAt!) - Date.parse(by('13512340001').liveAt!)).toBeLessThan(2000);
    expect(by('13512340002').outcome).toBe('busy');
    expect(by('13512340003')).toMatchObject({ outcome: 'machine', amd: 'machine', liveAt: null });
    const call = (await api<{ direction: string; disposition: string; agentId: string }>('GET', `/calls/${by('13512340001').callId}`)).body;
    expect(call).toMatchObject({ direction: 'outbound', disposition: 'completed', agentId: 'desk' });
    expect((await api<{ disposition: string }>('GET', `/calls/${by('13512340003').callId}`)).body.disposition).toBe('machine');
    expect((await api<{ layout: unknown }>('GET', `/calls/${by('13512340001').callId}/screenpop`)).body.layout).toEqual(layout);
    await waitForLineIdle(daemon, 'office');
  });

  it('preview: the desk sees the record, dials it, talks to the callee; a skipped number waits', async () => {
    sim.simulator.scriptNumber('13512340031', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 1500, seed: 41 } });
    expect((await api('POST', '/agents/desk/state', { state: 'ready' })).status).toBe(200);
    const id = await create({ name: 'Office preview', mode: 'preview', settings: { window: ANY_HOUR, agents: ['desk'], retry: ONE_TRY } },
      [{ number: '13512340031', priority: 2 }, { number: '13512340032', priority: 1 }]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    const shown = await api<{ number: { id: string; number: string } | null }>('POST', `/campaigns/${id}/preview`, { agentId: 'desk' });
    expect(shown.body.number?.number).toBe('+8613512340031');
    expect((await api('POST', `/campaigns/${id}/preview/${shown.body.number!.id}/dial`, { agentId: 'desk' })).status).toBe(200);
    await events.waitFor((e) => e.type === 'screenpop' && e.data.agentId === 'desk' && e.data.number === '+8613512340031', 60_000);
    await sim.simulator.hangUp();
    await until('the preview call over', async () => (await attempts(id))[0]?.outcome === 'connected', { timeoutMs: 30_000, detail: async () => JSON.stringify(await attempts(id)) });
    expect((await attempts(id))[0]).toMatchObject({ agentId: 'desk', abandoned: false, lineId: 'office' });
    await waitForLineIdle(daemon, 'office');
    // the next record: the desk passes; it is not dialled
    const next = await api<{ number: { id: string; number: string } | null }>('POST', `/campaigns/${id}/preview`, { agentId: 'desk' });
    expect(next.body.number?.number).toBe('+8613512340032');
    expect((await api('POST', `/campaigns/${id}/preview/${next.body.number!.id}/skip`, { agentId: 'desk' })).status).toBe(200);
    expect((await api<{ number: unknown }>('POST', `/campaigns/${id}/preview`, { agentId: 'desk' })).body.number).toBeNull();
    expect(await attempts(id)).toHaveLength(1);
    expect((await api('POST', `/campaigns/${id}/stop`)).status).toBe(200);
  });

  it('broadcast: the message plays to a person, a key opts them out (do-not-call at once), each result kept', async () => {
    sim.simulator.scriptNumber('13512340011', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 1500, seed: 21 } });
    sim.simulator.scriptNumber('13512340012', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 1500, seed: 22 } });
    const since = Date.now();
    const id = await create({ name: 'Office notice', mode: 'broadcast', settings: { window: ANY_HOUR, message: 'Your order has shipped.', keys: { optOut: '9' }, retry: ONE_TRY } },
      [{ number: '13512340011', priority: 2 }, { number: '13512340012', priority: 1 }]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    // the first callee presses 9 while the message plays
    await sim.simulator.waitFor('vtx-start', { since, timeoutMs: 60_000 }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${daemon.output().split('\n').filter((l) => /dialer|campaign|call|error|warn/i.test(l)).slice(-40).join('\n')}`);
    });
    await sim.simulator.pressDigits('9');
    await finished(id);
    const all = await attempts(id);
    expect(all.find((a) => a.number === '+8613512340011')).toMatchObject({ outcome: 'connected', result: { optOut: true, key: '9' } });
    expect(all.find((a) => a.number === '+8613512340012')).toMatchObject({ outcome: 'connected', result: { heard: true, key: null } });
    expect((await api<{ blocked: boolean }>('GET', '/blacklist/check?number=13512340011&direction=outbound')).body.blocked).toBe(true);
    expect((await api<{ blocked: boolean }>('GET', '/blacklist/check?number=13512340012&direction=outbound')).body.blocked).toBe(false);
    await waitForLineIdle(daemon, 'office');
  });

  it('broadcast with an IVR flow: a survey\'s answers are kept on the attempt, and 9 at its menu opts out', async () => {
    const survey = {
      id: 'survey', name: 'Satisfaction survey', entry: 'score',
      nodes: {
        score: { type: 'collect', prompt: { text: 'Please rate our service from one to five.', voice: 'en-us' }, maxDigits: 1, variable: 'score', timeoutMs: 8000, next: 'more' },
        more: { type: 'menu', prompt: { text: 'Press one to end, or nine to stop our calls.', voice: 'en-us' }, options: { 1: 'bye', 9: 'bye' }, timeoutMs: 8000 },
        bye: { type: 'hangup' },
      },
    };
    expect((await api('POST', '/ivr/flows', survey)).status).toBe(201);
    sim.simulator.scriptNumber('13512340021', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 1500, seed: 31 } });
    const since = Date.now();
    const id = await create({ name: 'Office survey', mode: 'broadcast', settings: { window: ANY_HOUR, flowId: 'survey', keys: { optOut: '9' }, retry: ONE_TRY } }, [{ number: '13512340021', priority: 1 }]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    const first = await sim.simulator.waitFor('vtx-start', { since, timeoutMs: 60_000 });
    await sim.simulator.pressDigits('4');
    await sim.simulator.waitFor('vtx-start', { since: first.at + 1, timeoutMs: 30_000 });
    await sim.simulator.pressDigits('9');
    await finished(id);
    const [a] = await attempts(id);
    expect(a).toMatchObject({ outcome: 'connected', result: { flow: 'survey', outcome: 'hangup', variables: { score: '4' }, path: ['score', 'more', 'bye'], optOut: true } });
    expect((await api<{ blocked: boolean }>('GET', '/blacklist/check?number=13512340021&direction=outbound')).body.blocked).toBe(true);
    await waitForLineIdle(daemon, 'office');
  });
  it('broadcast with a flow\'s survey node: the answer is stored on the call and the customer (call_surveys, the timeline)', async () => {
    const csat = surveyFlow({ id: 'csat', name: 'Post-delivery survey', question: 'Please rate your delivery. Press 1 to 5.' });
    expect((await api('POST', '/ivr/flows', csat)).status).toBe(201);
    const customer = await api<{ id: string }>('POST', '/customers', { name: '赵敏', phones: [{ number: '135 1234 0031' }] });
    expect(customer.status).toBe(201);
    sim.simulator.scriptNumber('13512340031', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 1500, seed: 41 } });
    const since = Date.now();
    const id = await create({ name: 'Delivery survey', mode: 'broadcast', settings: { window: ANY_HOUR, flowId: 'csat', retry: ONE_TRY } }, [{ number: '13512340031', priority: 1 }]);
    expect((await api('POST', `/campaigns/${id}/start`)).status).toBe(200);
    await sim.simulator.waitFor('vtx-start', { since, timeoutMs: 60_000 });
    await sim.simulator.pressDigits('4');
    await finished(id);
    const [a] = await attempts(id);
    expect(a).toMatchObject({ outcome: 'connected', result: { flow: 'csat', outcome: 'hangup', survey: 4, path: ['rate', 'bye'] } });
    const items = (await api<{ items: Array<{ kind: string; refId: string; summary: string; data: Record<string, unknown> }> }>('GET', `/customers/${customer.body.id}/interactions`)).body.items;
    expect(items.filter((i) => i.kind === 'survey')).toEqual([expect.objectContaining({ refId: a!.callId, summary: 'satisfaction 4/5', data: { callId: a!.callId, score: 4, agentId: null } })]);
    const call = (await api<{ customerId: string | null; disposition: string }>('GET', `/calls/${a!.callId!}`)).body;
    expect(call).toMatchObject({ customerId: customer.body.id, disposition: 'completed' });
    await waitForLineIdle(daemon, 'office');
  });
});
