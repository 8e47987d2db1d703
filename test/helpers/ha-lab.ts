/**
 * The lab's HA layout (scripts/asterisk-lab start-ha; docs/scale-out.md,
 * "Kamailio"): the carrier, Kamailio, and two pbx instances with the pbx's
 * config (pbxa, pbxb). The carrier's trunk points at Kamailio, which sends
 * each call to pbx A while it answers its OPTIONS probes, else to pbx B.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiClient } from '../../drivers/asterisk/ami-client.ts';
import pg from 'pg';
import { carrierCall, LAB_SCRIPT, startLayout, type Lab } from './asterisk-lab.ts';
import { freshDatabase } from './db.ts';
import { startDaemonProcess, type DaemonProcess } from './daemon.ts';
import { waitForLineIdle } from './wait.ts';

export type HaNode = 'pbxa' | 'pbxb';

export interface HaLab {
  dir: string;
  env: Record<string, string>;
  carrier: AmiClient;
  /** The carrier places a call through Kamailio (same options as Lab.call). */
  call: Lab['call'];
  /** The carrier places a call straight to one node, past Kamailio (callers on a chosen node). */
  callAt(which: HaNode, o: Parameters<Lab['call']>[0]): Promise<void>;
  cli(which: HaNode | 'carrier', command: string): string;
  /** SIGKILL one pbx and leave it dead. */
  crash(which: HaNode): void;
  /** Start it again (after a crash), or stop and start it. */
  restart(which: HaNode, opts?: { crash?: boolean }): void;
  /** PID of a running instance (from lab.env). */
  pid(which: HaNode | 'carrier' | 'kamailio'): number;
  stop(): Promise<void>;
}

export async function startHaLab(): Promise<HaLab> {
  const { dir, env, carrier } = await startLayout('start-ha');
  const reread = (): void => {
    // restart rewrites the PIDs in lab.env
    const fresh = readFileSync(join(dir, 'lab.env'), 'utf8');
    for (const l of fresh.trim().split('\n')) env[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  };
  return {
    dir, env, carrier,
    call: carrierCall(carrier),
    callAt: (which, o) => carrierCall(carrier, `127.0.0.1:${which === 'pbxa' ? env.KEFU_LAB_PBX_SIP_PORT : env.KEFU_LAB_PBXB_SIP_PORT}`)(o),
    cli: (which, command) => execFileSync('bash', [LAB_SCRIPT, 'cli', which, dir, command], { encoding: 'utf8' }),
    crash: (which) => { execFileSync('bash', [LAB_SCRIPT, 'crash', which, dir], { stdio: 'ignore' }); },
    restart: (which, opts = {}) => { execFileSync('bash', [LAB_SCRIPT, 'restart', which, dir, ...(opts.crash ? ['--crash'] : [])], { stdio: 'ignore' }); reread(); },
    pid: (which) => Number(env[`KEFU_LAB_${which.toUpperCase()}_PID`]),
    async stop() {
      await carrier.close();
      execFileSync('bash', [LAB_SCRIPT, 'stop', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Daemon config for one node of the HA lab: one trunk line (its own id: the
 * sweeper and a takeover close the calls of a node's lines only) plus `extra`.
 */
export function haDaemonConfig(lab: HaLab, which: HaNode, line: { id: string; channels: number; flow: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const e = lab.env;
  const ami = Number(which === 'pbxa' ? e.KEFU_LAB_PBX_AMI_PORT : e.KEFU_LAB_PBXB_AMI_PORT);
  const url = which === 'pbxa' ? e.KEFU_LAB_PBX_ARI_URL : e.KEFU_LAB_PBXB_ARI_URL;
  return {
    lines: [{ id: line.id, driver: 'asterisk', endpoint: `PJSIP/${e.KEFU_LAB_PBX_TRUNK}`, channels: line.channels, inbound: { flow: line.flow } }],
    asterisk: {
      ami: { host: '127.0.0.1', port: ami, username: e.KEFU_LAB_PBX_AMI_USER, secret: e.KEFU_LAB_PBX_AMI_SECRET },
      ari: { url, username: e.KEFU_LAB_PBX_ARI_USER, password: e.KEFU_LAB_PBX_ARI_PASSWORD, app: e.KEFU_LAB_PBX_ARI_APP },
    },
    ...extra,
  };
}

/** One daemon per node of the HA lab on one PostgreSQL database (startTwoNodes). */
export interface TwoNodes {
  lab: HaLab;
  /** The database's URL; `sql` is a client on it. */
  url: string;
  sql: pg.Client;
  /** DA owns node-a (pbx A, line trunk-a); DB owns node-b (pbx B, line trunk-b). */
  da: DaemonProcess;
  dbn: DaemonProcess;
  /** With `standbys`: SA stands by for node-a, SB for node-b (owners `sa`, `sb`). */
  sa: DaemonProcess | null;
  sb: DaemonProcess | null;
  stop(): Promise<void>;
}

/**
 * The HA lab, a fresh PostgreSQL database and two daemons, DA on node A and
 * DB on node B (cluster.enabled, owners `da` and `db`, leaseS 4, renewS 1,
 * plus `cluster` and `extra`). `first` runs on DA before DB starts (flows,
 * agents, queues DB then loads at its start); both lines are idle on return.
 */
export async function startTwoNodes(o: {
  line: { channels: number; flow: string };
  cluster?: Record<string, unknown>;
  /** More daemon config; a function of the lab for what depends on its ports (a seat reached through Kamailio). */
  extra?: Record<string, unknown> | ((lab: HaLab) => Record<string, unknown>);
  first?: (da: DaemonProcess) => Promise<void>;
  /** A second daemon for each node, started once both owners drive their nodes (two machines, each running an owner and the other's standby). */
  standbys?: boolean;
}): Promise<TwoNodes> {
  const lab = await startHaLab();
  const db = await freshDatabase('postgres');
  const sql = new pg.Client({ connectionString: db.url });
  let da: DaemonProcess | undefined;
  let dbn: DaemonProcess | undefined;
  let sa: DaemonProcess | undefined;
  let sb: DaemonProcess | undefined;
  // in start order, backwards; also when the start fails half-way
  const stop = async (): Promise<void> => {
    await sb?.stop();
    await sa?.stop();
    await da?.stop();
    await dbn?.stop();
    await sql.end();
    await lab.stop();
    await db.drop();
  };
  try {
    await sql.connect();
    const config = (which: HaNode, node: string, owner: string, line: string) => haDaemonConfig(lab, which, { id: line, ...o.line },
      { ...(typeof o.extra === 'function' ? o.extra(lab) : o.extra), cluster: { enabled: true, node, owner, leaseS: 4, renewS: 1, ...o.cluster } });
    da = await startDaemonProcess({ databaseUrl: db.url, config: config('pbxa', 'node-a', 'da', 'trunk-a') });
    await o.first?.(da);
    dbn = await startDaemonProcess({ databaseUrl: db.url, config: config('pbxb', 'node-b', 'db', 'trunk-b') });
    await waitForLineIdle(da, 'trunk-a');
    await waitForLineIdle(dbn, 'trunk-b');
    if (o.standbys) {
      sa = await startDaemonProcess({ databaseUrl: db.url, config: config('pbxa', 'node-a', 'sa', 'trunk-a') });
      sb = await startDaemonProcess({ databaseUrl: db.url, config: config('pbxb', 'node-b', 'sb', 'trunk-b') });
    }
  } catch (err) {
    await stop().catch(() => undefined); // the start's own error is the one to report
    throw err;
  }
  return { lab, url: db.url, sql, da, dbn, sa: sa ?? null, sb: sb ?? null, stop };
}
