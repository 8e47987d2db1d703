/**
 * Webhook subscriptions and their delivery outbox (sql/018_webhooks.sql).
 * The secret leaves this repo only through `secretOf` and `due` (to sign).
 */
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import type { DeliveryState, DeliveryStatus } from '../../core/webhooks/policy.ts';

interface HookRow {
  id: string; url: string; events: string[]; secret: string; enabled: boolean; description: string;
  consecutive_dead: number; disabled_reason: string | null; created_at: Date; updated_at: Date;
  pending?: number; dead?: number;
}

export interface Webhook {
  id: string; url: string; events: string[]; enabled: boolean; description: string;
  /** The first characters of the secret, to recognise it. */
  secretPrefix: string;
  consecutiveDeadLetters: number; disabledReason: string | null;
  /** Deliveries waiting (first attempt or a retry) and dead letters. */
  pending: number; dead: number;
  createdAt: string; updatedAt: string;
}

interface DeliveryRow {
  id: string; seq: number; webhook_id: string; event_type: string; body?: string; order_key: string | null; status: DeliveryStatus;
  attempts: number; next_attempt_at: Date; round_started_at: Date; last_attempt_at: Date | null; last_status_code: number | null;
  last_error: string | null; last_latency_ms: number | null; last_response: string | null; created_at: Date; delivered_at: Date | null;
}

export interface Delivery {
  id: string; webhookId: string; eventType: string; orderKey: string | null; status: DeliveryStatus; attempts: number;
  nextAttemptAt: string | null; lastAttemptAt: string | null; lastStatusCode: number | null; lastError: string | null;
  lastLatencyMs: number | null; lastResponse: string | null; createdAt: string; deliveredAt: string | null;
}

/** A due delivery with what sending it needs. */
export interface DueDelivery {
  id: string; webhookId: string; url: string; secret: string; eventType: string; body: string; orderKey: string | null;
  state: DeliveryState; dueAt: number; seq: number;
  /** The subscription (whose concurrency share it uses). */
  owner: string;
  /** Claimed by this call of `due` (due by the database's clock); an unclaimed one is never sent from this answer. */
  claimed: boolean;
}

export interface NewDelivery { id: string; webhookId: string; eventType: string; body: string; orderKey: string | null; at: Date }

/** What one attempt came to, as stored. */
export interface AttemptRecord {
  at: Date; statusCode: number | null; error: string | null; latencyMs: number; response: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const hook = (r: HookRow): Webhook => ({
  id: r.id, url: r.url, events: r.events, enabled: r.enabled, description: r.description, secretPrefix: `${r.secret.slice(0, 10)}…`,
  consecutiveDeadLetters: r.consecutive_dead, disabledReason: r.disabled_reason, pending: Number(r.pending ?? 0), dead: Number(r.dead ?? 0),
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});
const delivery = (r: DeliveryRow): Delivery => ({
  id: r.id, webhookId: r.webhook_id, eventType: r.event_type, orderKey: r.order_key, status: r.status, attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null, lastAttemptAt: iso(r.last_attempt_at),
  lastStatusCode: r.last_status_code, lastError: r.last_error, lastLatencyMs: r.last_latency_ms, lastResponse: r.last_response,
  createdAt: r.created_at.toISOString(), deliveredAt: iso(r.delivered_at),
});
const COUNTS = `(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending,
  (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'dead') AS dead`;
const DELIVERY_COLS = `id, seq, webhook_id, event_type, order_key, status, attempts, next_attempt_at, round_started_at, last_attempt_at,
  last_status_code, last_error, last_latency_ms, last_response, created_at, delivered_at`;

export class WebhookRepo {
  constructor(private readonly db: Queryable) {}

  async create(w: { id: string; url: string; events: string[]; secret: string; enabled: boolean; description: string }): Promise<Webhook> {
    await this.db.query('INSERT INTO webhooks(id, url, events, secret, enabled, description) VALUES ($1,$2,$3,$4,$5,$6)',
      [w.id, w.url, w.events, w.secret, w.enabled, w.description]);
    return this.get(w.id);
  }

