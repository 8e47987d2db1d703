import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KefuError } from '../core/errors.ts';
import { openPostgres } from './postgres.ts';

/**
 * The far side of the wire: a loopback server speaking just enough of PostgreSQL's protocol
 * (trust authentication, ready for query) to let node-postgres in, then cutting the connection
 * the way a killed server or a proxy in a failover does (no error message, the socket closed).
 */
function server(cutAt: 'startup' | 'query'): Promise<{ url: string; srv: Server }> {
  const srv = createServer((sock: Socket) => {
    let startup = true;
    sock.on('data', () => {
      if (cutAt === 'startup' || !startup) { sock.destroy(); return; }
      startup = false;
      const auth = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]); // AuthenticationOk
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // ReadyForQuery, idle
      sock.write(Buffer.concat([auth, ready]));
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => {
    const port = (srv.address() as { port: number }).port;
    resolve({ url: `postgres://kefu@127.0.0.1:${port}/kefu`, srv });
  }));
}

describe('openPostgres: a connection lost without a SQLSTATE', () => {
  let srv: Server | undefined;
  afterEach(async () => { await new Promise((r) => srv?.close(r) ?? r(undefined)); srv = undefined; });

  const failure = async (url: string): Promise<KefuError> => {
    const e = await openPostgres(url, { max: 1 }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(KefuError);
    return e as KefuError;
  };

  it('is DB_UNAVAILABLE when the server cuts the connection before it is ready', async () => {
    const s = await server('startup'); srv = s.srv;
    const e = await failure(s.url);
    expect(e.code).toBe('DB_UNAVAILABLE');
    expect(((e.cause as Error).cause as Error).message).toBe('Connection terminated unexpectedly');
  });

  it('is DB_UNAVAILABLE when the server cuts the connection under a query', async () => {
    const s = await server('query'); srv = s.srv;
    const e = await failure(s.url);
    expect(e.code).toBe('DB_UNAVAILABLE');
    expect(((e.cause as Error).cause as Error).message).toBe('Connection terminated unexpectedly');
  });

  it('keeps a refusal with a code as the code says (nobody listening: ECONNREFUSED)', async () => {
    const s = await server('startup');
    const port = (s.srv.address() as { port: number }).port;
    await new Promise((r) => s.srv.close(r));
    const e = await failure(`postgres://kefu@127.0.0.1:${port}/kefu`);
    expect(e.code).toBe('DB_UNAVAILABLE');
    expect((e.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
