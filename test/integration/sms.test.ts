/**
 * SMS end to end on real parts: the daemon as a process, the gsm-dongle driver
 * over a socat pty to the dongle simulator, the database (PGlite or a
 * PostgreSQL server). Send → sent → delivered; inbound → received; the
 * customer's timeline; do-not-contact; the rate limit; the queue across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedDongle } from '../../drivers/gsm-dongle/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { until } from '../helpers/wait.ts';

interface Sms { id: string; status: string; number: string; text: string; direction: string; customerId: string | null; parts: number; incomplete: boolean; error: string | null }
interface Dongle { id: string; state: string; queued: number; nextSendAt: string | null; smsc: string | null; signal: { csq: number | null } }
const RATE = 4;

describe(`SMS through a simulated dongle on ${testDbKind()}`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedDongle>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let dataDir: string | undefined;
  let customerId: string;

  const start = async (ratePerMinute: number, dongleId = 'd1') => {
    daemon = await startDaemonProcess({
      databaseUrl: db.url, ...(dataDir ? { dataDir } : {}),
      config: { sms: [{ id: dongleId, driver: 'gsm-dongle', port: sim.driverPath, ratePerMinute, retryAfterS: 1 }] },
    });
    dataDir = daemon.dataDir;
    events = await eventClient(daemon.url);
    await until(`dongle ${dongleId} ready`, async () => (await daemon.api<{ items: Dongle[] }>('GET', '/sms/dongles')).body.items[0]?.state === 'ready', { detail: () => daemon.output().slice(-4000) });
  };
  const get = async (id: string) => (await daemon.api<Sms>('GET', `/sms/${id}`)).body;

  beforeAll(async () => {
    sim = await startSimulatedDongle({ sendDelayMs: 20, reportDelayMs: 150 });
    db = await freshDatabase();
    await start(RATE);
    const c = await daemon.api<{ id: string }>('POST', '/customers', { name: '王芳', phones: [{ number: '139 1234 5678' }] });
    expect(c.status).toBe(201);
    customerId = c.body.id;
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('shows the dongle: ready, SMS centre, signal, empty queue', async () => {
    const d = (await daemon.api<{ items: Dongle[] }>('GET', '/sms/dongles')).body.items[0]!;
    expect(d).toMatchObject({ id: 'd1', state: 'ready', smsc: '+8613800100500', queued: 0, signal: { csq: 20 } });
  });

  it('GET /diagnostics shows the dongle checks from the running daemon', async () => {
    const r = await daemon.api<{ checks: Array<{ id: string; ok: boolean; detail: string }> }>('GET', '/diagnostics');
    const sms = r.body.checks.filter((c) => c.id.startsWith('sms-d1-'));
    expect(sms.map((c) => c.id)).toEqual(['sms-d1-device', 'sms-d1-sim', 'sms-d1-registration', 'sms-d1-signal', 'sms-d1-smsc']);
    expect(sms.every((c) => c.ok)).toBe(true);
  });

  it('sends from a template: queued → sending → sent → delivered, in the customer timeline', async () => {
    const r = await daemon.api<{ items: Sms[]; refused: unknown[] }>('POST', '/sms', { to: '139-1234-5678', template: '{{name}}您好，您的订单已发货。' });
    expect(r.status).toBe(202);
    expect(r.body.refused).toEqual([]);
    const msg = r.body.items[0]!;
    expect(msg).toMatchObject({ number: '+8613912345678', status: 'queued', text: '王芳您好，您的订单已发货。', customerId });
    await events.waitFor((e) => e.type === 'sms.status' && e.data.id === msg.id && e.data.status === 'delivered');
    const seen = events.events.filter((e) => e.type === 'sms.status' && e.data.id === msg.id).map((e) => e.data.status);
    expect(seen).toEqual(['queued', 'sending', 'sent', 'delivered']);
    expect(await get(msg.id)).toMatchObject({ status: 'delivered', parts: 1, error: null });
    expect(sim.simulator.sent.at(-1)).toMatchObject({ to: '+8613912345678', text: '王芳您好，您的订单已发货。', statusReport: true });
    const hist = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${customerId}/interactions`);
    expect(hist.body.items).toContainEqual(expect.objectContaining({ kind: 'sms', refId: msg.id }));
  });

  it('a delivery report in the same breath as the send\'s answer still marks the message delivered', async () => {
    sim.simulator.reportDelayMs = 0;
    try {
      const r = await daemon.api<{ items: Sms[] }>('POST', '/sms', { to: '137 0000 0001', text: 'fast network' });
      expect(r.status).toBe(202);
      // before, the report was looked up before the send's references were written: "no message we know", and the message stayed sent
      await events.waitFor((e) => e.type === 'sms.status' && e.data.id === r.body.items[0]!.id && e.data.status === 'delivered');
      expect(daemon.output()).not.toMatch(/delivery report for no message we know/);
    } finally { sim.simulator.reportDelayMs = 150; }
  });

  it('receives: sms.received, listed inbound, in the thread and the timeline', async () => {
    sim.simulator.deliver({ from: '+8613912345678', text: '收到，谢谢！明天下午在家。'.repeat(8), order: [2, 1] });
    const ev = await events.waitFor((e) => e.type === 'sms.received');
    expect(ev.data).toMatchObject({ number: '+8613912345678', direction: 'inbound', status: 'received', customerId, incomplete: false, parts: 2 });
    const list = await daemon.api<{ items: Sms[] }>('GET', '/sms?direction=inbound&number=13912345678');
    expect(list.body.items.map((m) => m.id)).toEqual([ev.data.id]);
    const thread = await daemon.api<{ items: Sms[] }>('GET', `/sms/threads/${encodeURIComponent('+86 139 1234 5678')}`);
    expect(thread.body.items.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
    const threads = await daemon.api<{ items: Array<{ number: string; messages: number; customerId: string | null }> }>('GET', '/sms/threads');
    expect(threads.body.items[0]).toMatchObject({ number: '+8613912345678', messages: 2, customerId });
    const hist = await daemon.api<{ items: Array<{ kind: string; refId: string }> }>('GET', `/customers/${customerId}/interactions`);
    expect(hist.body.items).toContainEqual(expect.objectContaining({ kind: 'sms', refId: ev.data.id }));
  });

  it('refuses do-not-contact numbers with a clear error, and says which of a list were refused', async () => {
    expect((await daemon.api('POST', '/blacklist', { number: '13800000001', direction: 'outbound', reason: 'asked not to be contacted' })).status).toBe(201);
    const one = await daemon.api<{ error: { code: string; message: string; details: { reason: string } } }>('POST', '/sms', { to: '138 0000 0001', text: 'promo' });
    expect(one.status).toBe(422);
    expect(one.body.error.details.reason).toBe('do-not-contact');
    expect(one.body.error.message).toMatch(/\+8613800000001 is on the do-not-contact list/);
    const bad = await daemon.api<{ error: { message: string } }>('POST', '/sms', { to: 'not a number', text: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/to/);
    const empty = await daemon.api('POST', '/sms', { to: '13800000002' });
    expect(empty.status).toBe(400);
    const sent = sim.simulator.sent.length;
    const mixed = await daemon.api<{ items: Sms[]; refused: Array<{ to: string; code: string }> }>('POST', '/sms', { to: ['13800000001', '13800000002'], text: 'hello' });
    expect(mixed.status).toBe(202);
    expect(mixed.body.refused).toEqual([expect.objectContaining({ to: '+8613800000001', code: 'DO_NOT_CONTACT' })]);
    await events.waitFor((e) => e.type === 'sms.status' && e.data.id === mixed.body.items[0]!.id && e.data.status === 'sent');
    expect(sim.simulator.sent.slice(sent).map((s) => s.to)).toEqual(['+8613800000002']);
  });

  it(`holds messages past ${RATE} a minute in the queue; the queue and the rate window survive a daemon restart`, async () => {
    // A dongle of its own, so that no earlier test's sends are in its window, however long they took.
    events.close();
    await daemon.stop();
    await start(RATE, 'rate');
    const numbers = ['13800000011', '13800000012', '13800000013', '13800000014', '13800000015', '13800000016'];
    const r = await daemon.api<{ items: Sms[] }>('POST', '/sms', { to: numbers, text: 'rate test' });
    expect(r.status).toBe(202);
    // four go now and two wait for the window
    let last: Dongle | null = null;
    const dongle = await until('the rate limit holds messages back', async () => {
      const d = (await daemon.api<{ items: Dongle[] }>('GET', '/sms/dongles')).body.items[0]!;
      last = d;
      return d.nextSendAt !== null && d.queued === 2 ? d : null;
    }, { detail: async () => `last dongle view: ${JSON.stringify(last)}\nmessages: ${JSON.stringify(await Promise.all(r.body.items.map((m) => get(m.id))))}\n${daemon.output().slice(-6000)}` });
    expect(dongle.queued).toBe(2);
    const statuses = await Promise.all(r.body.items.map((m) => get(m.id)));
    expect(statuses.filter((m) => m.status === 'queued')).toHaveLength(2);
    events.close();
    await daemon.stop();
    // same limit after a restart: the minute's window carries over, nothing more goes yet
    await start(RATE, 'rate');
    const after = (await daemon.api<{ items: Dongle[] }>('GET', '/sms/dongles')).body.items[0]!;
    expect(after).toMatchObject({ queued: 2, nextSendAt: expect.any(String) });
    // rebuilt from the stored send times (stamped when the network accepted each, a moment after the take)
    expect(Math.abs(Date.parse(after.nextSendAt!) - Date.parse(dongle.nextSendAt!))).toBeLessThan(5000);
    events.close();
    await daemon.stop();
    await start(60, 'rate');
    for (const m of r.body.items) {
      await until(`message ${m.number} sent after the restart`, async () => ['sent', 'delivered'].includes((await get(m.id)).status), {
        detail: async () => `messages: ${JSON.stringify(await Promise.all(r.body.items.map((x) => get(x.id))))}\ndongle: ${JSON.stringify((await daemon.api('GET', '/sms/dongles')).body)}\n${daemon.output().slice(-6000)}`,
      });
    }
    expect(sim.simulator.sent.filter((s) => s.text === 'rate test').map((s) => s.to).sort()).toEqual(numbers.map((n) => `+86${n}`));
  });

  it('a permanent network refusal fails the message at once with the +CMS code; an unknown error is tried again', async () => {
    sim.simulator.scriptSends({ ok: false, cms: 21 }); // short message transfer rejected: permanent
    const r = await daemon.api<{ items: Sms[] }>('POST', '/sms', { to: '13800000021', text: 'rejected' });
    await events.waitFor((e) => e.type === 'sms.status' && e.data.id === r.body.items[0]!.id && e.data.status === 'failed');
    expect((await get(r.body.items[0]!.id)).error).toMatch(/CMS ERROR 21/);
    sim.simulator.scriptSends({ ok: false, cms: 500 }); // unknown error: tried again
    const t = await daemon.api<{ items: Sms[] }>('POST', '/sms', { to: '13800000022', text: 'retried' });
    await events.waitFor((e) => e.type === 'sms.status' && e.data.id === t.body.items[0]!.id && e.data.status === 'sent');
  });
});
