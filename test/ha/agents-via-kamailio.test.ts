/**
 * Issue 14, agents reached through Kamailio wherever their phone registers
 * (docs/scale-out.md, "Queues across nodes"): the lab's HA layout, whose
 * carrier registers the agents' phones with Kamailio (agent101..agent112,
 * scripts/asterisk-lab start-ha). One queue, one agent, alice, whose seat is
 * `PJSIP/<trunk>/sip:agent101@<Kamailio>`: no node knows where her phone is,
 * Kamailio's location does. Caller X waits on node A, then caller Y on node
 * B: each node rings alice through Kamailio and bridges her. Kamailio relays
 * a node's INVITE for agent101 to a phone only through its location (no
 * location: out to the trunk, where the carrier has no extension agent101),
 * so an answered ring went through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startTwoNodes, type HaLab, type TwoNodes } from '../helpers/ha-lab.ts';
import { until } from '../helpers/wait.ts';

const FLOW = { id: 'to-sales', name: 'To sales', entry: 'q', nodes: { q: { type: 'queue', queue: 'sales', fallback: 'bye' }, bye: { type: 'hangup' } } };
const X = '13800139201';
const Y = '13800139202';

interface CallRow { id: string; line_id: string; agent_id: string | null; disposition: string | null; ended_at: Date | null }
interface LegRow { call_id: string; endpoint: string | null; answered_at: Date | null; end_cause: string | null }

describe('HA: an agent rung through Kamailio from either node', () => {
  let lab: HaLab;
  let sql: pg.Client;
  let da: DaemonProcess;
  let dbn: DaemonProcess;
  let nodes: TwoNodes | undefined;
  let seat = '';
  const call = async (number: string): Promise<CallRow | undefined> =>
    (await sql.query<CallRow>('SELECT id, line_id, agent_id, disposition, ended_at FROM calls WHERE number = $1', [`+86${number}`])).rows[0];
  const agentLeg = async (callId: string): Promise<LegRow | undefined> =>
    (await sql.query<LegRow>("SELECT call_id, endpoint, answered_at, end_cause FROM call_legs WHERE kind = 'agent' AND call_id = $1", [callId])).rows[0];
  const logs = () => `DA:\n${da.output().slice(-2500)}\nDB:\n${dbn.output().slice(-2500)}`;

  beforeAll(async () => {
    nodes = await startTwoNodes({
      line: { channels: 4, flow: FLOW.id },
      extra: (l) => {
        seat = `PJSIP/${l.env.KEFU_LAB_PBX_TRUNK}/sip:agent101@127.0.0.1:${l.env.KEFU_LAB_KAMAILIO_SIP_PORT}`;
        return { seats: [{ id: 'seat-101', endpoint: seat }] };
      },
      first: async (d) => {
        expect((await d.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
        expect((await d.api('POST', '/agents', { id: 'alice', name: 'Alice' })).status).toBe(201);
        expect((await d.api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: ['alice'], settings: { wrapUpS: 1, ringTimeoutS: 20, maxWaitS: 300 } })).status).toBe(201);
      },
    });
    ({ lab, sql, da, dbn } = nodes);
  });

  afterAll(async () => { await nodes?.stop(); });

  it('each node rings alice\'s registered phone through Kamailio and bridges her caller', async () => {
    await until('the carrier\'s phone 101 registered with Kamailio', () => /reg-101\/\S+\s+\S*\s*Registered/.test(lab.cli('carrier', 'pjsip show registrations')),
      { timeoutMs: 20_000, detail: () => lab.cli('carrier', 'pjsip show registrations') });
    expect((await da.api('POST', '/agents/alice/state', { state: 'ready', seatId: 'seat-101' })).status).toBe(200);

    for (const [number, node, d] of [[X, 'pbxa', da], [Y, 'pbxb', dbn]] as const) {
      await lab.callAt(node, { number, preWaitS: 0, holdS: 60 });
      const c = await until(`${number} on ${node} talks to alice`, async () => { const r = await call(number); return r?.agent_id === 'alice' ? r : null; },
        { timeoutMs: 30_000, detail: logs });
      expect(c.line_id).toBe(node === 'pbxa' ? 'trunk-a' : 'trunk-b');
      const leg = await until(`alice's leg of ${number} answered`, async () => { const l = await agentLeg(c.id); return l?.answered_at ? l : null; }, { timeoutMs: 10_000, detail: logs });
      expect(leg.endpoint).toBe(seat);
      expect((await d.api('POST', `/calls/${c.id}/hangup`)).status).toBeLessThan(300);
      const ended = await until(`${number} closed`, async () => { const r = await call(number); return r?.ended_at ? r : null; }, { timeoutMs: 20_000, detail: logs });
      expect([ended.disposition, ended.agent_id]).toEqual(['completed', 'alice']);
      await until('alice ready again', async () => (await d.api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents')).body.items.find((a) => a.id === 'alice')?.state === 'ready',
        { timeoutMs: 20_000, detail: logs });
    }
  });
});