  async get(id: string): Promise<Webhook> {
    const r = await this.db.query<HookRow>(`SELECT w.*, ${COUNTS} FROM webhooks w WHERE w.id = $1`, [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `webhook ${id} not found`);
    return hook(r.rows[0]);
  }

  async list(opts: { limit: number; cursor?: string | undefined }): Promise<{ items: Webhook[]; next: string | null }> {
    const params: unknown[] = [];
    const c = decodeCursor(opts.cursor);
    if (c) params.push(c.at, c.id);
    const where = [c ? '(w.created_at, w.id) > ($1::timestamptz, $2::uuid)' : null];
    params.push(opts.limit + 1);
    const r = await this.db.query<HookRow>(`SELECT w.*, ${COUNTS} FROM webhooks w ${whereClause(where)} ORDER BY w.created_at, w.id LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(hook), next: p.next };
  }

  /** Enabled subscriptions and their patterns (the matcher's cache). */
  async enabled(): Promise<Array<{ id: string; events: string[] }>> {
    const r = await this.db.query<{ id: string; events: string[] }>('SELECT id, events FROM webhooks WHERE enabled ORDER BY created_at, id');
    return r.rows;
  }

  async update(id: string, p: { url?: string; events?: string[]; enabled?: boolean; description?: string; secret?: string }): Promise<Webhook> {
    const params: unknown[] = [id];
    const sets = ['updated_at = now()'];
    const set = (col: string, v: unknown) => { if (v !== undefined) { params.push(v); sets.push(`${col} = $${params.length}`); } };
    set('url', p.url); set('events', p.events); set('enabled', p.enabled); set('description', p.description); set('secret', p.secret);
    // enabling again starts the dead-letter count afresh
    if (p.enabled === true) sets.push('consecutive_dead = 0', 'disabled_reason = NULL');
    const r = await this.db.query(`UPDATE webhooks SET ${sets.join(', ')} WHERE id = $1`, params);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `webhook ${id} not found`);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM webhooks WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `webhook ${id} not found`);
  }

  /** Writes deliveries in the order given (their seq keeps it); none for a subscription deleted or disabled since its event was matched. */
  async enqueue(rows: readonly NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO webhook_deliveries(id, webhook_id, event_type, body, order_key, next_attempt_at, round_started_at, created_at)
       SELECT id, webhook_id, event_type, body, order_key,
              -- behind a retrying head of its call: due no earlier than the head (it could not go anyway)
              CASE WHEN order_key IS NULL THEN at ELSE GREATEST(at, (SELECT max(e.next_attempt_at) FROM webhook_deliveries e
                WHERE e.webhook_id = x.webhook_id AND e.order_key = x.order_key AND e.status = 'pending')) END,
              at, at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY
              AS x(id, webhook_id, event_type, body, order_key, at, n)
        WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.id = x.webhook_id AND w.enabled)
        ORDER BY n`,
      [rows.map((r) => r.id), rows.map((r) => r.webhookId), rows.map((r) => r.eventType), rows.map((r) => r.body), rows.map((r) => r.orderKey), rows.map((r) => r.at)]);
  }

  /**
   * Deliveries that may go, soonest first: pending, of an enabled subscription,
   * not claimed by a daemon (or its claim expired), and the first pending one of
   * their order key (a later event of a call waits while an earlier one is
   * retrying or being sent). None of `busy`, none of `fullOwners`.
   *
   * One statement claims those due now for `claim.by` until `claim.ms` from now
   * (FOR UPDATE SKIP LOCKED: two daemons on one database never get the same
   * delivery). Those not due yet come after, unclaimed (the first says when to
   * look again). recordAttempt, unclaim and a replay clear a claim.
   */
  async due(limit: number, busy: readonly string[], fullOwners: readonly string[], claim: { by: string; ms: number }): Promise<DueDelivery[]> {
    const r = await this.db.query<DeliveryRow & { url: string; secret: string; body: string; go: boolean }>(
      `WITH c AS (
         SELECT d.id, d.seq, d.webhook_id, d.event_type, d.body, d.order_key, d.status, d.attempts, d.next_attempt_at, d.round_started_at,
                w.url, w.secret, d.next_attempt_at <= now() AS go
           FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.enabled
          WHERE d.status = 'pending' AND NOT (d.id = ANY($2::uuid[])) AND NOT (d.webhook_id = ANY($3::uuid[]))
            AND (d.claimed_until IS NULL OR d.claimed_until < now())
            AND (d.order_key IS NULL OR NOT EXISTS (
                  SELECT 1 FROM webhook_deliveries e
                   WHERE e.webhook_id = d.webhook_id AND e.order_key = d.order_key AND e.status = 'pending' AND e.seq < d.seq))
          ORDER BY d.next_attempt_at, d.seq LIMIT $1
          FOR UPDATE OF d SKIP LOCKED),
       u AS (
         UPDATE webhook_deliveries d SET claimed_by = $4, claimed_until = now() + $5::int * interval '1 millisecond'
           FROM c WHERE d.id = c.id AND c.go RETURNING d.id)
       SELECT c.* FROM c ORDER BY c.next_attempt_at, c.seq`,
      [limit, busy, fullOwners, claim.by, claim.ms]);
    const now = Date.now();
    return r.rows.map((x) => ({
      id: x.id, webhookId: x.webhook_id, url: x.url, secret: x.secret, eventType: x.event_type, body: x.body, orderKey: x.order_key,
      state: { status: x.status, attempts: x.attempts, nextAttemptAt: x.next_attempt_at, roundStartedAt: x.round_started_at },
      // claimed (due by the database's clock): due now by ours too
      dueAt: x.go ? Math.min(x.next_attempt_at.getTime(), now) : x.next_attempt_at.getTime(), seq: x.seq, owner: x.webhook_id, claimed: x.go,
    }));
  }

  /** Gives back claims of `by` that were not used (deliveries the pump had no room for). */
  async unclaim(ids: readonly string[], by: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      'UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE id = ANY($1::uuid[]) AND claimed_by = $2',
      [ids, by]);
  }

