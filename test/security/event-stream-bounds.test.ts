/**
 * The event stream is bounded: a global and a per-principal cap on open
 * sockets (429 before the upgrade), and a client that never reads is dropped
 * (close 1013) instead of growing the daemon's memory. Real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

describe(`event stream bounds on ${testDbKind()}`, () => {
  let h: TestApp;
  let url: string;
  beforeAll(async () => {
    h = await startTestApp({ config: { http: { events: { maxSockets: 3, maxSocketsPerPrincipal: 2, maxBufferedBytes: 64 * 1024 } } } });
    url = `${(await h.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')}/api/v1/events`;
  });
  afterAll(async () => { await h?.close(); });

  /** Resolves with the open socket, or with the HTTP status that refused the upgrade. */
  const connect = (key: string): Promise<{ ws: WebSocket } | { status: number; body: string }> => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['kefu', `kefu.bearer.${key}`]);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
  const closed = (ws: WebSocket): Promise<{ code: number; reason: string }> => new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve({ code: 0, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });

  it('per-principal and global caps refuse with 429 RATE_LIMITED; closing one frees a place', async () => {
    const a1 = await connect(h.admin);
    const a2 = await connect(h.admin);
    expect('ws' in a1 && 'ws' in a2).toBe(true);
    const a3 = await connect(h.admin);
    expect(a3).toMatchObject({ status: 429 });
    expect(JSON.parse((a3 as { body: string }).body).error.code).toBe('RATE_LIMITED');
    const g1 = await connect(h.agent);
    expect('ws' in g1).toBe(true);
    const g2 = await connect(h.agent);
    expect(g2).toMatchObject({ status: 429 });
    expect((g2 as { body: string }).body).toMatch(/maxSockets/);
    const gone = closed((a1 as { ws: WebSocket }).ws);
    (a1 as { ws: WebSocket }).ws.close();
    await gone;
    // The server counts the socket out when it sees the close: poll until a new one is let in.
    let again: Awaited<ReturnType<typeof connect>> = { status: 0, body: '' };
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !('ws' in again);) {
      again = await connect(h.admin);
      if (!('ws' in again)) await new Promise((r) => setImmediate(r));
    }
    expect('ws' in again).toBe(true);
    for (const s of [a2, g1, again]) if ('ws' in s) s.ws.close();
    await Promise.all([a2, g1, again].map((s) => ('ws' in s ? closed(s.ws) : null)));
  });

  it('a client that never reads is closed with 1013 "slow reader"; a reading one stays', async () => {
    let slow: Awaited<ReturnType<typeof connect>> = { status: 0, body: '' };
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !('ws' in slow);) slow = await connect(h.admin);
    const reader = await connect(h.agent);
    if (!('ws' in slow) || !('ws' in reader)) throw new Error('could not open the sockets');
    let read = 0;
    reader.ws.on('message', () => { read++; });
    slow.ws.pause(); // stops reading the TCP socket: the server's buffer fills
    const slowClosed = closed(slow.ws);
    const blob = 'x'.repeat(64 * 1024);
    // Emit until the server gives up on the slow client (bounded: 50 MiB would mean the cap failed).
    let emitted = 0;
    for (; emitted < 800; emitted++) {
      h.bus.emit('sms.received', { id: `m${emitted}`, from: '+8613800138000', text: blob } as never);
      if (emitted % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    slow.ws.resume();
    const { code, reason } = await slowClosed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/slow reader/);
    await until('the reading client got every event', () => read >= emitted, { timeoutMs: 20_000, intervalMs: 20 });
    expect(read).toBe(emitted);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    reader.ws.close();
  });
});
