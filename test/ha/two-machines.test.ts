/**
 * Issue 14, the layout for two machines and two Asterisk nodes
 * (docs/scale-out.md, "Two machines, two nodes"): four daemon processes on
 * one PostgreSQL database, as two machines would run them: DA owns node A
 * and SB stands by for node B (machine 1), DB owns node B and SA stands by
 * for node A (machine 2). X calls node A and Y node B; both are in the menu.
 * SIGKILL DA: SA takes node A over (X goes on there and presses 1 in the
 * menu SA plays), node B stays DB's untouched; a new caller through
 * Kamailio lands on A (its Asterisk is alive) and is answered by SA. Any
 * daemon takes a command on any node's call: Y (node B) is hung up through
 * SA (node A's owner), which forwards it to DB; Z (node A) through SB (node
 * B's standby), which forwards it to SA. Three calls offered, three
 * records, none interrupted, none left open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startTwoNodes, type HaLab, type TwoNodes } from '../helpers/ha-lab.ts';
import { until } from '../helpers/wait.ts';

const FLOW = {
  id: 'two-machines', name: 'Two machines', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press one.', voice: 'en-us' }, options: { 1: 'bye' }, timeoutMs: 8000, retries: 10 },
    bye: { type: 'hangup' },
  },
};
const X = '13800139201';
const Y = '13800139202';
const Z = '13800139203';

interface CallRow { id: string; line_id: string; disposition: string | null; answered_at: Date | null; ended_at: Date | null }
interface Lease { node: string; owner: string; epoch: number }

describe('HA: two machines, two nodes, an owner and a standby for each node; SIGKILL one owner', () => {
  let lab: HaLab;
  let sql: pg.Client;
  let nodes: TwoNodes | undefined;
  let da: DaemonProcess;
  let dbn: DaemonProcess;
  let sa: DaemonProcess;
  let sb: DaemonProcess;
  const call = async (n: string): Promise<CallRow | undefined> =>
    (await sql.query<CallRow>('SELECT id, line_id, disposition, answered_at, ended_at FROM calls WHERE number = $1', [`+86${n}`])).rows[0];
  const leases = async (): Promise<Map<string, Lease>> =>
    new Map((await sql.query<Lease>('SELECT node, owner, epoch::int AS epoch FROM node_lease ORDER BY node')).rows.map((l) => [l.node, l]));
  const logs = () => ([['DA', da], ['SA', sa], ['DB', dbn], ['SB', sb]] as const).map(([n, d]) => `${n}:\n${d.output().slice(-2000)}`).join('\n');

  beforeAll(async () => {
    nodes = await startTwoNodes({
      line: { channels: 4, flow: FLOW.id }, standbys: true,
      first: async (d) => { expect((await d.api('POST', '/ivr/flows', FLOW)).status).toBe(201); },
    });
    ({ lab, sql, da, dbn } = nodes);
    [sa, sb] = [nodes.sa!, nodes.sb!];
  });

  afterAll(async () => { await nodes?.stop(); });

  it('the standby of the dead owner\'s node takes it over; the other node goes on untouched; a command on a call reaches its node\'s owner from any daemon', async () => {
    expect([...(await leases()).values()].map((l) => [l.node, l.owner])).toEqual([['node-a', 'da'], ['node-b', 'db']]);
    // X presses 1 some 25 s after its answer: after the takeover, in the menu SA plays
    await lab.callAt('pbxa', { number: X, dtmf: '1', preWaitS: 25, holdS: 60 });
    await lab.callAt('pbxb', { number: Y, preWaitS: 1, holdS: 120 });
    const [x, y] = await until('X answered on A, Y on B', async () => {
      const [cx, cy] = [await call(X), await call(Y)];
      return cx?.answered_at && cy?.answered_at ? [cx, cy] : null;
    }, { timeoutMs: 30_000, detail: logs });
    expect([x.line_id, y.line_id]).toEqual(['trunk-a', 'trunk-b']);
    // a caller's leg is written with its call's row (one statement): a row without it would be one caller, two records after a takeover
    expect((await sql.query("SELECT 1 FROM call_legs WHERE kind = 'caller' AND call_id = ANY($1::uuid[])", [[x.id, y.id]])).rows).toHaveLength(2);
    const before = await leases();

    const killedAt = Date.now();
    await da.stop('SIGKILL');
    await until('SA owns node A', async () => (await leases()).get('node-a')?.owner === 'sa', { timeoutMs: 20_000, intervalMs: 100, detail: logs });
    const ownedMs = Date.now() - killedAt;
    await until('SA took X over in the menu', () => /"as":"ivr"[^\n]*call taken over: it goes on/.test(sa.output()), { timeoutMs: 20_000, detail: logs });
    // node B: the same owner and epoch throughout
    expect((await leases()).get('node-b')).toEqual(before.get('node-b'));

    // a new caller through Kamailio lands on A (its Asterisk lives) and SA answers it
    await lab.call({ number: Z, preWaitS: 1, holdS: 120 });
    const z = await until('Z answered on A by SA', async () => { const c = await call(Z); return c?.answered_at ? c : null; }, { timeoutMs: 30_000, detail: logs });
    expect(z.line_id).toBe('trunk-a');
    // X presses 1 in SA's menu: completed
    const xEnd = await until('X ended', async () => { const c = await call(X); return c?.ended_at ? c : null; }, { timeoutMs: 60_000, detail: logs });
    expect(xEnd.disposition).toBe('completed');
    // across nodes: Y (node B) through SA, which forwards it to DB; Z (node A) through SB, which forwards it to SA
    const yHung = await sa.api<unknown>('POST', `/calls/${y.id}/hangup`);
    expect(yHung.status).toBe(202);
    expect(yHung.headers.get('kefu-forwarded-to')).toBe('db');
    const zHung = await sb.api<unknown>('POST', `/calls/${z.id}/hangup`);
    expect(zHung.status).toBe(202);
    expect(zHung.headers.get('kefu-forwarded-to')).toBe('sa');
    const all = await until('every call closed', async () => {
      const r = await sql.query<{ number: string; line_id: string; disposition: string | null; ended_at: Date | null }>('SELECT number, line_id, disposition, ended_at FROM calls ORDER BY number');
      return r.rows.length === 3 && r.rows.every((c) => c.ended_at) ? r.rows : null;
    }, { timeoutMs: 30_000, detail: logs });
    // Y and Z were hung up through the API in the menu: cancelled, as on a single daemon (X finished the flow)
    expect(all.map((c) => [c.number, c.line_id, c.disposition])).toEqual([[`+86${X}`, 'trunk-a', 'completed'], [`+86${Y}`, 'trunk-b', 'cancelled'], [`+86${Z}`, 'trunk-a', 'cancelled']]);
    expect(sb.output()).not.toContain('node owned: opening ARI');
    console.log(`two machines: SIGKILL DA -> SA owner of node A ${ownedMs} ms; node B untouched; 3 calls, 3 records, 0 interrupted`);
  });
});
