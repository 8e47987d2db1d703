/**
 * /webhooks through HTTP on the test database with a real receiver on
 * 127.0.0.1: CRUD, bad input (400 naming the field), roles, signed
 * deliveries with their headers, wildcard filters, retries, dead letters and
 * replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testDbKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { until } from '../helpers/wait.ts';
import { parsed, publishCall, signatureValid } from '../helpers/webhook-events.ts';

const FAST = { retry: { initialDelayMs: 30, factor: 2, maxDelayMs: 120, jitter: 0.2, maxAttempts: 4, maxAgeS: 3600 }, timeoutMs: 2000, autoDisableAfter: 5 };

describe(`webhooks API on ${testDbKind()}`, () => {
  let t: TestApp;
  let rx: Receiver;
  beforeAll(async () => {
    t = await startTestApp({ webhooks: true, config: { webhooks: FAST } });
    rx = await startReceiver();
  });
  afterAll(async () => { await t?.close(); await rx?.close(); });
  const hook = async (body: Record<string, unknown>) => {
    const r = await t.call('POST', '/webhooks', { body });
    expect(r.status, r.text).toBe(201);
    return r.body as { secret: string; item: { id: string } };
  };
  const deliveries = async (id: string, q = '') => (await t.call('GET', `/webhooks/${id}/deliveries${q}`)).body.items as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('creates a subscription, shows its secret once, lists, edits and deletes it', async () => {
    const made = await hook({ url: rx.url, events: ['call.*', 'call.*', 'task.due'], description: 'CRM' });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(made.item).toMatchObject({ url: rx.url, events: ['call.*', 'task.due'], enabled: true, description: 'CRM', pending: 0, dead: 0 });
    const got = await t.call('GET', `/webhooks/${made.item.id}`);
    expect(got.text).not.toContain(made.secret);
    expect(got.body.secretPrefix).toBe(`${made.secret.slice(0, 10)}…`);
    expect((await t.call('GET', '/webhooks')).body.items.map((w: { id: string }) => w.id)).toContain(made.item.id);
    const given = await hook({ url: rx.url, events: ['*'], secret: 'a-given-secret-of-20c', enabled: false });
    expect(given.secret).toBe('a-given-secret-of-20c');
    const patched = await t.call('PATCH', `/webhooks/${given.item.id}`, { body: { events: ['sms.*'], enabled: true, description: 'x' } });
    expect(patched.body).toMatchObject({ events: ['sms.*'], enabled: true, description: 'x' });
    const rotated = await t.call('POST', `/webhooks/${given.item.id}/secret`);
    expect(rotated.body.secret).not.toBe('a-given-secret-of-20c');
    for (const id of [made.item.id, given.item.id]) expect((await t.call('DELETE', `/webhooks/${id}`)).status).toBe(204);
    expect((await t.call('GET', `/webhooks/${made.item.id}`)).status).toBe(404);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp?]> = [
      [{ url: 'not a url', events: ['*'] }, 'body.url', /not a URL/],
      [{ url: 'ftp://example.com/x', events: ['*'] }, 'body.url', /http/],
      [{ url: 'http://user:pw@example.com/x', events: ['*'] }, 'body.url', /user or password/],
      [{ url: rx.url, events: ['foo.*'] }, 'body.events.0', /unknown event family "foo"/],
      [{ url: rx.url, events: ['call.ended', 'call.bogus'] }, 'body.events.1', /unknown event type "call.bogus"/],
      [{ url: rx.url, events: ['ca*ll'] }, 'body.events.0', /wildcard/],
      [{ url: rx.url, events: [] }, 'body.events'],
      [{ url: rx.url, events: ['*'], secret: 'short' }, 'body.secret'],
      [{ url: rx.url, events: ['*'], colour: 'red' }, 'body.colour', /not a known field/],
      [{ events: ['*'] }, 'body.url', /required/],
      [{ url: rx.url, events: [42] }, 'body.events.0'],
    ];
    for (const [body, field, msg] of cases) {
      const r = await t.call('POST', '/webhooks', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message, JSON.stringify(body)).toContain(field);
      if (msg) expect(r.body.error.message).toMatch(msg);
    }
    const id = (await hook({ url: rx.url, events: ['*'] })).item.id;
    const p = await t.call('PATCH', `/webhooks/${id}`, { body: { url: 'javascript:alert(1)' } });
    expect([p.status, p.body.error.message]).toEqual([400, expect.stringContaining('body.url')]);
    expect((await t.call('PATCH', `/webhooks/${id}`, { body: {} })).status).toBe(400);
    expect((await t.call('GET', `/webhooks/${id}/deliveries?status=lost`)).status).toBe(400);
    expect((await t.call('POST', `/webhooks/${randomUUID()}/deliveries/replay-dead`)).status).toBe(404);
    await t.call('DELETE', `/webhooks/${id}`);
  });

  it('is for admins only (an agent key gets 403)', async () => {
    const id = (await hook({ url: rx.url, events: ['*'] })).item.id;
    const asAgent = { key: t.agent };
    expect((await t.call('GET', '/webhooks', asAgent)).status).toBe(403);
    expect((await t.call('POST', '/webhooks', { ...asAgent, body: { url: rx.url, events: ['*'] } })).status).toBe(403);
    expect((await t.call('GET', `/webhooks/${id}/deliveries`, asAgent)).status).toBe(403);
    expect((await t.call('DELETE', `/webhooks/${id}`, asAgent)).status).toBe(403);
    expect((await t.call('GET', '/webhooks', { key: null })).status).toBe(401);
    await t.call('DELETE', `/webhooks/${id}`);
  });

  it('delivers signed events with their headers to the matching subscriptions only', async () => {
    const rxCalls = await startReceiver('/calls');
    const rxMsgs = await startReceiver('/msgs');
    try {
      const all = await hook({ url: rx.url, events: ['*'] });
      const calls = await hook({ url: rxCalls.url, events: ['call.*'] });
      const msgs = await hook({ url: rxMsgs.url, events: ['sms.received', 'fax.*', 'recording.ready'] });
      const before = rx.received.length;
      const callId = randomUUID();
      const ringing = t.bus.emit('call.ringing', { callId, lineId: 'office', number: '+8613800138000', name: null, customer: null, blacklisted: false });
      t.bus.emit('sms.received', { id: 'm1', number: '+8613800138000', text: '你好' });
      t.bus.emit('fax.status', { faxId: randomUUID(), direction: 'outbound', status: 'sent', number: null, lineId: null, pages: 1, attempts: 1, resultCode: 'OK', resultText: null, nextAttemptAt: null });
      t.bus.emit('agent.state', { agentId: 'li-na', state: 'ready' });
      await until('every delivery', () => rx.received.length - before >= 4 && rxCalls.received.length >= 1 && rxMsgs.received.length >= 2);
      const mine = rx.received.slice(before);
      expect(mine.map((r) => parsed(r).type).sort()).toEqual(['agent.state', 'call.ringing', 'fax.status', 'sms.received']);
      expect(rxCalls.received.map((r) => parsed(r).type)).toEqual(['call.ringing']);
      expect(rxMsgs.received.map((r) => parsed(r).type).sort()).toEqual(['fax.status', 'sms.received']);
      // the body is the event object as the WebSocket stream sends it
      expect(JSON.parse(rxCalls.received[0]!.body)).toEqual(JSON.parse(JSON.stringify(ringing)));
      for (const [r, secret] of [[rxCalls.received[0]!, calls.secret], ...rxMsgs.received.map((x) => [x, msgs.secret] as const), ...mine.map((x) => [x, all.secret] as const)] as const) {
        expect(signatureValid(r, secret)).toBe(true);
        expect(signatureValid(r, 'whsec_the_wrong_secret_0000')).toBe(false);
        expect(signatureValid({ ...r, body: `${r.body} ` }, secret)).toBe(false);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['kefu-event']).toBe(parsed(r).type);
        expect(r.headers['kefu-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.headers['kefu-attempt']).toBe('1');
        expect(r.headers['user-agent']).toMatch(/^kefu-webhooks\//);
        expect(r.headers.authorization).toBeUndefined();
      }
      expect(signatureValid(rxCalls.received[0]!, calls.secret, Math.floor(Date.now() / 1000) + 3600)).toBe(false); // a replay an hour later
      const log = await deliveries(calls.item.id);
      expect(log).toEqual([expect.objectContaining({ eventType: 'call.ringing', status: 'succeeded', attempts: 1, lastStatusCode: 200, orderKey: `call:${callId}`, lastResponse: 'ok' })]);
      expect(log[0]!.lastLatencyMs).toBeGreaterThanOrEqual(0);
      const one = await t.call('GET', `/webhooks/${calls.item.id}/deliveries/${log[0]!.id}`);
      expect(one.body.event).toEqual(JSON.parse(rxCalls.received[0]!.body));
      expect(rxCalls.received[0]!.headers['kefu-delivery-id']).toBe(log[0]!.id);
      for (const h of [all, calls, msgs]) await t.call('DELETE', `/webhooks/${h.item.id}`);
    } finally {
      await rxCalls.close();
      await rxMsgs.close();
    }
  });

  it('retries a failing receiver with backoff until it takes the event', async () => {
    const r2 = await startReceiver();
    try {
      r2.respond((_r, n) => (n < 2 ? 503 : 200));
      const h = await hook({ url: r2.url, events: ['call.ended'] });
      publishCall(t.bus, randomUUID(), 3);
      await until('taken after two refusals', () => r2.taken().length === 1);
      expect(r2.received.map((r) => [r.status, r.headers['kefu-attempt']])).toEqual([[503, '1'], [503, '2'], [200, '3']]);
      expect(new Set(r2.received.map((r) => r.headers['kefu-delivery-id'])).size).toBe(1);
      // waits grow: the second gap is longer than the first's lower jitter bound times the factor
      const [a, b, c] = r2.received.map((r) => r.at);
      expect(b! - a!).toBeGreaterThanOrEqual(30 * 0.8 - 5);
      expect(c! - b!).toBeGreaterThanOrEqual(60 * 0.8 - 5);
      const log = await until('log says succeeded', async () => (await deliveries(h.item.id)).find((d) => d.status === 'succeeded'));
      expect(log).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
      await t.call('DELETE', `/webhooks/${h.item.id}`);
    } finally { await r2.close(); }
  });

  it('makes a dead letter after the last attempt, and replays it (one, then all)', async () => {
    const r3 = await startReceiver();
    try {
      r3.respond(() => 500);
      const h = await hook({ url: r3.url, events: ['sms.*'] });
      for (const id of ['a', 'b', 'c']) t.bus.emit('sms.received', { id, text: id });
      const dead = await until('three dead letters', async () => { const d = await deliveries(h.item.id, '?status=dead'); return d.length === 3 ? d : null; });
      expect(dead.every((d) => d.attempts === 4 && d.lastStatusCode === 500 && d.lastError === 'HTTP 500' && d.nextAttemptAt === null)).toBe(true);
      expect((await t.call('GET', `/webhooks/${h.item.id}`)).body).toMatchObject({ dead: 3, pending: 0, consecutiveDeadLetters: 3 });
      r3.respond(() => 200);
      const replayed = await t.call('POST', `/webhooks/${h.item.id}/deliveries/${dead[0]!.id}/replay`);
      expect(replayed.status, replayed.text).toBe(202);
      expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0 });
      await until('the replayed one taken', () => r3.taken().length === 1);
      expect(r3.taken()[0]!.headers['kefu-delivery-id']).toBe(dead[0]!.id);
      const all = await t.call('POST', `/webhooks/${h.item.id}/deliveries/replay-dead`);
      expect(all.body).toEqual({ replayed: 2 });
      await until('every dead letter taken', () => r3.taken().length === 3);
      expect(r3.taken().map((r) => (parsed(r).data as { id: string }).id).sort()).toEqual(['a', 'b', 'c']);
      await until('none dead', async () => (await t.call('GET', `/webhooks/${h.item.id}`)).body.dead === 0);
      expect((await t.call('GET', `/webhooks/${h.item.id}`)).body.consecutiveDeadLetters).toBe(0);
      await t.call('DELETE', `/webhooks/${h.item.id}`);
    } finally { await r3.close(); }
  });

  it('disables a subscription after autoDisableAfter dead letters in a row; enabling it again starts afresh', async () => {
    const r4 = await startReceiver();
    try {
      r4.respond(() => 500);
      const h = await hook({ url: r4.url, events: ['import.*'] });
      const progress = (i: number) => t.bus.emit('import.progress', { importId: `imp-${i}`, kind: 'contacts', done: i, total: 9, imported: i, skipped: 0, finished: false });
      for (let i = 0; i < 5; i++) progress(i);
      const off = await until('disabled after 5 dead letters', async () => { const w = (await t.call('GET', `/webhooks/${h.item.id}`)).body; return w.enabled ? null : w; });
      expect(off).toMatchObject({ enabled: false, dead: 5, consecutiveDeadLetters: 5, disabledReason: 'disabled after 5 dead letters in a row' });
      // while disabled, nothing new is queued for it
      progress(5);
      await t.call('GET', '/webhooks');
      expect((await deliveries(h.item.id)).length).toBe(5);
      r4.respond(() => 200);
      const on = await t.call('PATCH', `/webhooks/${h.item.id}`, { body: { enabled: true } });
      expect(on.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveDeadLetters: 0 });
      expect((await t.call('POST', `/webhooks/${h.item.id}/deliveries/replay-dead`)).body).toEqual({ replayed: 5 });
      progress(6);
      // the receiver has the request before the daemon writes the delivery's outcome: wait for the log
      const settled = await until('every delivery settled', async () => { const d = await deliveries(h.item.id); return d.length >= 6 && d.every((x) => x.status !== 'pending') ? d : null; });
      // the event published while it was disabled was never queued
      expect(settled.map((d) => d.status)).toEqual(Array(6).fill('succeeded'));
      expect(r4.taken().map((r) => (parsed(r).data as { importId: string }).importId).sort()).toEqual(['imp-0', 'imp-1', 'imp-2', 'imp-3', 'imp-4', 'imp-6']);
      await t.call('DELETE', `/webhooks/${h.item.id}`);
    } finally { await r4.close(); }
  });
});
