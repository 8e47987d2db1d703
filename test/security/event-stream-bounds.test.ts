/**
 * The event stream is bounded: a global and a per-principal cap on open
 * sockets (429 before the upgrade); a client with more unread than
 * maxBufferedBytes gets the rest from the event log once it reads, and one
 * that reads nothing is dropped (close 1013) instead of growing the daemon's
 * memory. Real sockets, the daemon's event log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pino from 'pino';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

describe(`event stream bounds on ${testDbKind()}`, () => {
  let h: TestApp;
  let url: string;
  /** The daemon's log lines: the stream says when a socket falls behind and when it drops one. */
  const lines: string[] = [];
  const logged = (what: string) => lines.filter((l) => l.includes(what)).length;
  beforeAll(async () => {
    h = await startTestApp({
      eventLog: true,
      logger: pino({ level: 'debug' }, { write: (l: string) => { lines.push(l); } }),
      config: { http: { events: { maxSockets: 3, maxSocketsPerPrincipal: 2, maxBufferedBytes: 64 * 1024, slowReaderS: 1 } } },
    });
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

  /** The sms.received events a socket got, in arrival order: [stream id, message id]. */
  const collect = (ws: WebSocket): Array<[number, string]> => {
    const got: Array<[number, string]> = [];
    ws.on('message', (m: Buffer) => {
      const e = JSON.parse(m.toString()) as { id: number; type: string; data: { id: string } };
      if (e.type === 'sms.received') got.push([e.id, e.data.id]);
    });
    return got;
  };
  /** Every message once, in emit order, with increasing stream ids. */
  const inOrder = (got: Array<[number, string]>, names: string[]) => {
    expect(got.map(([, m]) => m)).toEqual(names);
    for (let i = 1; i < got.length; i++) expect(got[i]![0]).toBeGreaterThan(got[i - 1]![0]);
  };
  let n = 0;
  const emit = (count: number, bytes: number): string[] => Array.from({ length: count }, () => {
    const id = `m${n++}`;
    h.bus.emit('sms.received', { id, from: '+8613800138000', text: 'x'.repeat(bytes) } as never);
    return id;
  });

  it('a reading client sent a burst bigger than its buffer falls behind, then gets every event from the log, once and in order', async () => {
    const reader = await connect(h.agent);
    if (!('ws' in reader)) throw new Error('could not open the socket');
    const got = collect(reader.ws);
    const behindBefore = logged('event stream behind');
    // one batch of the event log, sent in one go: ~10 MB against a 64 KiB limit
    const names = emit(300, 32 * 1024);
    await until('the reader got the burst', () => got.length >= names.length, { timeoutMs: 30_000, intervalMs: 20 });
    inOrder(got, names);
    expect(logged('event stream behind')).toBeGreaterThan(behindBefore);
    expect(logged('slow reader')).toBe(0);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    const gone = closed(reader.ws);
    reader.ws.close();
    await gone;
  });

  it('a client that reads nothing for http.events.slowReaderS is closed with 1013 "slow reader"; a reading one stays and misses nothing', async () => {
    let slow: Awaited<ReturnType<typeof connect>> = { status: 0, body: '' };
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !('ws' in slow);) slow = await connect(h.admin);
    const reader = await connect(h.agent);
    if (!('ws' in slow) || !('ws' in reader)) throw new Error('could not open the sockets');
    const got = collect(reader.ws);
    slow.ws.pause(); // stops reading the TCP socket: the server's buffer fills
    const slowClosed = closed(slow.ws);
    // Emit at the reader's pace until the server gives up on the slow client (bounded: 3000 x 16 KiB).
    const names: string[] = [];
    while (logged('slow reader') === 0 && names.length < 3000) {
      names.push(...emit(20, 16 * 1024));
      await until('the reader kept up', () => got.length >= names.length, { timeoutMs: 30_000, intervalMs: 10 });
    }
    expect(logged('slow reader')).toBe(1);
    slow.ws.resume();
    const { code, reason } = await slowClosed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/^slow reader: .* since=\d+$/);
    inOrder(got, names);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    reader.ws.close();
  });
});
