/**
 * The event log (sql/021_events.sql): every emitted event, with the id the
 * stream and `?since=` use. Written in batches (one INSERT per batch, in emit
 * order), read by id, pruned by age and count.
 */
import type { Db } from '../types.ts';
import type { EventType, KefuEvent, LoggedEvent } from '../../core/events/bus.ts';

interface Row { id: number; type: string; at: Date | string; data: unknown; origin: string }

/** The NOTIFY channel; the payload is the batch's highest id, nothing else. */
export const EVENT_CHANNEL = 'kefu_events';

const toEvent = (r: Row): LoggedEvent => ({
  id: Number(r.id), type: r.type as EventType, at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
  data: r.data as KefuEvent['data'],
});

export class EventLogRepo {
  constructor(private readonly db: Db) {}

  /**
   * Write events in order in one INSERT; returns their ids, in the same order.
   * One statement, so it commits on the server as it ends: a writer stopped
   * after sending it (SIGSTOP, a full machine) cannot hold ids back and
   * commit them later, behind ids other daemons already streamed.
   */
  async append(events: readonly KefuEvent[], origin: string): Promise<number[]> {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO event_log (type, at, data, origin)
       SELECT u.t, u.a, u.d::jsonb, $4 FROM unnest($1::text[], $2::timestamptz[], $3::text[]) WITH ORDINALITY AS u(t, a, d, n)
       ORDER BY u.n RETURNING id`,
      [events.map((e) => e.type), events.map((e) => e.at), events.map((e) => JSON.stringify(e.data)), origin]);
    // a sequence gives ids in the order the rows are inserted (ORDER BY n): sorted, they match the events
    return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
  }

  /** NOTIFY kefu_events '<id>': ids up to this one are written (sent after the INSERT committed; a lost one is made up by the poll). */
  async notify(lastId: number): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, String(lastId)]);
  }

  /** Events after `afterId` (up to `upTo`), in id order (at most `limit`); `types` narrows; rows of `skipOrigin` come without data. */
  async after(afterId: number, limit: number, opts: { types?: readonly string[] | null; skipOrigin?: string; upTo?: number } = {}): Promise<Array<LoggedEvent & { origin: string }>> {
    const params: unknown[] = [afterId, limit];
    let where = 'id > $1';
    if (opts.upTo !== undefined) { params.push(opts.upTo); where += ` AND id <= $${params.length}`; }
    if (opts.types) { params.push([...opts.types]); where += ` AND type = ANY($${params.length}::text[])`; }
    let data = 'data';
    if (opts.skipOrigin !== undefined) { params.push(opts.skipOrigin); data = `CASE WHEN origin = $${params.length} THEN 'null'::jsonb ELSE data END AS data`; }
    const r = await this.db.query<Row>(`SELECT id, type, at, ${data}, origin FROM event_log WHERE ${where} ORDER BY id LIMIT $2`, params);
    return r.rows.map((row) => ({ ...toEvent(row), origin: row.origin }));
  }

  /** The highest id written (0 when none). */
  async lastId(): Promise<number> {
    const r = await this.db.query<{ id: number | null }>('SELECT max(id) AS id FROM event_log');
    return Number(r.rows[0]?.id ?? 0);
  }

  /** The highest id the prune deleted: a resume from below it may miss events. */
  async prunedThrough(): Promise<number> {
    const r = await this.db.query<{ p: number }>('SELECT pruned_through AS p FROM event_log_state');
    return Number(r.rows[0]?.p ?? 0);
  }

  /** Delete events older than `before` and all but the newest `maxRows`; returns how many went. */
  async prune(before: Date, maxRows: number): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `WITH del AS (
         DELETE FROM event_log WHERE at < $1 OR id <= (SELECT coalesce(max(id), 0) - $2 FROM event_log) RETURNING id
       ), mark AS (
         UPDATE event_log_state SET pruned_through = GREATEST(pruned_through, (SELECT coalesce(max(id), 0) FROM del)) RETURNING 1
       )
       SELECT (SELECT count(*) FROM del)::int AS n`,
      [before.toISOString(), maxRows]);
    return Number(r.rows[0]?.n ?? 0);
  }
}
