/**
 * A linked pseudo-terminal pair made by socat: the driver opens one end, the
 * modem simulator the other. Ptys carry no modem control lines (DTR/RTS/DCD).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Path the driver opens. */
  readonly driverPath: string;
  /** Path the simulator opens. */
  readonly simulatorPath: string;
  /** True while socat runs (both paths exist). */
  readonly running: boolean;
  /** Kills socat (the driver's end then reports the device gone) and, with `{ keepDir }` false, removes the temp folder. */
  close(opts?: { keepDir?: boolean }): Promise<void>;
  /** Starts socat again with the same link paths (a device that came back). */
  restart(): Promise<void>;
}

export interface PtyOptions {
  /** socat binary. Default /usr/bin/socat. */
  socat?: string;
  /** Longest wait for both links to appear. Default 5000 ms. */
  timeoutMs?: number;
  /** Folder for the two links (created if missing), so the paths stay the same across runs. Default: a new temp folder. */
  dir?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function startSocat(bin: string, a: string, b: string, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(bin, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  let exited: string | null = null;
  child.on('exit', (code, sig) => (exited = `socat exited (${code ?? sig})`));
  child.on('error', (err) => (exited = `socat failed: ${err.message}`));
  const t0 = Date.now();
  while (!(existsSync(a) && existsSync(b))) {
    if (exited) throw new Error(`${exited}: ${stderr.trim()}`);
    if (Date.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`socat did not create ${a} and ${b} within ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await sleep(10);
  }
  return child;
}

async function stopSocat(child: ChildProcess, links: string[]): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([gone, sleep(2000)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await gone;
    }
  }
  // socat removes its links on a clean exit; make sure they are gone either way.
  for (const l of links) await rm(l, { force: true });
}

/** Spawns `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` with temp link paths and waits for both links. */
export async function createPtyPair(opts: PtyOptions = {}): Promise<PtyPair> {
  const bin = opts.socat ?? '/usr/bin/socat';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'kefu-pty-'));
  if (opts.dir) {
    await mkdir(dir, { recursive: true });
    // Links left by a run that did not stop cleanly.
    await rm(join(dir, 'driver'), { force: true });
    await rm(join(dir, 'modem'), { force: true });
  }
  const driverPath = join(dir, 'driver');
  const simulatorPath = join(dir, 'modem');
  let child: ChildProcess | null = await startSocat(bin, driverPath, simulatorPath, timeoutMs);
  return {
    driverPath,
    simulatorPath,
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    async close(o = {}) {
      if (child) await stopSocat(child, [driverPath, simulatorPath]);
      child = null;
      if (!o.keepDir) await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      if (child) await stopSocat(child, [driverPath, simulatorPath]);
      child = await startSocat(bin, driverPath, simulatorPath, timeoutMs);
    },
  };
}
