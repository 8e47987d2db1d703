/**
 * SMS in `kefu diagnose` (a simulated dongle on a pty: found, SIM, registered,
 * signal, SMS centre, each with its fix) and under `kefu serve --demo` (the
 * demo dongle sends and the simulated network delivers).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startSimulatedDongle } from '../../drivers/gsm-dongle/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT, eventClient, startDaemonProcess } from '../helpers/daemon.ts';
import { kefuBin } from '../helpers/release.ts';
import { until } from '../helpers/wait.ts';

interface Report { ok: boolean; checks: Array<{ id: string; ok: boolean; detail: string; fix: string | null }> }

const kefuAsync = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  const child = spawn(process.execPath, [kefuBin(), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('exit', (status) => resolve({ status, stdout, stderr }));
});

describe(`SMS diagnose and demo on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  const config = (extra: Record<string, unknown>) => {
    const p = join(dir, `kefu-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(p, stringify({ database: { url: db.url }, dataDir: dir, http: { port: 0 }, ...extra }));
    return p;
  };
  beforeAll(async () => { db = await freshDatabase(); dir = mkdtempSync(join(tmpdir(), 'kefu-sms-diag-')); });
  afterAll(async () => { await db.drop(); });

  it('kefu diagnose: a ready dongle passes every check; a SIM wanting a PIN and a missing device fail with their fixes', async () => {
    const ready = await startSimulatedDongle({ csq: 18 });
    const locked = await startSimulatedDongle({ sim: 'pin', pin: '1234' });
    try {
      const cfg = config({ sms: [
        { id: 'good', driver: 'gsm-dongle', port: ready.driverPath },
        { id: 'locked', driver: 'gsm-dongle', port: locked.driverPath },
        { id: 'missing', driver: 'gsm-dongle', port: '/dev/ttyUSBNOPE9' },
      ] });
      expect((await kefuAsync(['migrate', '--config', cfg])).status).toBe(0);
      const r = await kefuAsync(['diagnose', '--json', '--config', cfg]);
      expect(r.status).toBe(1);
      const report = JSON.parse(r.stdout) as Report;
      const check = (id: string) => report.checks.find((c) => c.id === id)!;
      for (const id of ['sms-good-device', 'sms-good-sim', 'sms-good-registration', 'sms-good-signal', 'sms-good-smsc']) expect(check(id).ok, `${id}: ${check(id).detail}`).toBe(true);
      expect(check('sms-good-signal').detail).toBe('+CSQ 18 (-77 dBm)');
      expect(check('sms-good-smsc').detail).toBe('+8613800100500');
      expect(check('sms-locked-sim')).toMatchObject({ ok: false, fix: expect.stringMatching(/sms\[\]\.pin/) });
      expect(check('sms-missing-device')).toMatchObject({ ok: false, detail: '/dev/ttyUSBNOPE9 does not exist' });
      const text = await kefuAsync(['diagnose', '--config', cfg]);
      expect(text.stdout).toContain('✗ sms locked: SIM');
      expect(text.stdout).not.toContain('1234');
    } finally {
      await ready.close();
      await locked.close();
    }
  });

  it('kefu serve --demo: the demo dongle sends to delivered and the simulated network delivers an SMS', async () => {
    const daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo'] });
    const events = await eventClient(daemon.url);
    try {
      await until('demo dongle ready', async () => (await daemon.api<{ items: Array<{ id: string; state: string }> }>('GET', '/sms/dongles')).body.items.find((d) => d.id === 'demo-sms')?.state === 'ready', { detail: () => daemon.output().slice(-3000) });
      const sent = await daemon.api<{ items: Array<{ id: string }> }>('POST', '/sms', { to: '13800138000', text: '欢迎使用客服系统' });
      expect(sent.status).toBe(202);
      await events.waitFor((e) => e.type === 'sms.status' && e.data.id === sent.body.items[0]!.id && e.data.status === 'delivered');
      const inbound = await daemon.api('POST', '/sms/demo/inbound', { from: '13912345678', text: '你好，我想咨询一下' });
      expect(inbound.status).toBe(202);
      const ev = await events.waitFor((e) => e.type === 'sms.received');
      expect(ev.data).toMatchObject({ number: '+8613912345678', text: '你好，我想咨询一下' });
    } finally {
      events.close();
      await daemon.stop();
    }
  });
});
