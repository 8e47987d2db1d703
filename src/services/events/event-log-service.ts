/**
 * The event log behind the bus (docs/scale-out.md). Every event emitted here
 * is queued; one INSERT per tick writes the queue in emit order (at most
 * events.batchMax rows), which gives the ids; then the events, with ids, go
 * to the stream's listeners (bus.subscribeLogged) through the sequencer,
 * which keeps id order. On a PostgreSQL server, once the INSERT (one
 * statement, committed as it ends) is done, NOTIFY kefu_events '<highest
 * id>' follows; every daemon LISTENs, and also
 * polls `id > last` every events.pollMs, and streams the events other daemons
 * wrote (never to its webhooks: each daemon's webhooks take only its own
 * events, through bus.subscribeOwnLogged, right after the write). A periodic prune keeps events.retentionH hours, at most
 * events.maxRows rows.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus, KefuEvent, LoggedEvent } from '../../core/events/bus.ts';
import { EventSequencer } from '../../core/events/sequencer.ts';
import { EVENT_CHANNEL, type EventLogRepo } from '../../db/repos/event-log.ts';
import { KeptListen, type ListenFn } from '../../db/listen.ts';

export interface EventLogConfig {
  retentionH: number; maxRows: number; pruneS: number; pollMs: number; notify: boolean; holeWaitMs: number; batchMax: number; origin?: string | undefined;
}

export interface EventLogDeps {
  bus: EventBus;
  repo: EventLogRepo;
  config: EventLogConfig;
  logger: Logger;
  /** PostgreSQL server: how to LISTEN (null on PGlite: single process, no LISTEN, no poll). */
  listen: ListenFn | null;
}

/** Queued events above this are dropped (with an error logged): the database is gone for long. */
const MAX_QUEUE = 100_000;
const PAGE = 1000;
/**
 * Failed writes in a row after which the queued events go to the consoles
 * without an id (the database is down: a ringing call must still pop up).
 * They are still written once the database is back (webhooks take them then),
 * but not streamed a second time; a console cannot resume over them.
 */
export const LIVE_WITHOUT_LOG_AFTER = 3;

export class EventLogService {
  readonly origin: string;
  private queue: KefuEvent[] = [];
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private fetching: Promise<void> | null = null;
  private fetchAgain = false;
  private readonly seq: EventSequencer;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private listening: KeptListen | null = null;
  private stopped = false;
  /** Events streamed without an id while the log could not be written. */
  private readonly shownUnlogged = new WeakSet<KefuEvent>();
  /** Figures (GET /health could show them; tests read them). */
  readonly stats = { written: 0, batches: 0, remote: 0, dropped: 0, writeErrors: 0, notifies: 0, polls: 0, unlogged: 0 };

  constructor(private readonly d: EventLogDeps) {
    this.origin = d.config.origin ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.seq = new EventSequencer({
      holeWaitMs: d.config.holeWaitMs,
      deliver: (e) => { if (!this.shownUnlogged.has(e)) d.bus.deliverLogged(e); },
      onHole: () => { void this.fetch(); },
    });
  }

  /** Events are streamed from the current end of the log; the bus writes here from now on. */
  async start(): Promise<void> {
    this.seq.start(await this.d.repo.lastId());
    this.d.bus.attachSink((e) => this.enqueue(e));
    const c = this.d.config;
    if (this.d.listen) {
      if (c.notify) {
        this.listening = new KeptListen({ listen: this.d.listen, channel: EVENT_CHANNEL, what: 'event log', logger: this.d.logger,
          onNotify: () => { this.stats.notifies++; void this.fetch(); }, onUp: () => { void this.fetch(); } });
        await this.listening.start();
      }
      if (c.pollMs > 0) this.timers.push(setInterval(() => { this.stats.polls++; void this.fetch(); }, c.pollMs));
    }
    this.timers.push(setInterval(() => { void this.prune(); }, c.pruneS * 1000));
    void this.prune();
  }

  /** Write what is queued, then stop listening and polling. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.flush();
    await this.listening?.stop();
    this.listening = null;
    await this.fetching;
    this.seq.stop();
  }

  /** The highest id the stream delivered. */
  get lastDelivered(): number {
    return this.seq.last;
  }

