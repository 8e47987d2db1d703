/**
 * A TCP relay on loopback whose far side the test can cut: one daemon's way
 * to the database goes through it while another's goes straight, so one
 * daemon loses the database and the other keeps it. `cut()` closes every
 * connection through it and closes new ones at once until `mend()`.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface CutProxy {
  port: number;
  /** `url` with its host and port replaced by the relay's. */
  via(url: string): string;
  cut(): void;
  mend(): void;
  close(): Promise<void>;
}

export async function cutProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CutProxy> {
  const open = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) { client.destroy(); return; }
    const far = createConnection({ host: targetHost, port: targetPort });
    for (const s of [client, far]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined); // the other side is closed with it
    }
    client.on('close', () => far.destroy());
    far.on('close', () => client.destroy());
    client.pipe(far);
    far.pipe(client);
  });
  server.maxConnections = 100;
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    via(url) { const u = new URL(url); u.hostname = '127.0.0.1'; u.port = String(port); return u.toString(); },
    cut() { down = true; for (const s of open) s.destroy(); },
    mend() { down = false; },
    close: () => new Promise<void>((resolve) => { down = true; for (const s of open) s.destroy(); server.close(() => resolve()); }),
  };
}
