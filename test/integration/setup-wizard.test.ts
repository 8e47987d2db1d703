/**
 * The set-up wizard's API on real parts: `kefu serve --demo-device` (the
 * simulated modem on a socat pty, no line), the ports list, a probe, a line
 * added at run time, caller ID reported after a simulated call, the pulled
 * device, the first flow, the line removed; lines survive a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { until } from '../helpers/wait.ts';

interface Port { path: string; simulated: boolean; inUseBy: string | null }
interface Probe { responding: boolean; info: { manufacturer: string | null; model: string | null; callerIdCommand: string | null; capabilities: { voice: boolean; faxClasses: string[] } }; problems: unknown[] }
interface Check { id: string; ok: boolean; fix: string | null }

describe(`set-up wizard API on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let devicePath = '';

  beforeAll(async () => {
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo-device'] });
    events = await eventClient(daemon.url);
  });
  afterAll(async () => { events?.close(); await daemon?.stop(); await db?.drop(); });

  it('offers the wizard while there is no line, and lists the simulated modem among the ports', async () => {
    const status = await daemon.api<{ needed: boolean; demo: { devicePath: string; attached: boolean } }>('GET', '/setup/status');
    expect(status.body).toMatchObject({ needed: true, demo: { attached: false } });
    devicePath = status.body.demo.devicePath;
    expect((await daemon.api<{ items: unknown[] }>('GET', '/lines')).body.items).toEqual([]);
    const ports = await daemon.api<{ ports: Port[] }>('GET', '/hardware/ports');
    expect(ports.status).toBe(200);
    expect(ports.body.ports).toContainEqual(expect.objectContaining({ path: devicePath, simulated: true, inUseBy: null }));
  });

  it('is for admins only, and documented in the OpenAPI', async () => {
    expect((await daemon.api('POST', '/users', { username: 'li.na', displayName: 'Li Na', role: 'supervisor', password: 'supervisor-pw-1' })).status).toBe(201);
    const login = await fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'li.na', password: 'supervisor-pw-1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const [method, path] of [['GET', '/hardware/ports'], ['POST', '/hardware/demo/unplug'], ['GET', '/setup/status']] as const) {
      const r = await fetch(`${daemon.url}/api/v1${path}`, { method, headers: { cookie, origin: daemon.url } });
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    const doc = await daemon.api<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    for (const p of ['/api/v1/setup/lines', '/api/v1/hardware/probe', '/api/v1/hardware/diagnostics', '/api/v1/setup/flow']) expect(doc.body.paths[p], p).toBeDefined();
  });

  it('probes the modem: identity, voice, fax classes and the caller-ID command that works', async () => {
    const r = await daemon.api<Probe>('POST', '/hardware/probe', { path: devicePath });
    expect(r.status).toBe(200);
    expect(r.body.responding).toBe(true);
    expect(r.body.info.capabilities.voice).toBe(true);
    expect(r.body.info.callerIdCommand).toBe('AT+VCID=1');
    expect(r.body.info.capabilities.faxClasses.length).toBeGreaterThan(0);
    const bad = await daemon.api<{ error: { code: string; message: string } }>('POST', '/hardware/probe', { path: 'ttyACM0' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.path');
    const gone = await daemon.api<{ error: { message: string } }>('POST', '/hardware/probe', { path: '/dev/no-such-modem' });
    expect(gone.status).toBe(422);
  });

  it('adds the line at run time; a simulated call reports rings and the caller ID as received and normalised', async () => {
    const bad = await daemon.api<{ error: { message: string } }>('POST', '/setup/lines', { id: 'Office Line', port: devicePath });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.id');
    const r = await daemon.api<{ id: string }>('POST', '/setup/lines', { id: 'demo', name: 'Office', port: devicePath });
    expect(r.status).toBe(201);
    await until('line idle', async () => (await daemon.api<{ state: string }>('GET', '/lines/demo')).body.state === 'idle');
    expect((await daemon.api('POST', '/setup/lines', { id: 'other', port: devicePath })).status).toBe(409);
    expect((await daemon.api<{ needed: boolean }>('GET', '/setup/status')).body.needed).toBe(false);

    const since = events.events.length;
    expect((await daemon.api('POST', '/lines/demo/simulate/call', { number: '13800138000', hangupAfterMs: 500 })).status).toBe(202);
    await events.waitFor((e) => e.type === 'line.ring' && e.data.lineId === 'demo');
    const cid = await events.waitFor((e) => e.type === 'line.callerid' && events.events.indexOf(e) >= since);
    expect(cid.data).toMatchObject({ lineId: 'demo', recognised: true, format: 'fsk', number: '13800138000', e164: '+8613800138000', valid: true });
    expect((cid.data.raw as string[]).some((l) => l.includes('NMBR'))).toBe(true);
    await events.waitFor((e) => e.type === 'call.ended' && e.data.lineId === 'demo', 60_000);
    const hw = await daemon.api<{ items: Array<{ stored: boolean; health: { lastCallerId: { number: string } | null; lastSeen: string | null } }> }>('GET', '/hardware/lines');
    expect(hw.body.items[0]).toMatchObject({ stored: true, health: { lastCallerId: { number: '13800138000' } } });
  });

  it('shows a pulled device as failed, and as working again once it is back', async () => {
    const lineCheck = async () => (await daemon.api<{ checks: Check[] }>('GET', '/hardware/diagnostics')).body.checks.find((c) => c.id === 'line-demo');
    expect((await lineCheck())?.ok).toBe(true);
    expect((await daemon.api('POST', '/hardware/demo/unplug')).status).toBe(202);
    const down = await until('line check fails', async () => { const c = await lineCheck(); return c && !c.ok ? c : null; });
    expect(down.fix).toBeTruthy();
    // Re-probe while the device is away: the line cannot open it, and keeps trying until it is back.
    expect((await daemon.api('POST', '/hardware/lines/demo/reprobe')).status).toBe(200);
    expect((await daemon.api<{ state: string }>('GET', '/lines/demo')).body.state).toBe('offline');
    expect((await daemon.api('POST', '/hardware/demo/replug')).status).toBe(202);
    await until('line check passes', async () => (await lineCheck())?.ok === true);
    const re = await daemon.api<{ line: { state: string } }>('POST', '/hardware/lines/demo/reprobe');
    expect(re.status).toBe(200);
    await until('line idle after re-probe', async () => (await daemon.api<{ state: string }>('GET', '/lines/demo')).body.state === 'idle');
  });

  it('sets the country, publishes hours and a greeting, and validates every field', async () => {
    expect((await daemon.api('PUT', '/setup/region', { region: 'HK' })).status).toBe(200);
    expect((await daemon.api<{ error: { message: string } }>('PUT', '/setup/region', { region: 'ZZ' })).body.error.message).toContain('body.region');
    expect((await daemon.api('PUT', '/setup/region', { region: 'CN' })).status).toBe(200);
    const bad = await daemon.api<{ error: { message: string } }>('POST', '/setup/flow', { hours: { days: ['mon'], open: '18:00', close: '09:00' }, greeting: { text: 'x', voice: 'cmn' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.hours.close');
    const r = await daemon.api<{ version: number }>('POST', '/setup/flow', { hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }, greeting: { text: '您好，欢迎致电。', voice: 'cmn' } });
    expect(r.status).toBe(200);
    const flow = await daemon.api<{ publishedVersion: number }>('GET', '/ivr/flows/main');
    expect(flow.body.publishedVersion).toBe(r.body.version);
  });

  it('keeps the stored line over a restart, then removes it', async () => {
    await daemon.stop();
    daemon = await startDaemonProcess({ databaseUrl: db.url, dataDir: daemon.dataDir, args: ['--demo-device'] });
    // The simulated modem's pty lives under the data folder: the stored line finds it again.
    expect((await daemon.api<{ items: Array<{ id: string }> }>('GET', '/lines')).body.items.map((l) => l.id)).toEqual(['demo']);
    await until('stored line idle after restart', async () => (await daemon.api<{ state: string }>('GET', '/lines/demo')).body.state === 'idle');
    expect((await daemon.api<{ needed: boolean }>('GET', '/setup/status')).body.needed).toBe(false);
    expect((await daemon.api('DELETE', '/setup/lines/demo')).status).toBe(204);
    expect((await daemon.api<{ items: unknown[] }>('GET', '/lines')).body.items).toEqual([]);
    expect((await daemon.api('DELETE', '/setup/lines/demo')).status).toBe(404);
  });
});
