/**
 * LISTEN on a PostgreSQL server: one dedicated connection (a pooled one
 * cannot keep a LISTEN). Used by the event log to hear the ids other daemons
 * wrote (NOTIFY kefu_events '<id>') and by the cache sync to hear which
 * cache moved (NOTIFY kefu_cache '<name>'). PGlite has no use for it (one
 * process).
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

export type ListenFn = (channel: string, onNotify: (payload: string) => void, onLost: (err: unknown) => void) => Promise<Listening>;

/**
 * A LISTEN kept up for as long as it runs (the event log, the cache sync):
 * a connection that fails or is lost is tried again every 2 s (its owner
 * polls meanwhile); each (re)connection calls `onUp`, to catch what was
 * missed while not listening. An outage is logged twice: a warning when it
 * starts, and when LISTEN is back, how long it was away and how many tries it took.
 */
export class KeptListen {
  private listening: Listening | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Since when LISTEN has been away, and the tries that failed since. */
  private away: { since: number; failed: number } | null = null;

  constructor(private readonly o: {
    listen: ListenFn; channel: string; onNotify: (payload: string) => void; onUp: () => void;
    /** How the owner names itself in the log ("event log", "caches"). */
    what: string; logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  }) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      this.listening = await this.o.listen(this.o.channel, this.o.onNotify, (err) => {
        this.listening = null;
        this.away = { since: Date.now(), failed: 0 };
        this.o.logger.warn({ err }, `${this.o.what}: LISTEN connection lost; polling until it is back`);
        this.again();
      });
      if (this.away) this.o.logger.info({ awayMs: Date.now() - this.away.since, failedTries: this.away.failed }, `${this.o.what}: LISTEN is back`);
      this.away = null;
      this.o.onUp();
    } catch (err) {
      if (!this.away) {
        this.away = { since: Date.now(), failed: 0 };
        this.o.logger.warn({ err }, `${this.o.what}: LISTEN failed; polling until it works (tried again every 2 s)`);
      }
      this.away.failed++;
      this.again();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.listening?.close();
    this.listening = null;
  }

  private again(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => { this.retry = null; void this.start(); }, 2000);
  }
}