  get holesSkipped(): number {
    return this.seq.skipped;
  }

  /** Logged events after `afterId` up to `upTo` (a resume), in id order. */
  read(afterId: number, upTo: number, limit: number, types: readonly string[] | null): Promise<LoggedEvent[]> {
    return this.d.repo.after(afterId, limit, { types, upTo }).then((rows) => rows.map(({ origin: _o, ...e }) => e));
  }

  /** Ids up to this one may have been pruned: a resume from below it cannot be served. */
  prunedThrough(): Promise<number> {
    return this.d.repo.prunedThrough();
  }

  lastWritten(): Promise<number> {
    return this.d.repo.lastId();
  }

  private enqueue(e: KefuEvent): void {
    if (this.stopped && !this.flushing) { this.stats.dropped++; return; }
    if (this.queue.length >= MAX_QUEUE) {
      this.stats.dropped++;
      if (this.stats.dropped % 1000 === 1) this.d.logger.error({ dropped: this.stats.dropped }, 'event log: queue full, events dropped (is the database reachable?)');
      return;
    }
    this.queue.push(e);
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; void this.flush(); });
  }

  /** Writes the queue, batch by batch, in emit order; one flush at a time. */
  private flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    let failures = 0;
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.d.config.batchMax);
      let ids: number[];
      try {
        ids = await this.d.repo.append(batch, this.origin);
      } catch (err) {
        this.stats.writeErrors++;
        failures++;
        this.d.logger.error({ err, events: this.queue.length }, 'event log: write failed; retrying');
        if (this.stopped && failures >= 3) { this.stats.dropped += this.queue.length; this.queue = []; return; }
        if (failures >= LIVE_WITHOUT_LOG_AFTER) this.streamUnlogged();
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** failures)));
        continue;
      }
      failures = 0;
      this.queue.splice(0, batch.length);
      this.stats.written += batch.length;
      this.stats.batches++;
      batch.forEach((e, i) => { e.id = ids[i]!; });
      if (this.d.listen !== null && this.d.config.notify) {
        void this.d.repo.notify(ids[ids.length - 1]!).catch((err: unknown) => this.d.logger.debug({ err }, 'event log: NOTIFY failed (the other daemons\' poll finds the events)'));
      }
      for (const e of batch) this.d.bus.deliverOwnLogged(e as LoggedEvent);
      for (const e of batch) this.seq.offer(e as LoggedEvent);
    }
  }

  /** The database is down: the queued events go to the consoles now, without an id, each once. */
  private streamUnlogged(): void {
    for (const e of this.queue) {
      if (this.shownUnlogged.has(e)) continue;
      this.shownUnlogged.add(e);
      this.stats.unlogged++;
      this.d.bus.deliverLogged(e as LoggedEvent);
    }
  }

  /** Reads other daemons' events after the last delivered id (NOTIFY, poll, or a hole). */
  private fetch(): Promise<void> {
    if (this.fetching) { this.fetchAgain = true; return this.fetching; }
    this.fetching = (async () => {
      do {
        this.fetchAgain = false;
        try {
          for (;;) {
            const rows = await this.d.repo.after(this.seq.last, PAGE, { skipOrigin: this.origin });
            for (const { origin, ...e } of rows) {
              if (origin === this.origin) continue; // ours: offered by the writer after its commit
              this.stats.remote++;
              this.seq.offer(e);
            }
            if (rows.length < PAGE || this.stopped) break;
          }
        } catch (err) {
          this.d.logger.warn({ err }, 'event log: reading other daemons\' events failed; the next poll tries again');
        }
      } while (this.fetchAgain && !this.stopped);
    })().finally(() => { this.fetching = null; });
    return this.fetching;
  }

  private async prune(): Promise<void> {
    try {
      const n = await this.d.repo.prune(new Date(Date.now() - this.d.config.retentionH * 3_600_000), this.d.config.maxRows);
      if (n) this.d.logger.debug({ deleted: n }, 'event log pruned');
    } catch (err) {
      this.d.logger.warn({ err }, 'event log: prune failed; the next one tries again');
    }
  }
}
