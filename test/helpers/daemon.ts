/**
 * Runs the real daemon, the compiled release, as a child process
 * (`node bin/kefu.js serve`, refused when dist/ is stale: ./release.ts) with a
 * config written for the test, and talks to it over HTTP and the WebSocket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import WebSocket from 'ws';
import { kefuBin } from './release.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_KEY = 'kefu_test_admin_key_0123456789abcdef';
/** The console user "admin" of test daemons. */
export const TEST_ADMIN_PASSWORD = 'kefu-test-admin-pw';

export interface DaemonProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers; raw: Buffer }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start the daemon; resolves when it printed its URL. `config` is merged over a test base. */
export async function startDaemonProcess(opts: {
  databaseUrl: string; config?: Record<string, unknown>; dataDir?: string; args?: string[];
  /** Working directory of the daemon (default: the repository). */
  cwd?: string;
  /** Environment over the test defaults; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
}): Promise<DaemonProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kefu-daemon-'));
  const configPath = join(dataDir, 'kefu.yaml');
  writeFileSync(configPath, stringify({
    http: { host: '127.0.0.1', port: 0 },
    database: { url: opts.databaseUrl },
    dataDir,
    log: { level: 'info' },
    ...opts.config,
  }));
  // KEFU_DAEMON_NODE_ARGS: node flags for the daemon only (e.g. --cpu-prof --cpu-prof-dir=DIR when profiling a benchmark)
  const nodeArgs = process.env.KEFU_DAEMON_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, kefuBin(), 'serve', '--config', configPath, ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: Object.fromEntries(Object.entries({ ...process.env, KEFU_BOOTSTRAP_KEY: TEST_KEY, KEFU_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, ...opts.env }).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /kefu: console (http:\/\/[^/\s]+)\//.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited with ${code}:\n${out}`)); });
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    url, dataDir, child,
    output: () => out,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const raw = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, raw, body: (type.includes('json') && raw.length ? JSON.parse(raw.toString()) : undefined) as T };
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export interface KefuEventMsg { type: string; at: string; data: Record<string, unknown> }

/** A WebSocket client of /api/v1/events that keeps every event and can wait for one. */
export async function eventClient(url: string, key = TEST_KEY, since?: number): Promise<{
  events: KefuEventMsg[];
  waitFor(pred: (e: KefuEventMsg) => boolean, timeoutMs?: number): Promise<KefuEventMsg>;
  close(): void;
}> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events${since === undefined ? '' : `?since=${since}`}`, ['kefu', `kefu.bearer.${key}`]);
  const events: KefuEventMsg[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (d: Buffer) => { events.push(JSON.parse(d.toString()) as KefuEventMsg); for (const w of waiters) w(); });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    events,
    waitFor(pred, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < events.length; seen++) {
            if (pred(events[seen]!)) { waiters.delete(check); clearTimeout(t); resolve(events[seen]!); return; }
          }
        };
        const t = setTimeout(() => { waiters.delete(check); reject(new Error(`event not seen in ${timeoutMs} ms; got: ${events.map((e) => e.type).join(', ')}`)); }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
}
