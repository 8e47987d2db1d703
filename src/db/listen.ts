/**
 * LISTEN on a PostgreSQL server: one dedicated connection (a pooled one
 * cannot keep a LISTEN). Used by the event log to hear the ids other daemons
 * wrote (NOTIFY kefu_events '<id>'). PGlite has no use for it (one process).
 */
import pg from 'pg';

export interface Listening {
  close(): Promise<void>;
}

/** Listen on `channel`; `onNotify` gets each payload; `onLost` once when the connection fails (listen again then). */
export async function listenPostgres(url: string, channel: string, onNotify: (payload: string) => void, onLost: (err: unknown) => void): Promise<Listening> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  const client = new pg.Client({ connectionString: url });
  let closing = false;
  let lost = false;
  // Ending a client that already failed, or that we are closing, can only fail the same way again: nothing to report.
  const end = (): Promise<void> => client.end().catch(() => undefined);
  const fail = (err: unknown) => {
    if (closing || lost) return;
    lost = true;
    void end();
    onLost(err);
  };
  client.on('error', fail);
  client.on('end', () => fail(new Error('LISTEN connection ended')));
  client.on('notification', (n) => { if (n.channel === channel) onNotify(n.payload ?? ''); });
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
  } catch (e) {
    closing = true;
    await end();
    throw e;
  }
  return {
    async close() {
      closing = true;
      await end();
    },
  };
}
