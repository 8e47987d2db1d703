/**
 * Issue 14, takeover of a node with a campaign running (docs/scale-out.md,
 * "Taking a node over"): two daemons for the lab's pbx on one PostgreSQL,
 * cluster.enabled. Through D1, campaign A dials a callee who talks 45 s; an
 * agent takes the call on the seat the dialer nailed up. Then campaign B is
 * started through D1 (D2, started before it, does not run it) for that same
 * agent only, so it waits for the agent. SIGKILL D1: D2 takes the node over.
 * A's conversation goes on in its bridge (same channels), the other agent's
 * seat waiting on hold stays up (nobody's phone rings again), and D2 runs
 * B. When A's callee hangs up, A's attempt ends `connected` under D2 and B
 * dials its number to the same agent on the same seat. Two calls offered,
 * two records, none interrupted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../helpers/db.ts';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { callee, labDaemonConfig, startLab, type Lab } from '../helpers/asterisk-lab.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { ANY_HOUR } from '../helpers/campaign.ts';

const LEASE_S = 4;
const NODE = 'lab-pbx-campaign-takeover';
const AGENTS = ['ag1', 'ag2'];
const SEATS = [109, 110];
const ONE_TRY = { busy: { delayS: 0, maxAttempts: 1 }, 'no-answer': { delayS: 0, maxAttempts: 1 }, machine: { delayS: 0, maxAttempts: 1 }, failed: { delayS: 0, maxAttempts: 1 }, abandoned: { delayS: 0, maxAttempts: 1 } };

interface AttemptRow { call_id: string | null; agent_id: string | null; connected_at: Date | null; outcome: string | null }
interface Channel { id: string; dialplan?: { app_name?: string; app_data?: string } }

describe('Asterisk node takeover with a campaign running: SIGKILL the owner mid-conversation', () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Client;
  let d1: DaemonProcess;
  let d2: DaemonProcess;
  const config = (owner: string) => labDaemonConfig(lab, { channels: 6, flow: 'main' }, {
    cluster: { enabled: true, node: NODE, owner, leaseS: LEASE_S, renewS: 1 },
    seats: SEATS.map((n) => ({ id: `seat-${n}`, endpoint: `PJSIP/${n}` })),
    console: { wrapUpS: 1 },
  });
  /** The agents' nailed-up seat channels on the lab pbx now: agent id -> channel ids. */
  const seatChannels = async (): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    for (const c of await lab.ari<Channel[]>('/channels')) {
      const m = /,dialer,seat,([^,]+)/.exec(c.dialplan?.app_data ?? '');
      if (m) (out[m[1]!] ??= []).push(c.id);
    }
    return out;
  };
  const bridgeWith = async (channelId: string): Promise<string[] | null> =>
    (await lab.ari<Array<{ channels: string[] }>>('/bridges')).find((b) => b.channels.includes(channelId))?.channels ?? null;
  const attemptsOf = async (campaignId: string) =>
    (await sql.query<AttemptRow>('SELECT call_id, agent_id, connected_at, outcome FROM campaign_attempts WHERE campaign_id = $1 ORDER BY placed_at', [campaignId])).rows;
  const start = async (name: string, agents: string[], number: string): Promise<string> => {
    const c = await d1.api<{ id: string }>('POST', '/campaigns', { name, mode: 'progressive', settings: { window: ANY_HOUR, agents, maxLines: 1, ringTimeoutS: 15, retry: ONE_TRY } });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect((await d1.api<{ inserted: number }>('POST', `/campaigns/${c.body.id}/numbers`, { numbers: [{ number }] })).body.inserted).toBe(1);
    expect((await d1.api('POST', `/campaigns/${c.body.id}/start`)).status).toBe(200);
    return c.body.id;
  };

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase('postgres');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    d1 = await startDaemonProcess({ databaseUrl: db.url, config: config('d1') });
    await waitForLineIdle(d1, 'trunk1');
    d2 = await startDaemonProcess({ databaseUrl: db.url, config: config('d2') });
    for (const ext of SEATS) await lab.carrier.action('Setvar', { Variable: `AGENT_${ext}`, Value: 'answer' });
    for (const [i, id] of AGENTS.entries()) {
      expect((await d1.api('POST', '/agents', { id, name: id })).status).toBe(201);
      expect((await d1.api('POST', `/agents/${id}/state`, { state: 'ready', seatId: `seat-${SEATS[i]}` })).status).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await d1?.stop('SIGKILL');
    await d2?.stop();
    await sql?.end();
    await lab?.stop();
    await db?.drop();
  });

  it('the conversation goes on under D2, the waiting seat stays up, the attempt ends connected there, and D2 runs the campaign D1 started', async () => {
    const longNumber = callee('human', { ringS: 1, talkS: 45, n: 71 });
    const a = await start('A', AGENTS, longNumber);
    const first = await until('A\'s callee talking to an agent', async () => {
      const x = (await attemptsOf(a))[0];
      return x?.connected_at && x.call_id && x.agent_id ? x : null;
    }, { timeoutMs: 40_000, detail: () => d1.output().slice(-3000) });
    const talking = first.agent_id!;
    const waiting = AGENTS.find((x) => x !== talking)!;
    const calleeChannel = await until('A\'s callee leg written', async () =>
      (await sql.query<{ channel_id: string }>("SELECT channel_id FROM call_legs WHERE call_id = $1 AND kind = 'outbound' AND answered_at IS NOT NULL", [first.call_id])).rows[0]?.channel_id ?? null);
    const seatsBefore = await until('both seats nailed up, the talking one in the callee\'s bridge', async () => {
      const s = await seatChannels();
      const bridge = await bridgeWith(calleeChannel);
      return s[talking]?.length === 1 && s[waiting]?.length === 1 && bridge?.includes(s[talking][0]!) ? s : null;
    });
    // B: started through D1 after D2's start, for the talking agent only (it waits for them)
    const b = await start('B', [talking], callee('human', { ringS: 1, talkS: 3, n: 72 }));
    expect(await attemptsOf(b)).toHaveLength(0);

    const killedAt = Date.now();
    await d1.stop('SIGKILL');
    await until('D2 owns the node', async () => (await sql.query('SELECT 1 FROM node_lease WHERE node = $1 AND owner = $2', [NODE, 'd2'])).rows.length === 1,
      { timeoutMs: (LEASE_S + 10) * 1000, intervalMs: 50 });
    const ownedMs = Date.now() - killedAt;
    await until('D2 took the campaign call and the waiting seat over', () => /"campaign":1,"seats":1,"rowless":0,"closed":0[^\n]*node taken over/.test(d2.output()),
      { timeoutMs: 20_000, detail: () => d2.output().slice(-3000) });
    const keptMs = Date.now() - killedAt;

    // the same channels: the callee still bridged to the same seat, no seat called again
    expect(await bridgeWith(calleeChannel)).toEqual(expect.arrayContaining([calleeChannel, seatsBefore[talking]![0]!]));
    expect(await seatChannels()).toEqual(seatsBefore);
    expect((await sql.query('SELECT 1 FROM calls WHERE id = $1 AND ended_at IS NULL', [first.call_id])).rows).toHaveLength(1);
    const onD2 = (await d2.api<{ items: Array<{ id: string; state: string; callId: string | null }> }>('GET', '/agents')).body.items;
    expect(onD2.find((x) => x.id === talking)).toMatchObject({ state: 'on-call', callId: first.call_id });
    const active = (await d2.api<{ items: Array<{ id: string; direction: string; state: string }> }>('GET', '/calls/active')).body.items;
    expect(active).toEqual([expect.objectContaining({ id: first.call_id, direction: 'outbound', state: 'connected' })]);

    // A's callee hangs up (45 s of talk): the attempt ends connected under D2; then B dials its number to the same agent, same seat
    const aDone = await until('A\'s attempt closed', async () => (await attemptsOf(a))[0]?.outcome ?? null, { timeoutMs: 60_000, detail: () => d2.output().slice(-3000) });
    expect(aDone).toBe('connected');
    const aEndedAt = Date.now();
    const bAttempt = await until('B\'s callee talking to the agent', async () => {
      const x = (await attemptsOf(b))[0];
      return x?.connected_at ? x : null;
    }, { timeoutMs: 40_000, detail: () => d2.output().slice(-3000) });
    expect(bAttempt.agent_id).toBe(talking);
    const bChannel = await until('B\'s callee leg written', async () =>
      (await sql.query<{ channel_id: string }>("SELECT channel_id FROM call_legs WHERE call_id = $1 AND kind = 'outbound' AND answered_at IS NOT NULL", [bAttempt.call_id])).rows[0]?.channel_id ?? null);
    await until('B bridged to the seat nailed up before the kill', async () => (await bridgeWith(bChannel))?.includes(seatsBefore[talking]![0]!) ?? false);
    await until('B\'s attempt closed', async () => (await attemptsOf(b))[0]?.outcome === 'connected', { timeoutMs: 30_000, detail: () => d2.output().slice(-3000) });

    // the call's record is closed by the call, the attempt by the campaign: two writers, so wait for both records to be closed
    await until('both call records closed', async () => (await sql.query('SELECT 1 FROM calls WHERE ended_at IS NOT NULL')).rows.length === 2, { timeoutMs: 10_000 });
    const rows = (await sql.query<{ number: string; disposition: string | null; agent_id: string | null }>('SELECT number, disposition, agent_id FROM calls ORDER BY started_at')).rows;
    expect(rows.map((x) => [x.number, x.disposition, x.agent_id])).toEqual([[`+86${longNumber}`, 'completed', talking], [expect.stringMatching(/72$/), 'completed', talking]]);
    const numbers = (await sql.query<{ state: string; done_reason: string | null }>('SELECT state, done_reason FROM campaign_numbers WHERE campaign_id = ANY($1::uuid[])', [[a, b]])).rows;
    expect(numbers).toEqual([{ state: 'done', done_reason: 'reached' }, { state: 'done', done_reason: 'reached' }]);
    console.log(`campaign takeover figures: SIGKILL D1 -> D2 owner ${ownedMs} ms; -> calls taken over ${keptMs} ms; A's conversation went on ${aEndedAt - killedAt} ms after the kill (attempt connected, number reached); seats rung again 0; calls offered 2, records 2, interrupted 0`);
  }, 180_000);
});
