/**
 * A PostgreSQL 15 server of one test's own (Debian's binaries), on a free
 * loopback port, that the test may restart or stop: the HA harness's T4
 * restarts the database under two daemons. As root the server runs as the
 * `postgres` user (PostgreSQL refuses root); otherwise as the current user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface PgServer {
  url: string;
  port: number;
  /** Fast shutdown (every connection is cut), `downMs` with no server, then start; resolves once it accepts connections again. */
  restart(downMs?: number): Promise<void>;
  /** Fast shutdown (every connection is cut); the data stays for up(). */
  down(): void;
  /** Start again after down(); returns once it accepts connections. */
  up(): void;
  stop(): void;
}

/** A free TCP port on loopback (asked of the kernel). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

function run(cmd: string, args: string[]): void {
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
  else execFileSync(cmd, args, { stdio: 'ignore' });
}

export async function startPgServer(): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const pwFile = join(dir, 'pw');
  const password = `kefu${Math.random().toString(36).slice(2)}`;
  writeFileSync(pwFile, password, { mode: 0o644 });
  run(join(BIN, 'initdb'), ['-D', data, '-U', 'kefu', '--pwfile', pwFile, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (what: 'start' | 'stop') =>
    run(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-m', 'fast', ...(what === 'stop' ? [] : ['-o', opts]), what]);
  ctl('start');
  return {
    url: `postgres://kefu:${password}@127.0.0.1:${port}/postgres`,
    port,
    async restart(downMs = 0) {
      ctl('stop');
      // the outage's length is the fault being tested (T4), not a wait for a state
      await new Promise((r) => setTimeout(r, downMs));
      ctl('start');
    },
    down() { ctl('stop'); },
    up() { ctl('start'); },
    stop() {
      try { ctl('stop'); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
