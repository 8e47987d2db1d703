/**
 * The webhook request itself against real servers on 127.0.0.1: the host
 * lists enforced on the name and on the address a name resolves to, the
 * deadline, the response kept only up to its cap, redirects not followed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { HostPolicy } from '../../src/services/webhooks/hosts.ts';
import { WebhookSender } from '../../src/services/webhooks/sender.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';

describe('webhook sender', () => {
  let rx: Receiver;
  let odd: http.Server;
  let oddPort: number;
  beforeAll(async () => {
    rx = await startReceiver();
    // /slow never answers; /big answers 100 KiB; /moved redirects to the receiver
    odd = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/big') res.writeHead(200).end('x'.repeat(100_000));
      else if (req.url === '/moved') res.writeHead(307, { location: rx.url }).end();
      else if (req.url === '/nul') res.writeHead(500).end('bad\u0000body');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    oddPort = (odd.address() as { port: number }).port;
  });
  afterAll(async () => {
    await rx?.close();
    odd?.closeAllConnections();
    await new Promise((r) => odd?.close(r));
  });
  const sender = (lists: { allowHosts?: string[]; denyHosts?: string[] } = {}, timeoutMs = 2000) =>
    new WebhookSender({ timeoutMs, maxResponseBytes: 64, maxSockets: 2, hosts: new HostPolicy({ allowHosts: lists.allowHosts ?? [], denyHosts: lists.denyHosts ?? [] }) });

  it('refuses a denied address, as a literal and as what a name resolves to', async () => {
    const s = sender({ denyHosts: ['127.0.0.0/8', '::1'] });
    try {
      const literal = await s.send(rx.url, {}, '{}');
      expect(literal).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/127.0.0.1 is refused by webhooks.denyHosts/) });
      const named = await s.send(`http://localhost:${rx.port}/hook`, {}, '{}');
      expect(named).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/address (127.0.0.1|::1) of localhost is refused by webhooks.denyHosts/) });
      expect(rx.received).toHaveLength(0);
    } finally { s.close(); }
    const allowOnly = sender({ allowHosts: ['crm.example.com'] });
    try {
      expect((await allowOnly.send(rx.url, {}, '{}')).error).toMatch(/not in webhooks.allowHosts/);
    } finally { allowOnly.close(); }
  });

  it('posts the body with its headers when allowed', async () => {
    const s = sender();
    try {
      const r = await s.send(rx.url, { 'content-type': 'application/json', 'kefu-event': 'call.ended' }, '{"a":1}');
      expect(r).toMatchObject({ ok: true, statusCode: 200, error: null, response: 'ok' });
      expect(rx.received.at(-1)).toMatchObject({ body: '{"a":1}', headers: expect.objectContaining({ 'kefu-event': 'call.ended', 'content-length': '7' }) });
    } finally { s.close(); }
  });

  it('gives up at the deadline, keeps only the start of a big answer, does not follow redirects, stores no NUL', async () => {
    const s = sender({}, 300);
    try {
      const slow = await s.send(`http://127.0.0.1:${oddPort}/slow`, {}, '{}');
      expect(slow).toMatchObject({ ok: false, statusCode: null, error: 'no answer in 300 ms (webhooks.timeoutMs)' });
      const big = await s.send(`http://127.0.0.1:${oddPort}/big`, {}, '{}');
      expect(big).toMatchObject({ ok: true, statusCode: 200 });
      expect(big.response).toBe('x'.repeat(64));
      const before = rx.received.length;
      const moved = await s.send(`http://127.0.0.1:${oddPort}/moved`, {}, '{}');
      expect(moved).toMatchObject({ ok: false, statusCode: 307 });
      expect(rx.received).toHaveLength(before);
      expect((await s.send(`http://127.0.0.1:${oddPort}/nul`, {}, '{}')).response).toBe('badbody');
    } finally { s.close(); }
  });
});
