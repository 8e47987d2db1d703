/**
 * The daemon's in-memory caches follow changes made through another daemon
 * (issue 14, docs/scale-out.md "In-memory caches"): three daemon processes on
 * one PostgreSQL; D2 hears of changes by NOTIFY (its poll set to 60 s), D3 by
 * the poll alone (`events.notify: false`, every 300 ms). A change through D1's
 * API takes effect on D2 and D3, each observed through their own API: a
 * blacklist entry blocks (and its removal unblocks); a new webhook
 * subscription delivers D2's and D3's own events, a disabled one stops
 * matching; a new agent can work on D2 while D2's agents keep their live
 * states; an agent's state set through one daemon is the one the others
 * hold; a new queue is there with its settings; a stored region is used; a
 * revoked API key is refused. Prints the time from sending the change to D1
 * until it is effective on D2 and D3 (p50 / max). PostgreSQL only: two
 * daemons cannot share PGlite.
 * On both databases: the migration's triggers bump the version of the right
 * cache, and not for the writes the caches do not hold (delivery counters,
 * key use); on PGlite the sync is inactive. On PostgreSQL, two
 * flow services in this process on two connection pools: a version published
 * through one is what the other runs once its sync reloads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { until } from '../helpers/wait.ts';
import { surveyFlow } from '../helpers/flows.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import { makeRepos } from '../../src/db/repos/index.ts';
import { CacheVersionRepo } from '../../src/db/repos/cache-versions.ts';
import { listenPostgres } from '../../src/db/listen.ts';
import { CacheSync } from '../../src/services/cluster/cache-sync.ts';
import { FlowService } from '../../src/services/flows.ts';

/**
 * The multi-seat mode (queues) with an Asterisk that is not there: ARI is
 * retried, the lines stay offline, and the queues and agents API works from
 * the daemon's memory. No call is made here.
 */
const PBX = {
  lines: [{ id: 'trunk1', driver: 'asterisk', endpoint: 'PJSIP/nowhere', channels: 2 }],
  asterisk: { ari: { url: 'http://127.0.0.1:9', username: 'kefu', password: 'unused', app: 'kefu' } },
};

const figures = new Map<string, number[]>();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;

