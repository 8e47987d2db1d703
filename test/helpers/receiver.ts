/**
 * A real webhook receiver on 127.0.0.1 (node http): records every request
 * (headers, raw body, arrival time, the status it answered) and answers as
 * told: 200, another status, or not at all (down: the port refuses
 * connections until it is brought up again on the same port).
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** performance.timeOrigin-based ms (Date.now()-like, monotonic enough for ordering). */
  at: number;
  /** What the receiver answered. */
  status: number;
}

/** Decides the answer to one request (default 200). */
export type Responder = (r: Omit<Received, 'status'>, n: number) => number;

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** The requests answered 2xx. */
  taken(): Received[];
  respond(fn: Responder): void;
  /** Stop listening (connections are refused) and drop open connections. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  let responder: Responder = () => 200;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.timeOrigin + performance.now() };
      const status = responder(r, received.length);
      received.push({ ...r, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve((server.address() as { port: number }).port); });
  });
  const port = await listen(0);
  const stop = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}${path}`, port, received,
    taken: () => received.filter((r) => r.status >= 200 && r.status < 300),
    respond(fn) { responder = fn; },
    down: stop,
    async up() { await listen(port); },
    async close() { if (server.listening) await stop(); },
  };
}
