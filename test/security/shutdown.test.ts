/**
 * `kefu` stops promptly while clients hold connections open: a keep-alive
 * connection after a request, a connection that never sent a request, and one
 * that sent half a request. Before the fix the last two held the daemon for
 * minutes (no connection time-out, and they are not "idle" to Node).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { startDaemonProcess } from '../helpers/daemon.ts';

const DEADLINE_MS = 10_000;

/** Resolves with the exit code, or rejects when the daemon is still running at the deadline. */
function exitsBefore(stop: Promise<number | null>, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`daemon still running after ${ms} ms`)), ms); });
  return Promise.race([stop, late]).finally(() => clearTimeout(timer));
}

function connect(port: number, host: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => resolve(s));
    s.once('error', reject);
  });
}

/** Reads from the socket until `pred(text so far)` holds. */
function readUntil(s: net.Socket, pred: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const on = (d: Buffer) => { text += d.toString(); if (pred(text)) { s.off('data', on); resolve(text); } };
    s.on('data', on);
  });
}

describe(`shutdown with open connections on ${testDbKind()}`, () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => { db = await freshDatabase(); });
  afterAll(async () => { await db?.drop(); });

  it('stops before the deadline with a keep-alive, a silent and a half-sent connection open', async () => {
    const d = await startDaemonProcess({ databaseUrl: db.url });
    const { port, hostname } = new URL(d.url);
    const sockets: net.Socket[] = [];
    try {
      const keepAlive = await connect(Number(port), hostname);
      sockets.push(keepAlive);
      const answered = readUntil(keepAlive, (t) => t.includes('"status":"ok"'));
      keepAlive.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
      expect(await answered).toMatch(/^HTTP\/1\.1 200/);
      sockets.push(await connect(Number(port), hostname));
      const half = await connect(Number(port), hostname);
      sockets.push(half);
      half.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${hostname}\r\n`);
      for (const s of sockets) s.on('error', () => { /* reset by the stopping daemon */ });

      const code = await exitsBefore(d.stop(), DEADLINE_MS);
      expect(code).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      await d.stop('SIGKILL');
    }
  });
});