if (testDbKind() === 'postgres') {
  describe('in-memory caches across three daemons on one PostgreSQL', () => {
    let drop: () => Promise<void>;
    let d1: DaemonProcess;
    let d2: DaemonProcess;
    let d3: DaemonProcess;
    let db: Db;
    const receivers: Receiver[] = [];
    const logs = () => [d1, d2, d3].map((d, i) => `D${i + 1}:\n${d?.output().slice(-1500)}`).join('\n');

    beforeAll(async () => {
      const fresh = await freshDatabase();
      drop = fresh.drop;
      d1 = await startDaemonProcess({ databaseUrl: fresh.url, config: { ...PBX, events: { origin: 'd1' } } });
      d2 = await startDaemonProcess({ databaseUrl: fresh.url, config: { ...PBX, events: { origin: 'd2', pollMs: 60_000 } } });
      d3 = await startDaemonProcess({ databaseUrl: fresh.url, config: { ...PBX, events: { origin: 'd3', notify: false, pollMs: 300 } } });
      db = await openDb(fresh.url);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([d1?.stop(), d2?.stop(), d3?.stop()]);
      await db?.close();
      for (const r of receivers) await r.close();
      await drop?.();
      for (const [what, xs] of figures) {
        console.log(`cache sync, change sent (to D1 unless said) → effective on ${what}: p50 ${Math.round(pct(xs, 0.5))} ms, max ${Math.round(Math.max(...xs))} ms (${xs.length} runs: ${xs.map(Math.round).join(', ')})`);
      }
    });

    /** Sends the change to D1, then waits (probing every 10 ms) until each daemon shows it; records the times. */
    async function measure(what: string, change: () => Promise<void>, effective: Array<[string, DaemonProcess, () => Promise<boolean>]>): Promise<void> {
      const t0 = performance.now();
      await change();
      await Promise.all(effective.map(async ([name, , probe]) => {
        await until(`${what} on ${name}`, probe, { intervalMs: 10, detail: logs });
        const key = `${name} (${what})`;
        figures.set(key, [...(figures.get(key) ?? []), performance.now() - t0]);
      }));
    }

    const blocked = async (d: DaemonProcess, number: string) => (await d.api<{ blocked: boolean }>('GET', `/blacklist/check?number=${encodeURIComponent(number)}&direction=inbound`)).body.blocked;

    it('a blacklist entry added through D1 blocks on D2 (NOTIFY) and D3 (poll); its removal unblocks', async () => {
      for (let run = 0; run < 5; run++) {
        const number = `+86138001380${String(run).padStart(2, '0')}`;
        expect(await blocked(d2, number)).toBe(false);
        expect(await blocked(d3, number)).toBe(false);
        let id = '';
        await measure('blacklist add', async () => {
          const r = await d1.api<{ id: string }>('POST', '/blacklist', { number, direction: 'both' });
          expect(r.status).toBe(201);
          id = r.body.id;
        }, [['D2', d2, () => blocked(d2, number)], ['D3', d3, () => blocked(d3, number)]]);
        await measure('blacklist remove', async () => {
          expect((await d1.api('DELETE', `/blacklist/${id}`)).status).toBe(204);
        }, [['D2', d2, async () => !(await blocked(d2, number))], ['D3', d3, async () => !(await blocked(d3, number))]]);
      }
    });

    it('an agent created through D1 works on D2 and D3; the live states of their agents are kept', async () => {
      // an agent busy on D2 (ready) before the change
      expect((await d2.api('POST', '/agents', { id: 'live-d2', name: 'Live' })).status).toBe(201);
      expect((await d2.api('POST', '/agents/live-d2/state', { state: 'ready' })).status).toBe(200);
      const listed = async (d: DaemonProcess, id: string) => (await d.api<{ items: Array<{ id: string; state: string }> }>('GET', '/agents')).body.items.find((a) => a.id === id);
      for (let run = 0; run < 3; run++) {
        const id = `new-agent-${run}`;
        await measure('agent create', async () => {
          expect((await d1.api('POST', '/agents', { id, name: id })).status).toBe(201);
        }, [['D2', d2, async () => (await listed(d2, id)) !== undefined], ['D3', d3, async () => (await listed(d3, id)) !== undefined]]);
        expect((await d2.api('POST', `/agents/${id}/state`, { state: 'paused', reason: 'training' })).status).toBe(200);
      }
      expect((await listed(d2, 'live-d2'))?.state).toBe('ready');
      expect((await listed(d2, 'new-agent-0'))?.state).toBe('paused');
    });

    it('an agent\'s state set through D2 is the state D1 and D3 hold (one state per agent, sql/028)', async () => {
      const state = async (d: DaemonProcess, id: string) => (await d.api<{ items: Array<{ id: string; state: string; reason: string | null }> }>('GET', '/agents')).body.items.find((a) => a.id === id);
      for (const [run, want] of (['paused', 'ready', 'paused'] as const).entries()) {
        await measure('agent state sent to D2', async () => {
          expect((await d2.api('POST', '/agents/new-agent-1/state', { state: want, ...(want === 'paused' ? { reason: `r${run}` } : {}) })).status).toBe(200);
        }, [['D1', d1, async () => (await state(d1, 'new-agent-1'))?.state === want], ['D3', d3, async () => (await state(d3, 'new-agent-1'))?.state === want]]);
      }
      expect(await state(d1, 'new-agent-1')).toMatchObject({ state: 'paused', reason: 'r2' });
      // a change D1 makes from what it now holds is written (its version is current)
      expect((await d1.api('POST', '/agents/new-agent-1/state', { state: 'ready' })).status).toBe(200);
      await until('D2 follows D1', async () => (await state(d2, 'new-agent-1'))?.state === 'ready');
    });

    it('a queue created through D1 is in the ACD of D2 and D3, with its settings and the states their boards give its members', async () => {
      type Q = { queueId: string; strategy: string; serviceLevelS: number; agents: Record<string, number> };
      const queue = async (d: DaemonProcess, id: string) => (await d.api<{ items: Q[] }>('GET', '/queues')).body.items.find((q) => q.queueId === id);
      for (let run = 0; run < 3; run++) {
        const id = `sales-${run}`;
        await measure('queue create', async () => {
          expect((await d1.api('POST', '/queues', { id, name: id, strategy: 'longest-idle', members: ['new-agent-0', 'live-d2'], settings: { serviceLevelS: 30 + run } })).status).toBe(201);
        }, [['D2', d2, async () => (await queue(d2, id)) !== undefined], ['D3', d3, async () => (await queue(d3, id)) !== undefined]]);
        // the queue's members as D2's board has them: live-d2 ready on D2, new-agent-0 paused there
        expect(await queue(d2, id)).toMatchObject({ strategy: 'longest-idle', serviceLevelS: 30 + run, agents: { ready: 1, paused: 1 } });
        expect((await queue(d3, id))?.serviceLevelS).toBe(30 + run);
      }
    });

    /** Makes an agent.state event on `d` (a toggle), then looks for a delivery of one of `d`'s events at `rx`. */
    const delivers = (rx: Receiver, d: DaemonProcess, agentId: string) => {
      let i = 0;
      return async () => {
        await d.api('POST', `/agents/${agentId}/state`, { state: i++ % 2 === 0 ? 'paused' : 'ready', reason: 'training' });
        return rx.received.some((r) => (JSON.parse(r.body) as { data?: { agentId?: string } }).data?.agentId === agentId);
      };
    };

    it('a webhook subscription created through D1 delivers the events D2 and D3 emit; one disabled there stops matching', async () => {
      for (const d of [d2, d3]) expect((await d.api('POST', '/agents', { id: `wh-${d === d2 ? 'd2' : 'd3'}`, name: 'Hook' })).status).toBe(201);
      const hooks: string[] = [];
      for (let run = 0; run < 3; run++) {
        const rx = await startReceiver();
        receivers.push(rx);
        await measure('webhook create, until delivered', async () => {
          const r = await d1.api<{ item: { id: string } }>('POST', '/webhooks', { url: rx.url, events: ['agent.state'] });
          expect(r.status).toBe(201);
          hooks.push(r.body.item.id);
        }, [['D2', d2, delivers(rx, d2, 'wh-d2')], ['D3', d3, delivers(rx, d3, 'wh-d3')]]);
      }
      // the first one disabled through D1, then a new one: once D2 delivers to the new one it has reloaded past the
      // disabling (versions move in commit order), and none of the events it delivered there was put in the first's outbox
      expect((await d1.api('PATCH', `/webhooks/${hooks[0]}`, { enabled: false })).status).toBe(200);
      const rx = await startReceiver();
      receivers.push(rx);
      expect((await d1.api('POST', '/webhooks', { url: rx.url, events: ['agent.state'] })).status).toBe(201);
      await until('D2 delivers to the newest subscription', delivers(rx, d2, 'wh-d2'), { intervalMs: 10, detail: logs });
      const ids = rx.received.map((r) => JSON.parse(r.body) as { id: number; data: { agentId?: string } }).filter((b) => b.data.agentId === 'wh-d2').map((b) => b.id);
      expect(ids.length).toBeGreaterThan(0);
      const toFirst = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND (body::jsonb->>'id')::bigint = ANY($2::bigint[])", [hooks[0], ids]);
      expect(toFirst.rows[0]!.n).toBe(0);
      // while the second one (still enabled) got them
      const toSecond = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND (body::jsonb->>'id')::bigint = ANY($2::bigint[])", [hooks[1], ids]);
      expect(toSecond.rows[0]!.n).toBe(ids.length);
    });

    it('a region stored through D1 is used by D2 and D3', async () => {
      const region = async (d: DaemonProcess) => (await d.api<{ defaultRegion: string }>('GET', '/setup/status')).body.defaultRegion;
      for (const r of ['DE', 'FR', 'CN']) {
        await measure('stored region', async () => {
          expect((await d1.api('PUT', '/setup/region', { region: r })).status).toBe(200);
        }, [['D2', d2, async () => (await region(d2)) === r], ['D3', d3, async () => (await region(d3)) === r]]);
      }
    });

    it('an API key revoked through D1 is refused by D2 and D3 (verified keys are cached there)', async () => {
      const created = await d1.api<{ key: string; item: { id: string } }>('POST', '/keys', { role: 'supervisor', name: 'revoked-on-d1' });
      expect(created.status).toBe(201);
      const status = async (d: DaemonProcess) => (await fetch(`${d.url}/api/v1/agents`, { headers: { authorization: `Bearer ${created.body.key}` } })).status;
      // used on D2 and D3 first: each caches it as valid
      expect(await status(d2)).toBe(200);
      expect(await status(d3)).toBe(200);
      await measure('key revoke', async () => {
        expect((await d1.api('DELETE', `/keys/${created.body.item.id}`)).status).toBe(204);
      }, [['D2', d2, async () => (await status(d2)) === 401], ['D3', d3, async () => (await status(d3)) === 401]]);
    });
  });
}

