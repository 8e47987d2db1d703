/** The kefu command as a user runs it: exit codes, messages, first start, diagnostics, docs. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import WebSocket from 'ws';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT, startDaemonProcess } from '../helpers/daemon.ts';
import { kefuBin } from '../helpers/release.ts';
import { until } from '../helpers/wait.ts';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';

const kefu = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [kefuBin(), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

/** Like kefu() but without blocking this process (an in-process simulator must keep answering). */
const kefuAsync = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  const child = spawn(process.execPath, [kefuBin(), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('exit', (status) => resolve({ status, stdout, stderr }));
});

describe(`kefu command on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  const config = (extra: Record<string, unknown> = {}) => {
    const p = join(dir, `kefu-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(p, stringify({ database: { url: db.url }, dataDir: dir, http: { port: 0 }, ...extra }));
    return p;
  };
  beforeAll(async () => { db = await freshDatabase(); dir = mkdtempSync(join(tmpdir(), 'kefu-cli-')); });
  afterAll(async () => { await db.drop(); });

  it('a bad config exits 2 naming the key, the value and what was expected', () => {
    const r = kefu(['serve', '--config', config({ http: { port: 'eighty' } })]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('http.port = "eighty"');
    const u = kefu(['frobnicate']);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('unknown command "frobnicate"');
  });

  it('migrate, then keys create with a role; a bad role exits 2', () => {
    const cfg = config();
    const m = kefu(['migrate', '--config', cfg]);
    expect(m.status, m.stderr).toBe(0);
    expect(kefu(['migrate', '--config', cfg]).stdout).toContain('up to date');
    const k = kefu(['keys', 'create', '--role', 'integrator', '--config', cfg]);
    expect(k.status, k.stderr).toBe(0);
    expect(k.stdout.trim()).toMatch(/^kefu_[A-Za-z0-9_-]{20,}$/);
    const bad = kefu(['keys', 'create', '--role', 'root', '--config', cfg]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('expected one of admin, supervisor, agent, integrator');
  });

  it('keys list shows no secret; keys revoke revokes for good; a bound agent key', () => {
    const cfg = config();
    const k = kefu(['keys', 'create', '--role', 'agent', '--agent', 'li-na', '--name', 'desk 1', '--config', cfg]);
    expect(k.status, k.stderr).toBe(0);
    const secret = k.stdout.trim();
    const list = kefu(['keys', 'list', '--config', cfg]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(secret);
    const line = list.stdout.split('\n').find((l) => l.includes('desk 1'))!;
    expect(line).toMatch(/agent\s+li-na\s+active/);
    const id = line.split(/\s+/)[0]!;
    expect(kefu(['keys', 'revoke', id, '--config', cfg]).status).toBe(0);
    expect(kefu(['keys', 'list', '--config', cfg]).stdout.split('\n').find((l) => l.startsWith(id))).toContain('revoked');
    const again = kefu(['keys', 'revoke', 'not-an-id', '--config', cfg]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('expected one key id');
  });

  it('first start prints an admin key once; the API, WebSocket and docs need it; OpenAPI is served', async () => {
    const fresh = await freshDatabase();
    const child = spawn(process.execPath, [kefuBin(), 'serve', '--config', (() => {
      const p = join(dir, 'first.yaml');
      writeFileSync(p, stringify({ database: { url: fresh.url }, dataDir: mkdtempSync(join(tmpdir(), 'kefu-first-')), http: { port: 0 }, log: { level: 'warn' } }));
      return p;
    })()], { cwd: ROOT, env: { ...process.env, KEFU_BOOTSTRAP_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await until('the daemon prints its console URL', () => /kefu: console/.test(out), { timeoutMs: 60_000, detail: () => out });
      const key = /Admin API key[^\n]*\n\s+(kefu_\S+)/.exec(out)?.[1];
      expect(key, out).toBeDefined();
      const url = /kefu: console (http:\/\/\S+?)\//.exec(out)![1]!;
      expect((await fetch(`${url}/api/v1/customers`)).status).toBe(401);
      expect((await fetch(`${url}/api/v1/customers`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      const ok = await fetch(`${url}/api/v1/customers`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      const doc = await (await fetch(`${url}/api/v1/openapi.json`)).json() as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\./);
      for (const p of ['/api/v1/customers', '/api/v1/calls', '/api/v1/calls/{id}/recording', '/api/v1/blacklist', '/api/v1/ivr/flows', '/api/v1/lines', '/api/v1/contacts']) expect(Object.keys(doc.paths)).toContain(p);
      expect((await fetch(`${url}/docs/`)).status).toBe(200);
      const denied = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/events`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => { ws.close(); resolve(101); });
        ws.on('error', () => resolve(-1));
      });
      expect(denied).toBe(401);
      expect(out).not.toContain(`"${key}"`); // the key is shown once on stdout, never in a log line
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await fresh.drop();
    }
    // a second start does not print a new key
    expect(out.match(/Admin API key/g)).toHaveLength(1);
  });

  it('diagnose: a modem on a pty passes with its identity; a missing device fails with a fix and exit 1', async () => {
    const sim = await startSimulatedModem({ dialect: 'usr' });
    try {
      const cfg = config({ lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: 'main' } }] });
      expect((await kefuAsync(['migrate', '--config', cfg])).status).toBe(0);
      const good = await kefuAsync(['diagnose', '--json', '--config', cfg]);
      const report = JSON.parse(good.stdout) as { ok: boolean; checks: Array<{ id: string; ok: boolean; detail: string }> };
      const line = report.checks.find((c) => c.id === 'line-office')!;
      expect(line.ok, line.detail).toBe(true);
      expect(line.detail).toMatch(/voice yes/);
      expect(report.checks.find((c) => c.id === 'database')!.ok, JSON.stringify(report.checks)).toBe(true);
      const bad = await kefuAsync(['diagnose', '--config', config({ lines: [{ id: 'office', driver: 'v253-modem', port: '/dev/ttyNOPE0', inbound: { flow: 'main' } }] })]);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('✗ line office');
      expect(bad.stdout).toContain('fix:');
    } finally {
      await sim.close();
    }
  });

  it('the daemon serves diagnostics to admins only', async () => {
    const d = await startDaemonProcess({ databaseUrl: db.url, dataDir: mkdtempSync(join(tmpdir(), 'kefu-diag-')) });
    try {
      const r = await d.api<{ ok: boolean; checks: Array<{ id: string; ok: boolean }> }>('GET', '/diagnostics');
      expect(r.status).toBe(200);
      expect(r.body.checks.find((c) => c.id === 'database')!.ok).toBe(true);
    } finally {
      await d.stop();
    }
  });
});
