/**
 * The shipped deploy/kamailio/kamailio.cfg on its own (no Asterisk lab), for
 * the tests of its database features: one Kamailio process on a loopback
 * port with a dispatcher list of one node, its locations (and trunk
 * registrations) in a PostgreSQL database with Debian's Kamailio tables, and
 * UDP endpoints that play the far sides (a phone, a node, a provider).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freshDatabase } from './db.ts';
import { ROOT } from './daemon.ts';

const SQL_DIR = '/usr/share/kamailio/postgres';

/** A UDP SIP endpoint that keeps what it receives; `send` goes to Kamailio (LF line ends become CRLF). */
export interface SipEndpoint { sock: Socket; got: string[]; send(msg: string): void }

export async function sipEndpoint(port: number, kamailioPort: number): Promise<SipEndpoint> {
  const sock = createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((resolve) => sock.bind(port, '127.0.0.1', () => resolve()));
  return { sock, got, send: (msg) => sock.send(msg.replace(/\r?\n/g, '\r\n'), kamailioPort, '127.0.0.1') };
}

export interface KamailioRun {
  sql: pg.Client;
  /** The database's URL (Kamailio's DBURL). */
  url: string;
  /** Kamailio's output so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A database with the Kamailio tables `tables` (file names under
 * /usr/share/kamailio/postgres), `seed` run on it, then Kamailio listening on
 * 127.0.0.1:`port` with the node 127.0.0.1:`node` as set 1 and `defines`
 * (more -A switches).
 */
export async function startKamailio(o: { port: number; node: number; tables: string[]; seed?: (sql: pg.Client) => Promise<void>; defines?: string[] }): Promise<KamailioRun> {
  const db = await freshDatabase('postgres');
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  for (const f of o.tables) await sql.query(readFileSync(join(SQL_DIR, f), 'utf8'));
  await o.seed?.(sql);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-kamailio-'));
  writeFileSync(join(dir, 'dispatcher.list'), `1 sip:127.0.0.1:${o.node} 0 10\n`);
  const child: ChildProcess = spawn('kamailio', ['-f', join(ROOT, 'deploy/kamailio/kamailio.cfg'), '-DD', '-E', '-m', '32', '-M', '4', '-Y', dir,
    '-A', `LISTEN=udp:127.0.0.1:${o.port}`, '-A', `DS_LIST="${join(dir, 'dispatcher.list')}"`, '-A', `DBURL="${db.url}"`,
    ...(o.defines ?? []).flatMap((d) => ['-A', d])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  return {
    sql, url: db.url, log: () => out,
    async stop() {
      if (child.pid && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await sql.end();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
