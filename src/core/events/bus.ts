/**
 * The typed event bus. Every event that leaves the daemon (WebSocket
 * /api/v1/events, webhooks) goes through here. Type names are fixed by API.md.
 */
import type { CustomerSummary } from '../crm/summary.ts';
import type { Disposition } from '../call/disposition.ts';

export interface EventMap {
  'line.state': { lineId: string; state: string; previous: string | null; reason?: string };
  /** A ring burst on a device line (count from 1 per call). */
  'line.ring': { lineId: string; ring: number };
  /**
   * Caller ID as the device delivered it (set-up wizard, hardware page): the raw
   * lines, the number as normalised, and whether a known format was recognised.
   */
  'line.callerid': {
    lineId: string; raw: string[]; recognised: boolean; format: 'fsk' | 'dtmf' | 'unknown';
    number: string | null; e164: string | null; display: string | null; valid: boolean; region: string | null;
    name: string | null; withheld: 'private' | 'unavailable' | null; defaultRegion: string;
  };
  /** `customer`: a bounded summary of the caller's record (the full one is GET /customers/{id}). */
  'call.ringing': { callId: string; lineId: string; number: string | null; name: string | null; customer: CustomerSummary | null; blacklisted: boolean };
  'call.answered': { callId: string; lineId: string; number: string | null };
  'call.dtmf': { callId: string; lineId: string; digit: string };
  'call.ended': { callId: string; lineId: string; number: string | null; disposition: Disposition; durationMs: number };
  screenpop: { agentId: string | null; callId: string; lineId: string; number: string | null; customer: CustomerSummary | null };
  'agent.state': { agentId: string; state: string; reason?: string | null; seatId?: string | null; callId?: string | null; wrapUpUntil?: string | null };
  'queue.update': { queueId: string; [k: string]: unknown };
  /** A waiting caller heard their position / estimated wait (text as spoken). */
  'queue.announcement': { callId: string; queueId: string; position: number; estimatedWaitS: number | null; text: string };
  'recording.ready': { recordingId: string; callId: string; durationMs: number; sha256: string };
  /** A recording could not be made or kept (disk full, folder unwritable, database error); the call went on. */
  'recording.failed': { recordingId: string; callId: string; reason: string };
  /** An SMS came in (the stored message; `incomplete` when a part never came). */
  'sms.received': Record<string, unknown>;
  /** An outbound SMS changed status: queued, sending, sent, delivered, failed (`previous`: the status before, null when new). */
  'sms.status': { id: string; number: string; status: string; previous: string | null; dongleId: string | null; customerId: string | null; error: string | null; parts: number };
  /** A fax arrived in full (or with the pages that came: `status` says). */
  'fax.received': { faxId: string; number: string | null; lineId: string | null; customerId: string | null; pages: number | null; remoteStationId: string | null; status: string };
  /** A fax changed state: queued, sending (each attempt), sent, failed, receiving, received. */
  'fax.status': {
    faxId: string; direction: 'inbound' | 'outbound'; status: string; number: string | null; lineId: string | null;
    pages: number | null; attempts: number; resultCode: string | null; resultText: string | null; nextAttemptAt: string | null;
  };
  'campaign.update': Record<string, unknown>;
  /** A scorecard period was published (issue 13): `results` cards (individual) or teams (team). */
  'scorecard.published': { periodId: string; schemeId: string; kind: 'individual' | 'team'; label: string; from: string; to: string; results: number };
  /** A scorecard appeal (申诉) was filed (status open) or answered (upheld, rejected). */
  'scorecard.appeal': { appealId: string; scorecardId: string; periodId: string; agentId: string; deductionId: string | null; status: 'open' | 'upheld' | 'rejected'; dueAt: string; adjustment: number | null };
  /** A follow-up task fell due (once per task and due time, even across restarts). */
  'task.due': { taskId: string; ownerId: string | null; customerId: string | null; customerName: string | null; kind: string; title: string; dueAt: string; planId: string | null };
  /** A customer/contact/blacklist import under way: records read so far of `total` (the file's record count). */
  'import.progress': { importId: string; kind: 'customers' | 'contacts' | 'blacklist'; done: number; total: number; imported: number; skipped: number; finished: boolean };
}

export type EventType = keyof EventMap;

export interface KefuEvent<T extends EventType = EventType> {
  /**
   * The event's id in the event log (sql/021_events.sql): a positive integer,
   * increasing in emit order. Set once the event is written (a few ms after
   * emit); listeners of `subscribeLogged` always see it, plain `subscribe`
   * listeners run before the write and see it undefined.
   */
  id?: number;
  type: T;
  at: string;
  data: EventMap[T];
}

export type EventListener = (event: KefuEvent) => void;

/** An event as logged: its id is set. */
export type LoggedEvent = KefuEvent & { id: number };
export type LoggedListener = (event: LoggedEvent) => void;

/**
 * Where emitted events are written (the event log service). It gives them
 * their ids and hands them back, in id order, to `deliverLogged` (with the
 * events other daemons wrote).
 */
export type EventSink = (event: KefuEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly logged = new Set<LoggedListener>();
  private readonly ownLogged = new Set<LoggedListener>();
  private sink: EventSink | null = null;
  /** Ids of a bus with no log (unit tests, tools): counted here. */
  private localId = 0;

  /** Attach the event log; from now on logged listeners get events only through it. */
  attachSink(sink: EventSink | null): void {
    this.sink = sink;
  }

  /**
   * Events with their ids, in id order: the ones emitted here once written,
   * and (on a PostgreSQL server) the ones other daemons wrote. The WebSocket
   * stream listens here; webhooks do not (they see only this daemon's events).
   */
  subscribeLogged(listener: LoggedListener): () => void {
    this.logged.add(listener);
    return () => this.logged.delete(listener);
  }

  /**
   * The events emitted by this daemon only, with their ids, in emit order,
   * as soon as they are written (webhooks: one daemon, the emitter, puts an
   * event in the outbox).
   */
  subscribeOwnLogged(listener: LoggedListener): () => void {
    this.ownLogged.add(listener);
    return () => this.ownLogged.delete(listener);
  }

  /** Called by the event log with this daemon's events right after they are written, in emit order. */
  deliverOwnLogged(event: LoggedEvent): void {
    for (const listener of this.ownLogged) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber must never break the others.
      }
    }
  }

  /** Called by the event log, in id order. */
  deliverLogged(event: LoggedEvent): void {
    for (const listener of this.logged) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber must never break the others.
      }
    }
  }

  emit<T extends EventType>(type: T, data: EventMap[T]): KefuEvent<T> {
    const event: KefuEvent<T> = { type, at: new Date().toISOString(), data };
    for (const listener of this.listeners) {
      try {
        listener(event as KefuEvent);
      } catch {
        // A faulty subscriber must never break the emitter.
      }
    }
    if (this.sink) this.sink(event as KefuEvent);
    else {
      event.id = ++this.localId;
      this.deliverOwnLogged(event as LoggedEvent);
      this.deliverLogged(event as LoggedEvent);
    }
    return event;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
