/**
 * Webhook delivery guarantees against a real receiver on 127.0.0.1: in order
 * per call while deliveries are being retried, nothing lost through a
 * receiver outage of a simulated hour (the retry policy scaled down 1000×),
 * and nothing lost when the daemon restarts with deliveries pending (events
 * published just before the stop included).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { until } from '../helpers/wait.ts';
import { CALL_STEPS, orderProblems, parsed, publishCall, signatureValid } from '../helpers/webhook-events.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';

/** What each receiver took, once per delivery id, by call: the event types in the order taken. */
function takenByCall(rx: Receiver): Map<string, string[]> {
  const seen = new Set<string>();
  const out = new Map<string, string[]>();
  for (const r of rx.taken()) {
    const id = String(r.headers['kefu-delivery-id']);
    if (seen.has(id)) continue;
    seen.add(id);
    const e = parsed(r);
    const callId = e.data.callId as string;
    out.set(callId, [...(out.get(callId) ?? []), e.type]);
  }
  return out;
}

const distinctTaken = (rx: Receiver) => new Set(rx.taken().map((r) => r.headers['kefu-delivery-id'])).size;

describe(`webhook delivery guarantees on ${testDbKind()}`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

  it('keeps the order per call while deliveries are retried, other calls in parallel', async () => {
    const t: TestApp = await startTestApp({
      webhooks: true,
      config: { webhooks: { concurrency: 8, perWebhook: 8, retry: { initialDelayMs: 20, factor: 2, maxDelayMs: 100, jitter: 0.5, maxAttempts: 1000, maxAgeS: 3600 } } },
    });
    const rx = await startReceiver();
    cleanups.push(() => t.close(), () => rx.close());
    // every third request is refused: many deliveries need two or three attempts
    rx.respond((_r, n) => (n % 3 === 1 ? 503 : 200));
    const h = (await t.call('POST', '/webhooks', { body: { url: rx.url, events: ['call.*'] } })).body as { secret: string; item: { id: string } };
    const calls = Array.from({ length: 8 }, () => randomUUID());
    for (const step of [0, 1, 2, 3] as const) for (const c of calls) publishCall(t.bus, c, step);
    await until('32 deliveries taken', () => distinctTaken(rx) === 32, { detail: () => `${distinctTaken(rx)} taken` });
    expect(orderProblems(rx.received)).toEqual([]);
    for (const c of calls) expect(takenByCall(rx).get(c)).toEqual(CALL_STEPS);
    expect(rx.received.some((r) => r.status === 503)).toBe(true);
    expect(rx.received.every((r) => signatureValid(r, h.secret))).toBe(true);
    // the calls went in parallel: requests of different calls interleave
    const firstEnd = rx.received.findIndex((r) => parsed(r).type === 'call.ended');
    expect(new Set(rx.received.slice(0, firstEnd).map((r) => parsed(r).data.callId)).size).toBeGreaterThan(1);
  });

  it('loses nothing while the receiver is down for a simulated hour (policy scaled 1000x), in order per call', async () => {
    // the default policy divided by 1000: 5 s -> 5 ms first wait, 10 min -> 600 ms longest, 24 h -> 86 s budget
    const t = await startTestApp({
      webhooks: true,
      config: { webhooks: { retry: { initialDelayMs: 5, factor: 2, maxDelayMs: 600, jitter: 0.2, maxAttempts: 500, maxAgeS: 86 } } },
    });
    const rx = await startReceiver();
    cleanups.push(() => t.close(), () => rx.close());
    await t.call('POST', '/webhooks', { body: { url: rx.url, events: ['call.*', 'sms.*'] } });
    const hookId = (await t.call('GET', '/webhooks')).body.items[0].id as string;
    await rx.down();
    const t0 = Date.now();
    const calls = Array.from({ length: 6 }, () => randomUUID());
    // events keep coming during the outage: a call every 10 simulated minutes
    for (const [i, c] of calls.entries()) {
      await until(`simulated minute ${i * 10}`, () => Date.now() - t0 >= i * 600, { intervalMs: 20 });
      for (const step of [0, 1, 2, 3] as const) publishCall(t.bus, c, step);
      t.bus.emit('sms.received', { id: `sms-${i}`, text: `message ${i}` });
    }
    await until('a simulated hour of outage', () => Date.now() - t0 >= 3600, { intervalMs: 50 });
    const during = (await t.call('GET', `/webhooks/${hookId}/deliveries?limit=500`)).body.items as Array<{ status: string; attempts: number; lastError: string | null }>;
    expect(during).toHaveLength(30);
    expect(during.every((d) => d.status === 'pending')).toBe(true);
    expect(Math.max(...during.map((d) => d.attempts))).toBeGreaterThanOrEqual(5);
    expect(during.find((d) => d.attempts > 0)!.lastError).toMatch(/ECONNREFUSED/);
    await rx.up();
    await until('30 deliveries taken after the outage', () => distinctTaken(rx) === 30, { detail: () => `${distinctTaken(rx)} taken` });
    expect(orderProblems(rx.received)).toEqual([]);
    for (const c of calls) expect(takenByCall(rx).get(c)).toEqual(CALL_STEPS);
    const after = (await t.call('GET', `/webhooks/${hookId}`)).body;
    expect(after).toMatchObject({ pending: 0, dead: 0 });
  });

  it('loses nothing across a daemon restart with deliveries pending', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'kefu-webhooks-'));
    const rx = await startReceiver();
    cleanups.push(async () => { await rx.close(); await db.drop(); rmSync(dir, { recursive: true, force: true }); });
    const BOOT = 'kefu_webhooks_test_admin_key_0123';
    const config = loadConfig({ overrides: {
      database: { url: db.url }, dataDir: dir, http: { port: 0 }, log: { level: 'silent' },
      webhooks: { retry: { initialDelayMs: 20, factor: 2, maxDelayMs: 200, jitter: 0.2, maxAttempts: 1000, maxAgeS: 3600 } },
    } });
    const start = () => startDaemon({ config, logger: pino({ level: 'silent' }), bootstrapKey: BOOT, adminPassword: 'webhooks-admin-pw-1' });
    let daemon: Daemon | null = await start();
    cleanups.push(async () => { await daemon?.stop(); });
    const made = await daemon.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${BOOT}` }, payload: { url: rx.url, events: ['call.*'] } });
    expect(made.statusCode).toBe(201);
    const hookId = (made.json() as { item: { id: string } }).item.id;
    await rx.down();
    const calls = Array.from({ length: 5 }, () => randomUUID());
    for (const step of [0, 1, 2] as const) for (const c of calls) publishCall(daemon.ctx.bus, c, step);
    await until('attempts failing while the receiver is down', async () => {
      const r = await daemon!.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hookId}/deliveries?limit=100`, headers: { authorization: `Bearer ${BOOT}` } });
      return (r.json() as { items: Array<{ attempts: number }> }).items.filter((d) => d.attempts >= 2).length >= 5;
    });
    // the last events are published right before the stop: the stop writes them to the outbox
    for (const c of calls) publishCall(daemon.ctx.bus, c, 3);
    await daemon.stop();
    daemon = null;
    await rx.up();
    expect(rx.taken()).toHaveLength(0);
    daemon = await start();
    await until('20 deliveries taken after the restart', () => distinctTaken(rx) === 20, { detail: () => `${distinctTaken(rx)} taken` });
    expect(orderProblems(rx.received)).toEqual([]);
    for (const c of calls) expect(takenByCall(rx).get(c)).toEqual(CALL_STEPS);
  });
});