const logger = pino({ level: 'silent' });

describe(`cache versions on ${testDbKind()}`, () => {
  let drop: () => Promise<void>;
  let url: string;
  let db: Db;
  let versions: CacheVersionRepo;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    url = fresh.url;
    db = await openDb(url);
    await migrate(db);
    versions = new CacheVersionRepo(db);
  }, 60_000);
  afterAll(async () => { await db?.close(); await drop?.(); });

  /** Runs `sql`, returns the caches whose version moved. */
  async function bumps(...sql: Array<[string, unknown[]?]>): Promise<string[]> {
    const before = await versions.all();
    for (const [q, p] of sql) await db.query(q, p ?? []);
    const after = await versions.all();
    return [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k).sort();
  }

  it('each cached table bumps its cache; writes the caches do not hold bump nothing', async () => {
    const hook = randomUUID();
    expect(await bumps([`INSERT INTO webhooks (id, url, events, secret) VALUES ($1, 'http://127.0.0.1:9/h', '{*}', 's')`, [hook]])).toEqual(['webhooks']);
    expect(await bumps(['UPDATE webhooks SET consecutive_dead = consecutive_dead + 1, updated_at = now() WHERE id = $1', [hook]])).toEqual([]);
    expect(await bumps(['UPDATE webhooks SET enabled = false WHERE id = $1', [hook]])).toEqual(['webhooks']);
    expect(await bumps([`INSERT INTO blacklist (id, kind, value, direction) VALUES ($1, 'number', '+8613800138000', 'both')`, [randomUUID()]])).toEqual(['blacklist']);
    expect(await bumps([`INSERT INTO agents (id, name) VALUES ('a1', 'A')`], [`INSERT INTO queues (id, name, strategy) VALUES ('q1', 'Q', 'ring-all')`],
      [`INSERT INTO queue_members (queue_id, agent_id) VALUES ('q1', 'a1')`])).toEqual(['acd']);
    expect(await bumps([`INSERT INTO agent_states (agent_id, state, since) VALUES ('a1', 'ready', now())`])).toEqual(['agent-states']);
    expect(await bumps([`INSERT INTO ivr_flows (id, name, current_version) VALUES ('f1', 'F', 1)`])).toEqual(['flows']);
    expect(await bumps([`INSERT INTO setup_settings (key, value) VALUES ('numbers.defaultRegion', '"DE"')`])).toEqual(['settings']);
    const key = randomUUID();
    expect(await bumps([`INSERT INTO api_keys (id, name, role, prefix, key_hash) VALUES ($1, 'k', 'admin', 'kefu_', 'h1')`, [key]],
      ['UPDATE api_keys SET last_used_at = now() WHERE id = $1', [key]])).toEqual([]);
    expect(await bumps(['UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key]])).toEqual(['auth']);
  });

  it(testDbKind() === 'pglite' ? 'PGlite: the sync is inactive (one process): no LISTEN, no poll, no reload' : 'PostgreSQL: a flow published through one flow service is what the other runs, after its sync', async () => {
    const a = new FlowService(makeRepos(db).flows, logger);
    await a.create(surveyFlow({ id: 'sync-flow', name: 'v1', question: 'One?' }));
    // PGlite: one database handle per folder (one process); PostgreSQL: another connection pool, as another daemon has
    const other = db.kind === 'postgres' ? await openDb(url) : db;
    const b = new FlowService(makeRepos(other).flows, logger);
    const sync = new CacheSync({
      repo: new CacheVersionRepo(other), logger, config: { pollMs: 60_000, notify: true },
      listen: other.kind === 'postgres' ? (c, n, l) => listenPostgres(url, c, n, l) : null,
    });
    try {
      await sync.baseline();
      sync.register('flows', async () => b.forgetAll());
      await sync.start();
      expect((await b.published('sync-flow')).name).toBe('v1');
      await a.save('sync-flow', surveyFlow({ id: 'sync-flow', name: 'v2', question: 'Two?' }), true);
      if (!sync.active) {
        expect(sync.stats).toEqual({ notifies: 0, polls: 0, reloads: 0, failures: 0 });
        expect((await b.published('sync-flow')).name).toBe('v1');
        return;
      }
      await until('the other flow service runs v2', async () => (await b.published('sync-flow')).name === 'v2');
      expect(sync.stats.reloads).toBeGreaterThanOrEqual(1);
      expect(sync.stats.notifies).toBeGreaterThanOrEqual(1);
    } finally {
      await sync.stop();
      if (other !== db) await other.close();
    }
  });
});