  /** Stores an attempt and the state it led to (unless a replay or a delete came meanwhile). */
  async recordAttempt(id: string, webhookId: string, s: DeliveryState, a: AttemptRecord): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, last_attempt_at = $5, last_status_code = $6,
         last_error = $7, last_latency_ms = $8, last_response = $9, delivered_at = CASE WHEN $2 = 'succeeded' THEN $5 ELSE delivered_at END,
         claimed_by = NULL, claimed_until = NULL
       WHERE id = $1 AND webhook_id = $10 AND status = 'pending'`,
      [id, s.status, s.attempts, s.nextAttemptAt, a.at, a.statusCode, a.error, a.latencyMs, a.response, webhookId]);
  }

  /** One more dead letter in a row; disables the subscription at `disableAfter` (0: never). Returns the count and whether it was disabled now. */
  async countDead(webhookId: string, disableAfter: number): Promise<{ count: number; disabled: boolean }> {
    const r = await this.db.query<{ consecutive_dead: number; enabled: boolean; was: boolean }>(
      `UPDATE webhooks w SET consecutive_dead = w.consecutive_dead + 1,
         enabled = CASE WHEN $2 > 0 AND w.consecutive_dead + 1 >= $2 THEN false ELSE w.enabled END,
         disabled_reason = CASE WHEN $2 > 0 AND w.consecutive_dead + 1 >= $2 AND w.enabled THEN $3 ELSE w.disabled_reason END
       FROM (SELECT enabled AS was FROM webhooks WHERE id = $1) old
       WHERE w.id = $1 RETURNING w.consecutive_dead, w.enabled, old.was`,
      [webhookId, disableAfter, `disabled after ${disableAfter} dead letters in a row`]);
    const row = r.rows[0];
    return { count: row?.consecutive_dead ?? 0, disabled: !!row && row.was && !row.enabled };
  }

  /** A delivery was taken: the dead-letter count starts again, and deliveries waiting for this receiver go now. */
  async receiverBack(webhookId: string, at: Date): Promise<number> {
    await this.db.query('UPDATE webhooks SET consecutive_dead = 0 WHERE id = $1 AND consecutive_dead <> 0', [webhookId]);
    const r = await this.db.query(
      "UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE webhook_id = $1 AND status = 'pending' AND next_attempt_at > $2",
      [webhookId, at]);
    return r.rowCount;
  }

  /**
   * The head of an order key will be retried at `until`: the deliveries behind
   * it are not due before (scheduling only: the order itself is kept by due()).
   * Keeps due() from walking a long queue of blocked deliveries during an outage.
   */
  async holdLane(webhookId: string, orderKey: string, seq: number, until: Date): Promise<void> {
    await this.db.query(
      "UPDATE webhook_deliveries SET next_attempt_at = $4 WHERE webhook_id = $1 AND order_key = $2 AND status = 'pending' AND seq > $3 AND next_attempt_at < $4",
      [webhookId, orderKey, seq, until]);
  }

  /** The head of an order key is done (taken or dead) after being held: the deliveries behind it are due now. */
  async releaseLane(webhookId: string, orderKey: string, at: Date): Promise<void> {
    await this.db.query(
      "UPDATE webhook_deliveries SET next_attempt_at = $3 WHERE webhook_id = $1 AND order_key = $2 AND status = 'pending' AND next_attempt_at > $3",
      [webhookId, orderKey, at]);
  }

  async deliveries(webhookId: string, opts: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined; eventType?: string | undefined }): Promise<{ items: Delivery[]; next: string | null }> {
    const params: unknown[] = [webhookId];
    const where: Array<string | null> = ['webhook_id = $1'];
    if (opts.status) { params.push(opts.status); where.push(`status = $${params.length}`); }
    if (opts.eventType) { params.push(opts.eventType); where.push(`event_type = $${params.length}`); }
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params, true));
    params.push(opts.limit + 1);
    const r = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLS} FROM webhook_deliveries ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(delivery), next: p.next };
  }

  /** One delivery with its body (the event as sent). */
  async delivery(webhookId: string, id: string): Promise<Delivery & { event: unknown }> {
    const r = await this.db.query<DeliveryRow & { body: string }>(`SELECT ${DELIVERY_COLS}, body FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2`, [webhookId, id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `delivery ${id} of webhook ${webhookId} not found`);
    return { ...delivery(r.rows[0]), event: JSON.parse(r.rows[0].body) as unknown };
  }

  /** Sends a delivery again (a new round of attempts), whatever its status. */
  async replay(webhookId: string, id: string, at: Date): Promise<Delivery> {
    const r = await this.db.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, round_started_at = $3, claimed_by = NULL, claimed_until = NULL
        WHERE webhook_id = $1 AND id = $2 RETURNING ${DELIVERY_COLS}`, [webhookId, id, at]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `delivery ${id} of webhook ${webhookId} not found`);
    return delivery(r.rows[0]);
  }

  /** Every dead letter of a subscription goes again. Returns how many. */
  async replayDead(webhookId: string, at: Date): Promise<number> {
    const r = await this.db.query(
      "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, round_started_at = $2, claimed_by = NULL, claimed_until = NULL WHERE webhook_id = $1 AND status = 'dead'",
      [webhookId, at]);
    return r.rowCount;
  }

  /**
   * Fresh planner statistics for the outbox. The embedded database has no
   * autovacuum: without them the due() query is planned as if the table were
   * empty and checks every pending row (100 ms at 4,000 pending instead of 0.5).
   */
  async analyze(): Promise<void> {
    await this.db.query('ANALYZE webhook_deliveries');
  }

  /** Deletes finished deliveries (taken or dead) created before `before`. */
  async prune(before: Date): Promise<number> {
    const r = await this.db.query("DELETE FROM webhook_deliveries WHERE status IN ('succeeded', 'dead') AND created_at < $1", [before]);
    return r.rowCount;
  }
}
