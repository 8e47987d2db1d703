/**
 * The HA harness's cases (issue 14; docs/scale-out.md, "The HA harness"):
 * the lab's HA layout (carrier -> Kamailio -> Asterisk A, B standing by in
 * Kamailio's dispatcher list), two daemons for node A on a PostgreSQL server
 * of the harness's own (T5: a Patroni cluster),
 * cluster.enabled with the default lease (10 s, renewed every 3 s; T4: 20 s), a load
 * of `calls` carrier calls, two consoles on D2's event stream, one fault:
 *
 * - T1: SIGKILL the daemon that owns the node (D1);
 * - T3: SIGSTOP D1 for 25 s, then SIGCONT;
 * - T4: restart PostgreSQL (down `pgDownS` seconds); while it is down, two
 *   more callers call in and two conversations are hung up through D1's API.
 * - T5: the database is two PostgreSQL servers under Patroni (synchronous
 *   replication) behind HAProxy (test/helpers/patroni.ts, the shipped
 *   deploy/patroni files); SIGKILL the primary's Patroni and PostgreSQL (its
 *   machine dies). Patroni promotes the standby once the leader key runs out.
 *   Once the owner has closed ARI (its lease ran out), two more callers call in.
 * - T6: the same Patroni cluster; a planned switchover (`patronictl
 *   switchover`: Patroni's REST API) makes the standby primary and the
 *   primary its standby. As in T4, two callers call in and two conversations
 *   are hung up through D1's API while it runs; the owner rides it out (T4's
 *   lease).
 *
 * At the fault, 12 callers talk to agents, 4 wait in the queue and the rest
 * are in the IVR's menu (they press 1 after the fault). Every caller hangs
 * up `holdS` after pressing 1. The case returns its figures; the test
 * (test/ha/ha.test.ts) asserts the invariants, the bench (`npm run bench --
 * ha`) runs each case ten times and prints p50 / p95 / max.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startDaemonProcess, eventClient, type DaemonProcess, type KefuEventMsg } from '../helpers/daemon.ts';
import { haDaemonConfig, startHaLab, type HaLab } from '../helpers/ha-lab.ts';
import { startPgServer, type PgServer } from '../helpers/pg-server.ts';
import { startPatroni, type PatroniCluster } from '../helpers/patroni.ts';
import { until, waitForLineIdle } from '../helpers/wait.ts';
import { salesMenuFlow } from '../helpers/flows.ts';

export type HaCase = 'T1' | 'T3' | 'T4' | 'T5' | 'T6';

export interface HaFigures {
  case: HaCase;
  offered: number;
  records: number;
  /** Numbers with more than one call record. */
  duplicated: number;
  /** SIP Call-IDs (of the callers' legs) with more than one call record, and caller legs whose Call-ID was not read. */
  duplicatedSip: number;
  noSipCallId: number;
  /** Records still open once every caller had hung up (after the settle deadline). */
  open: number;
  /** Records closed as interrupted (or failed). */
  lost: number;
  /** Conversations up at the fault. */
  bridgedAtFault: number;
  /** Of those, ended completed with the same agent and no interrupted leg. */
  bridgedSurvived: number;
  /** T5, T6: fault -> Patroni's REST API names the standby primary (ms); null in the other cases. */
  promotedMs: number | null;
  /** T6: fault -> the former primary replicates as the new primary's standby (ms); null in the other cases. */
  rejoinedMs: number | null;
  /** Fault -> a daemon holds the node with a new epoch (ms); null when the owner kept it (T4 may). */
  takeoverMs: number | null;
  /** Fault -> the owner's first ARI command after it (its resync: "node taken over" or the line back up) (ms). */
  firstAriMs: number | null;
  /** Writes the stalled owner's fence refused (T3). */
  staleRefused: number;
  /** T3: events in the log from the stalled owner (D1) after the fault (it drives nothing then); null in T1 and T4. */
  staleEvents: number | null;
  /** Event ids in the log, between a console's first and last id, that it never got (per console). */
  missedIds: number[];
  /** Events a console got without an id (the database was down: they are written later). */
  idlessEvents: number[];
  /** Event time -> message on a console of D2 (ms), every event: p50 / p95 / max. */
  streamMs: { p50: number; p95: number; max: number };
}

