/**
 * The typed client in clients/typescript, as an integrator gets it: its types
 * generated (openapi-typescript) from the documents of a running daemon
 * (`serve --demo`, a process), the sample integration type-checked with tsc
 * against them, then run against that daemon: a customer created and found by
 * another written form of the number, the event stream opened, call.ringing on
 * the demo line handled, the call record and its recording fetched. Prints the
 * time from call.ringing emitted to the integrator's handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../helpers/db.ts';
import { ROOT, TEST_KEY, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';

describe('the typed TypeScript client against a daemon', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let dir: string;
  beforeAll(async () => {
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo'] });
    dir = mkdtempSync(join(tmpdir(), 'kefu-client-'));
    for (const part of ['src', 'examples', 'scripts', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, 'clients/typescript', part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  }, 90_000);
  afterAll(async () => {
    await daemon?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates from the running daemon, type-checks the sample integration and runs it', () => {
    const run = (args: string[], env: Record<string, string> = {}, timeout = 120_000) => {
      const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout, env: { ...process.env, ...env } });
      if (r.status !== 0) throw new Error(`${args.join(' ')} -> ${r.status}\n${r.stdout}\n${r.stderr}\n${daemon.output().slice(-4000)}`);
      return r.stdout;
    };
    expect(run(['scripts/generate.mjs', daemon.url, join(dir, 'src')])).toMatch(/wrote .*openapi\.d\.ts/);
    run([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    const out = run(['--import', 'tsx', 'examples/first-integration.ts'], { KEFU_URL: daemon.url, KEFU_KEY: TEST_KEY }, 180_000);
    const steps = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const step = (name: string) => steps.find((s) => s.step === name)!;
    expect(steps.map((s) => s.step)).toEqual(['customer created', 'customer found', 'call.ringing', 'call fetched', 'done']);
    expect(step('customer found').ids).toEqual([step('customer created').id]);
    expect(step('call.ringing').number).toBe('+8613912345678');
    expect(step('done').customerMatched).toBe(true);
    expect(step('call fetched').recordingBytes).toBeGreaterThan(44);
    const latency = step('done').handlerLatencyMs as number;
    expect(latency).toBeGreaterThanOrEqual(0);
    console.log(`call.ringing → integrator's handler: ${latency} ms`);
  }, 300_000);
});
