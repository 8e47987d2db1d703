/**
 * A PostgreSQL 15 cluster as docs/scale-out.md recommends it, on this
 * machine: etcd (one member), two servers run by Patroni with the shipped
 * deploy/patroni/patroni.yml (synchronous replication), and HAProxy with the
 * shipped deploy/patroni/haproxy.cfg as the one address kefu connects to.
 * As root, Patroni (and so PostgreSQL) runs as the `postgres` user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './pg-server.ts';
import { until } from './wait.ts';

const ROOT = join(import.meta.dirname, '../..');
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface Proc { child: ChildProcess; out: string[] }

function start(cmd: string, args: string[], env: Record<string, string>, asPostgres = false): Proc {
  const [file, argv] = asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out: string[] = [];
  const keep = (d: Buffer) => { out.push(d.toString()); if (out.length > 400) out.splice(0, 100); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, out };
}

const gone = (p: ChildProcess) => p.exitCode !== null || p.signalCode !== null;

async function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (gone(p.child)) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  // the process group: runuser, Patroni and the PostgreSQL it started
  try { process.kill(-p.child.pid!, signal); } catch { /* gone */ }
  await exited;
}

export interface PatroniServer { name: string; pgPort: number; apiPort: number }

export interface PatroniCluster {
  /** kefu's database.url: HAProxy's front, which leads to the primary. */
  url: string;
  servers: PatroniServer[];
  /** The server that is primary now (Patroni's REST API), or null while there is none. */
  primary(): Promise<PatroniServer | null>;
  /** SIGKILL one server's Patroni and its PostgreSQL (the machine dies); the other is promoted once the leader key runs out. */
  kill(name: string): Promise<void>;
  /** A planned switchover (what `patronictl switchover` asks of Patroni's REST API): `candidate` leads, the primary becomes its standby. */
  switchover(leader: string, candidate: string): Promise<void>;
  /** Whether a server runs as a standby that replicates (Patroni's REST API: GET /replica). */
  isReplica(name: string): Promise<boolean>;
  /** What each process printed last (for a failing test's message). */
  logs(): string;
  stop(): Promise<void>;
}

async function api(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> | null }> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
    const text = await r.text();
    let body: Record<string, unknown> | null = null;
    try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
    return { status: r.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

export async function startPatroni(): Promise<PatroniCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-patroni-'));
  chmodSync(dir, 0o777);
  const password = `kefu${Math.random().toString(36).slice(2)}`;
  const procs: Proc[] = [];
  const named = new Map<string, Proc>();
  try {
    const [etcdClient, etcdPeer, front] = [await freePort(), await freePort(), await freePort()];
    procs.push(start('etcd', ['--name', 'e1', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `e1=http://127.0.0.1:${etcdPeer}`], {}));
    await until('etcd answers', async () => (await api(etcdClient, '/health')).status === 200, { timeoutMs: 30_000 });

    const servers: PatroniServer[] = [];
    for (const name of ['pg1', 'pg2']) {
      const s = { name, pgPort: await freePort(), apiPort: await freePort() };
      servers.push(s);
      const data = join(dir, name);
      mkdirSync(data, { mode: 0o777 });
      chmodSync(data, 0o777);
      const p = start('patroni', [join(ROOT, 'deploy/patroni/patroni.yml')], {
        PATRONI_NAME: name,
        PATRONI_RESTAPI_LISTEN: `127.0.0.1:${s.apiPort}`, PATRONI_RESTAPI_CONNECT_ADDRESS: `127.0.0.1:${s.apiPort}`,
        PATRONI_POSTGRESQL_LISTEN: `127.0.0.1:${s.pgPort}`, PATRONI_POSTGRESQL_CONNECT_ADDRESS: `127.0.0.1:${s.pgPort}`,
        PATRONI_POSTGRESQL_DATA_DIR: join(data, 'data'), PATRONI_POSTGRESQL_PGPASS: join(data, 'pgpass'),
        PATRONI_ETCD3_HOSTS: `127.0.0.1:${etcdClient}`,
        PATRONI_SUPERUSER_USERNAME: 'kefu', PATRONI_SUPERUSER_PASSWORD: password,
        PATRONI_REPLICATION_USERNAME: 'replicator', PATRONI_REPLICATION_PASSWORD: password,
      }, true);
      procs.push(p);
      named.set(name, p);
      // the first server bootstraps the cluster; the second starts once it leads (it copies the primary)
      if (name === 'pg1') await until('pg1 is the primary', async () => (await api(s.apiPort, '/primary')).status === 200, { timeoutMs: 60_000, detail: () => p.out.join('') });
    }
    await until('pg2 is the synchronous standby', async () => (await api(servers[1]!.apiPort, '/synchronous')).status === 200, { timeoutMs: 60_000, detail: () => procs.map((p) => p.out.join('')).join('\n---\n') });

    procs.push(start('haproxy', ['-db', '-f', join(ROOT, 'deploy/patroni/haproxy.cfg')], {
      KEFU_PG_FRONT: `127.0.0.1:${front}`,
      KEFU_PG1: `127.0.0.1:${servers[0]!.pgPort}`, KEFU_PG1_API_PORT: String(servers[0]!.apiPort),
      KEFU_PG2: `127.0.0.1:${servers[1]!.pgPort}`, KEFU_PG2_API_PORT: String(servers[1]!.apiPort),
    }));
    const url = `postgres://kefu:${password}@127.0.0.1:${front}/postgres`;
    // HAProxy counts a server up until its checks fail: wait until it has marked the standby down
    const haproxy = procs[procs.length - 1]!;
    await until('HAProxy marks the standby down', () => haproxy.out.join('').includes('kefu-primary/pg2 is DOWN'),
      { timeoutMs: 30_000, detail: () => procs.map((p) => p.out.join('')).join('\n---\n') });
    await until('HAProxy leads to the primary', () => spawnSync('/usr/lib/postgresql/15/bin/psql', [url, '-tAc', 'SELECT NOT pg_is_in_recovery()'], { encoding: 'utf8' }).stdout.trim() === 't',
      { timeoutMs: 30_000, detail: () => procs.map((p) => p.out.join('')).join('\n---\n') });

    return {
      url, servers,
      async primary() {
        for (const s of servers) if ((await api(s.apiPort, '/primary')).status === 200) return s;
        return null;
      },
      async kill(name) {
        // Patroni starts PostgreSQL in a session of its own: its postmaster is killed by its PID
        const pid = Number(readFileSync(join(dir, name, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
        await stopProc(named.get(name)!, 'SIGKILL');
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      },
      async switchover(leader, candidate) {
        const s = servers.find((x) => x.name === leader)!;
        const r = await fetch(`http://127.0.0.1:${s.apiPort}/switchover`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ leader, candidate }), signal: AbortSignal.timeout(60_000),
        });
        if (r.status !== 200) throw new Error(`Patroni switchover ${leader} -> ${candidate}: ${r.status} ${await r.text()}`);
      },
      async isReplica(name) { return (await api(servers.find((x) => x.name === name)!.apiPort, '/replica')).status === 200; },
      logs: () => procs.map((p) => p.out.join('').slice(-4000)).join('\n---\n'),
      async stop() {
        for (const p of [...procs].reverse()) await stopProc(p);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const p of [...procs].reverse()) await stopProc(p);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