const AGENTS = 12;
const QUEUED = 4;
const LEASE = { leaseS: 10, renewS: 3 };
/**
 * T4 is the outage the owner rides out: a lease of 20 s, so that a restart
 * slowed by a loaded machine (stop, 5 s down, start: more than leaseS -
 * renewS - pgDownS = 2 s of overhead on one full run) does not turn it into
 * a takeover. An outage longer than the lease is T5's. T6's switchover rides
 * out on the same lease.
 */
const T4_LEASE = { leaseS: 20, renewS: 3 };
const FLOW = salesMenuFlow({ id: 'ha', name: 'HA menu', timeoutMs: 8000 });

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface Console { events: Array<KefuEventMsg & { id?: number; receivedAt: number }>; close(): void }

async function openConsole(url: string, since?: number): Promise<Console> {
  const c = await eventClient(url, undefined, since);
  const events: Console['events'] = [];
  const tick = setInterval(() => { while (events.length < c.events.length) events.push({ ...(c.events[events.length] as KefuEventMsg & { id?: number }), receivedAt: Date.now() }); }, 5);
  return { events, close: () => { clearInterval(tick); c.close(); } };
}

export async function runHaCase(kind: HaCase, opts: { calls?: number; holdS?: number; pgDownS?: number; log?: (s: string) => void; logsTo?: string } = {}): Promise<HaFigures> {
  const calls = opts.calls ?? 20;
  // T5: no daemon drives the node from the owner's lease end until a daemon renews after the failover (20-28 s after the
  // kill): a caller who hangs up meanwhile is missed and the takeover records the call `interrupted`. The callers hold
  // past that window (one full run with 30 s lost all 12 conversations so, with the takeover at 27.6 s).
  const holdS = opts.holdS ?? (kind === 'T5' ? 75 : 30);
  const log = opts.log ?? (() => undefined);
  const server: { url: string; stop(): unknown } = kind === 'T5' || kind === 'T6' ? await startPatroni() : await startPgServer();
  let lab: HaLab | null = null;
  const daemons: DaemonProcess[] = [];
  const consoles: Console[] = [];
  const closers: Array<() => Promise<void>> = [];
  const sql = new pg.Client({ connectionString: server.url });
  sql.on('error', () => undefined);
  try {
    await sql.connect();
    await sql.query('CREATE DATABASE kefu_ha');
    await sql.end();
    const dbUrl = server.url.replace(/\/postgres$/, '/kefu_ha');
    // every caller goes through Kamailio (to A while it answers Kamailio's probes), as trunks do in production
    lab = await startHaLab();
    const config = (owner: string) => haDaemonConfig(lab!, 'pbxa', { id: 'trunk1', channels: calls + 4, flow: FLOW.id }, {
      cluster: { enabled: true, node: 'ha-pbx', owner, ...(kind === 'T4' || kind === 'T6' ? T4_LEASE : LEASE) },
      seats: Array.from({ length: AGENTS }, (_, i) => ({ id: `seat-${101 + i}`, endpoint: `PJSIP/${101 + i}` })),
      events: { pollMs: 500, origin: owner },
    });
    const d1 = await startDaemonProcess({ databaseUrl: dbUrl, config: config('d1') });
    daemons.push(d1);
    await waitForLineIdle(d1, 'trunk1');
    const d2 = await startDaemonProcess({ databaseUrl: dbUrl, config: config('d2') });
    daemons.push(d2);
    const agents = Array.from({ length: AGENTS }, (_, i) => `agent${101 + i}`);
    const api = async (method: string, path: string, body: unknown, want: number) => {
      const r = await d1.api(method, path, body);
      if (r.status !== want) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    for (const id of agents) await api('POST', '/agents', { id, name: id }, 201);
    await api('POST', '/queues', { id: 'sales', name: 'Sales', strategy: 'longest-idle', members: agents, settings: { ringTimeoutS: 15, maxWaitS: 600, wrapUpS: 1 } }, 201);
    await api('POST', '/ivr/flows', FLOW, 201);
    for (let i = 0; i < AGENTS; i++) {
      await lab.carrier.action('Setvar', { Variable: `AGENT_${101 + i}`, Value: 'answer' });
      await api('POST', `/agents/${agents[i]}/state`, { state: 'ready', seatId: `seat-${101 + i}` }, 200);
    }
    // the harness's own reads; a pool reconnects after T4's restart cut its connections
    const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
    pool.on('error', () => undefined);
    closers.push(() => pool.end());
    const q = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> => {
      for (let i = 0; ; i++) {
        try { return (await pool.query<R>(text, params)).rows; } catch (err) {
          if (i >= 300) throw err;
          // a poll interval while the database restarts (T4) or fails over (T5), bounded: 300 tries
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };

    consoles.push(await openConsole(d2.url), await openConsole(d2.url));
    const number = (i: number) => `139${kind.slice(1)}00${String(i).padStart(5, '0')}`;
    const direct = AGENTS + QUEUED;
    // the callers who press late do so about 20 s after the fault (a takeover takes 7-13 s with the default lease)
    const lateS = 45;
    const placedAt = Date.now();
    for (let i = 0; i < calls; i++) {
      // talkers hang up holdS after pressing 1; the queued wait for the talkers' agents, so they hold 30 s longer
      await lab.call({ number: number(i), dtmf: '1', preWaitS: i < direct ? 1 : lateS, holdS: i >= AGENTS && i < direct ? holdS + 30 : holdS });
      if (i === AGENTS - 1) {
        await until('every agent on a call', async () => Number((await q<{ n: string }>("SELECT count(*) AS n FROM calls WHERE state = 'connected'"))[0]!.n) === AGENTS, {
          timeoutMs: 60_000, detail: async () => `${JSON.stringify(await q('SELECT number, state, agent_id FROM calls ORDER BY started_at'))}\n${d1.output().slice(-6000)}`,
        });
      }
    }
    await until('the load is in place', async () => {
      const r = await q<{ state: string; n: string }>('SELECT state, count(*) AS n FROM calls WHERE ended_at IS NULL GROUP BY state');
      const by = Object.fromEntries(r.map((x) => [x.state, Number(x.n)]));
      return by.connected === AGENTS && by.queued === Math.min(QUEUED, calls - AGENTS) && (by.answered ?? 0) === Math.max(0, calls - direct);
    }, { timeoutMs: 60_000, detail: () => d1.output().slice(-3000) });
    const bridged = await q<{ id: string; agent_id: string }>("SELECT id, agent_id FROM calls WHERE state = 'connected'");
    // console 2 leaves before the fault and resumes after it with ?since=
    const second = consoles[1]!;
    const lastBefore = Math.max(0, ...second.events.map((e) => e.id ?? 0));
    second.close();

    const epochBefore = Number((await q<{ epoch: number }>("SELECT epoch::int AS epoch FROM node_lease WHERE node = 'ha-pbx'"))[0]!.epoch);
    const outAtFault = daemons.map((d) => d.output().length);
    const faultAt = Date.now();
    log(`${kind}: fault ${Math.round((faultAt - placedAt) / 1000)} s after the first call`);
    if (kind === 'T1') await d1.stop('SIGKILL');
    if (kind === 'T3') process.kill(d1.child.pid!, 'SIGSTOP');
    let extra = 0;
    let promotedP: Promise<number | null> = Promise.resolve(null);
    let rejoinedP: Promise<number | null> = Promise.resolve(null);
    if (kind === 'T4' || kind === 'T6') {
      // T4: the stop is done when restart() returns its promise: the database is down for pgDownS from here.
      // T6: the switchover request returns once Patroni made the standby primary.
      let done: Promise<void>;
      if (kind === 'T4') done = (server as PgServer).restart((opts.pgDownS ?? 5) * 1000);
      else {
        const cluster = server as PatroniCluster;
        const was = (await cluster.primary())!;
        const next = cluster.servers.find((x) => x.name !== was.name)!;
        done = cluster.switchover(was.name, next.name);
        promotedP = until('the standby promoted', async () => ((await cluster.primary())?.name === next.name ? Date.now() : null),
          { timeoutMs: 90_000, intervalMs: 100, detail: () => cluster.logs() });
        rejoinedP = until('the former primary replicates', async () => (await cluster.isReplica(was.name) ? Date.now() : null),
          { timeoutMs: 120_000, intervalMs: 200, detail: () => cluster.logs() });
      }
      // work that must not be lost to the outage: two new callers (their rows are written once the database is back),
      // two conversations ended through the API (their ends too)
      for (const i of [calls, calls + 1]) await lab.call({ number: number(i), dtmf: '1', preWaitS: 1, holdS });
      extra = 2;
      for (const b of bridged.slice(0, 2)) {
        const r = await d1.api('POST', `/calls/${b.id}/hangup`);
        if (r.status !== 202) throw new Error(`${kind}: hang-up through D1 while the database is away: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await done;
    }
    if (kind === 'T5') {
      const cluster = server as PatroniCluster;
      const was = (await cluster.primary())!;
      await cluster.kill(was.name);
      promotedP = until('the standby promoted', async () => ((await cluster.primary())?.name ?? was.name) !== was.name ? Date.now() : null,
        { timeoutMs: 90_000, intervalMs: 100, detail: () => cluster.logs() });
      // two callers while no daemon drives the node (the owner closed ARI for want of the database): they wait in the
      // dialplan, which tries Stasis again, and are answered once a daemon owns the node after the failover
      await until('the owner let the node go', () => d1.output().slice(outAtFault[0]).includes('"msg":"node lost: ARI closed"'), { timeoutMs: 60_000, intervalMs: 100, detail: () => d1.output().slice(-3000) });
      for (const i of [calls, calls + 1]) await lab.call({ number: number(i), dtmf: '1', preWaitS: 1, holdS: 30 });
      extra = 2;
    }
    const takenP = until('a new epoch', async () => {
      const r = await q<{ epoch: number }>("SELECT epoch::int AS epoch FROM node_lease WHERE node = 'ha-pbx'");
      return r[0] && r[0].epoch > epochBefore ? Date.now() : null;
    }, { timeoutMs: 90_000, intervalMs: 50 }).catch(() => null);
    // the new owner's first ARI command after the fault: its resync (GET the application's channels), logged as "node taken over"
    // after a takeover; when D1 kept its epoch (T4), its ARI reopened
    const firstAriP = until('the owner drives the node again', () => daemons.some((d, i) => {
      const out = d.output().slice(outAtFault[i]);
      return out.includes('"msg":"node taken over"') || out.includes('"msg":"node owned: opening ARI"');
    }) ? Date.now() : null, { timeoutMs: 90_000, intervalMs: 50 }).catch(() => null);
    // T4: the owner may keep its epoch (no takeover); the first wait then runs to its deadline while the second one is met
    const [taken, firstAri, promoted, rejoined] = await Promise.all([takenP, firstAriP, promotedP, rejoinedP]);
    const takeoverMs = taken === null ? null : taken - faultAt;
    if (kind === 'T3') {
      // the fault itself is timed: the T3 stops D1 for 25 s (no state to wait for)
      await new Promise((r) => setTimeout(r, Math.max(0, 25_000 - (Date.now() - faultAt))));
      process.kill(d1.child.pid!, 'SIGCONT');
    }
    consoles[1] = await openConsole(d2.url, lastBefore);

    // every caller hangs up holdS after pressing 1; the queued and late ones get agents as others finish
    const settleMs = (lateS + 2 * holdS + 90) * 1000;
    await until('every call closed', async () => Number((await q<{ n: string }>('SELECT count(*) AS n FROM calls WHERE ended_at IS NULL'))[0]!.n) === 0
      && Number((await q<{ n: string }>('SELECT count(*) AS n FROM calls'))[0]!.n) >= calls + extra, { timeoutMs: settleMs, intervalMs: 500 }).catch(() => null);
    if (kind === 'T3') await d1.stop();
    const refused = /"staleWritesRefused":(\d+)[^\n]*cluster: stopped/.exec(d1.output());
    const rows = await q<{ id: string; number: string; disposition: string | null; agent_id: string | null; ended_at: Date | null }>('SELECT id, number, disposition, agent_id, ended_at FROM calls');
    const byNumber = new Map<string, number>();
    for (const r of rows) byNumber.set(r.number, (byNumber.get(r.number) ?? 0) + 1);
    const sip = await q<{ sip_call_id: string | null; calls: string }>("SELECT sip_call_id, count(DISTINCT call_id) AS calls FROM call_legs WHERE kind = 'caller' GROUP BY sip_call_id");
    const badLegs = new Set((await q<{ call_id: string }>("SELECT DISTINCT call_id FROM call_legs WHERE end_cause IN ('interrupted', 'asterisk-restart') AND answered_at IS NOT NULL")).map((r) => r.call_id));
    const survived = bridged.filter((b) => rows.some((r) => r.id === b.id && r.disposition === 'completed' && r.agent_id === b.agent_id) && !badLegs.has(b.id)).length;
    const logIds = (await q<{ id: string }>('SELECT id FROM event_log ORDER BY id')).map((r) => Number(r.id));
    const staleEvents = kind === 'T3'
      ? Number((await q<{ n: string }>("SELECT count(*) AS n FROM event_log WHERE origin = 'd1' AND at > to_timestamp($1::double precision / 1000)", [faultAt]))[0]!.n)
      : null;
    const missed = consoles.map((c) => {
      const got = new Set(c.events.flatMap((e) => (e.id === undefined ? [] : [e.id])));
      const first = c === consoles[1] ? lastBefore + 1 : Math.min(...got);
      const last = Math.max(...got);
      return logIds.filter((id) => id >= first && id <= last && !got.has(id)).length;
    });
    // console 1 only: console 2's replay after its resume is old by design
    const stream = consoles[0]!.events.map((e) => e.receivedAt - Date.parse(e.at));
    return {
      case: kind, offered: calls + extra, records: rows.length,
      duplicated: [...byNumber.values()].filter((n) => n > 1).length,
      duplicatedSip: sip.filter((r) => r.sip_call_id !== null && Number(r.calls) > 1).length,
      noSipCallId: Number(sip.find((r) => r.sip_call_id === null)?.calls ?? 0),
      open: rows.filter((r) => !r.ended_at).length,
      lost: rows.filter((r) => r.disposition === 'interrupted' || r.disposition === 'failed').length,
      bridgedAtFault: bridged.length, bridgedSurvived: survived,
      promotedMs: promoted === null ? null : promoted - faultAt,
      rejoinedMs: rejoined === null ? null : rejoined - faultAt,
      takeoverMs, firstAriMs: firstAri === null ? null : firstAri - faultAt,
      staleRefused: refused ? Number(refused[1]) : 0, staleEvents,
      missedIds: missed, idlessEvents: consoles.map((c) => c.events.filter((e) => e.id === undefined).length),
      streamMs: { p50: pct(stream, 50), p95: pct(stream, 95), max: Math.max(0, ...stream) },
    };
  } finally {
    for (const c of consoles) c.close();
    // KEFU_HA_LOGS=dir (the test) keeps both daemons' logs of each case
    if (opts.logsTo) for (const [i, d] of daemons.entries()) writeFileSync(join(opts.logsTo, `${kind}-d${i + 1}.log`), d.output());
    // teardown: a pool cut by T4's restart may fail to end; the case's figures are taken already
    for (const close of closers) await close().catch(() => undefined);
    for (const d of daemons) {
      if (d.child.exitCode === null && d.child.signalCode === null) { try { process.kill(d.child.pid!, 'SIGCONT'); } catch { /* gone */ } }
      await d.stop();
    }
    await lab?.stop();
    await server.stop();
  }
}
