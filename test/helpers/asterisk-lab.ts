/**
 * The real Asterisk lab (scripts/asterisk-lab): a pbx and a carrier instance
 * on 127.0.0.1. The carrier is the far side: callers with caller ID and DTMF,
 * agents' phones, and callees kefu dials out to. `callee()` builds the number
 * of a scripted callee (a person, an answering machine, busy, no answer,
 * congestion, a person who presses a key): see callees.ts for the digit
 * scheme and how kefu dials such a number.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiClient } from '../../drivers/asterisk/ami-client.ts';
import { ROOT } from './daemon.ts';
import { until } from './wait.ts';

export { callee, type CalleeKind, type CalleeOptions } from './callees.ts';

export interface Lab {
  dir: string;
  env: Record<string, string>;
  carrier: AmiClient;
  /** The carrier places a call into the pbx: caller ID, then after answer it waits, presses keys, holds. */
  call(opts: { number: string; name?: string; did?: string; dtmf?: string; preWaitS?: number; holdS?: number; say?: string; recordTo?: string; afterDtmf?: string; afterWaitS?: number }): Promise<void>;
  cli(which: 'pbx' | 'carrier', command: string): string;
  /** GET on the lab pbx's ARI (`/channels`, `/bridges`, `/asterisk/info`), read directly: what Asterisk has, not what a daemon says. */
  ari<T>(path: string): Promise<T>;
  restart(which: 'pbx' | 'carrier', opts?: { crash?: boolean }): void;
  stop(): Promise<void>;
}

export const LAB_SCRIPT = join(ROOT, 'scripts/asterisk-lab');
const SCRIPT = LAB_SCRIPT;

/** Starts a layout of the lab script (`start`, `start-ha`) in a new folder: its folder, lab.env, and the carrier's AMI connected. */
export async function startLayout(command: 'start' | 'start-ha'): Promise<{ dir: string; env: Record<string, string>; carrier: AmiClient }> {
  const dir = mkdtempSync(join(tmpdir(), command === 'start' ? 'kefu-lab-' : 'kefu-halab-'));
  execFileSync('bash', [SCRIPT, command, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const env = Object.fromEntries(readFileSync(join(dir, 'lab.env'), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const carrier = new AmiClient({ host: '127.0.0.1', port: Number(env.KEFU_LAB_CARRIER_AMI_PORT), username: env.KEFU_LAB_CARRIER_AMI_USER!, secret: env.KEFU_LAB_CARRIER_AMI_SECRET! });
  await carrier.connect();
  return { dir, env, carrier };
}

/**
 * Lab.call: the carrier places a call on its trunk `pbx` (to the pbx, or to
 * Kamailio in the HA layout); with `target` (host:port) straight to that
 * address instead (an HA node, past Kamailio).
 */
export function carrierCall(carrier: AmiClient, target?: string): Lab['call'] {
  return async (o) => {
    const vars = [`DTMF=${o.dtmf ?? ''}`, `PRE_WAIT=${o.preWaitS ?? 1}`, `HOLD=${o.holdS ?? 5}`, `SAY=${o.say ?? ''}`, `RECORD_TO=${o.recordTo ?? ''}`, `AFTER_DTMF=${o.afterDtmf ?? ''}`, `AFTER_WAIT=${o.afterWaitS ?? 1}`];
    await carrier.action('Originate', {
      Channel: target ? `PJSIP/pbx/sip:${o.did ?? '8000'}@${target}` : `PJSIP/${o.did ?? '8000'}@pbx`, Context: 'caller', Exten: 's', Priority: 1,
      CallerID: `"${o.name ?? ''}" <${o.number}>`, Variable: vars, Async: 'true', Timeout: 30000,
    });
  };
}

export async function startLab(): Promise<Lab> {
  const { dir, env, carrier } = await startLayout('start');
  return {
    dir, env, carrier,
    call: carrierCall(carrier),
    cli: (which, command) => execFileSync('bash', [SCRIPT, 'cli', which, dir, command], { encoding: 'utf8' }),
    async ari<T>(path: string): Promise<T> {
      const auth = Buffer.from(`${env.KEFU_LAB_PBX_ARI_USER}:${env.KEFU_LAB_PBX_ARI_PASSWORD}`).toString('base64');
      return (await (await fetch(`${env.KEFU_LAB_PBX_ARI_URL}/ari${path}`, { headers: { authorization: `Basic ${auth}` } })).json()) as T;
    },
    restart: (which, opts = {}) => { execFileSync('bash', [SCRIPT, 'restart', which, dir, ...(opts.crash ? ['--crash'] : [])], { stdio: 'ignore' }); },
    async stop() {
      await carrier.close();
      execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Daemon config for the lab's pbx: one trunk line plus `extra` (seats, flows...). */
export function labDaemonConfig(lab: Lab, line: { channels: number; flow: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const e = lab.env;
  return {
    lines: [{ id: 'trunk1', driver: 'asterisk', endpoint: `PJSIP/${e.KEFU_LAB_PBX_TRUNK}`, channels: line.channels, inbound: { flow: line.flow } }],
    asterisk: {
      ami: { host: '127.0.0.1', port: Number(e.KEFU_LAB_PBX_AMI_PORT), username: e.KEFU_LAB_PBX_AMI_USER, secret: e.KEFU_LAB_PBX_AMI_SECRET },
      ari: { url: e.KEFU_LAB_PBX_ARI_URL, username: e.KEFU_LAB_PBX_ARI_USER, password: e.KEFU_LAB_PBX_ARI_PASSWORD, app: e.KEFU_LAB_PBX_ARI_APP },
    },
    ...extra,
  };
}

export interface LegOut { kind: string; channelId: string | null; seatId: string | null; agentId: string | null; mode: string | null; answeredAt: string | null; endedAt: string | null; endCause: string | null; sipCallId: string | null }

/**
 * GET /calls/{id} once every leg is closed: a leg closes when Asterisk reports
 * its channel gone, a moment after the call ended.
 */
export async function settledCall<T extends { legs: LegOut[] }>(daemon: { api<R>(m: string, p: string): Promise<{ body: R }> }, id: string): Promise<T> {
  let last: T | undefined;
  return until(`every leg of call ${id} closed`, async () => {
    last = (await daemon.api<T>('GET', `/calls/${id}`)).body;
    return last.legs?.every((l) => l.endedAt !== null) ? last : null;
  }, { timeoutMs: 10_000, detail: () => JSON.stringify(last) });
}
