/**
 * Campaigns, their lists and their attempts. The dialer claims due numbers
 * with `SKIP LOCKED` (a number is never handed out twice), and writes an
 * attempt before it dials, so a restart finds what was up.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, patchSets, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import { withDefaults, type Campaign, type CampaignAttempt, type CampaignNumber, type CampaignOutcome, type CampaignSettings, type CampaignState, type NumberState, type SettingsInput } from '../../core/dialer/campaign.ts';
import type { DialMode } from '../../core/dialer/pacing.ts';

interface CampaignRowDb {
  id: string; name: string; mode: DialMode; state: CampaignState; settings: SettingsInput; priority: number;
  created_at: Date; updated_at: Date; started_at: Date | null; finished_at: Date | null;
}
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toCampaign = (r: CampaignRowDb): Campaign => ({
  id: r.id, name: r.name, mode: r.mode, state: r.state, priority: r.priority, settings: withDefaults(r.settings),
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), startedAt: iso(r.started_at), finishedAt: iso(r.finished_at),
});

interface NumberRowDb {
  id: string; campaign_id: string; number: string; name: string | null; customer_id: string | null; data: Record<string, unknown>; priority: number;
  state: NumberState; attempts: number; next_at: Date | null; last_outcome: string | null; done_reason: string | null; created_at: Date;
}
const toNumber = (r: NumberRowDb): CampaignNumber => ({
  id: r.id, campaignId: r.campaign_id, number: r.number, name: r.name, customerId: r.customer_id, data: r.data, priority: r.priority,
  state: r.state, attempts: r.attempts, nextAt: iso(r.next_at), lastOutcome: r.last_outcome, doneReason: r.done_reason,
});

interface AttemptRowDb {
  id: string; campaign_id: string; number_id: string; number: string; call_id: string | null; line_id: string | null; agent_id: string | null;
  placed_at: Date; ring_at: Date | null; answered_at: Date | null; live_at: Date | null; connected_at: Date | null; ended_at: Date | null;
  outcome: CampaignOutcome | null; abandoned: boolean; amd: string | null; result: Record<string, unknown> | null; skip_reason: string | null;
}
const toAttempt = (r: AttemptRowDb): CampaignAttempt => ({
  id: r.id, campaignId: r.campaign_id, numberId: r.number_id, number: r.number, callId: r.call_id, lineId: r.line_id, agentId: r.agent_id,
  placedAt: r.placed_at.toISOString(), ringAt: iso(r.ring_at), answeredAt: iso(r.answered_at), liveAt: iso(r.live_at), connectedAt: iso(r.connected_at),
  endedAt: iso(r.ended_at), outcome: r.outcome, abandoned: r.abandoned, amd: r.amd, result: r.result, skipReason: r.skip_reason,
});

export interface NewNumber { number: string; name?: string | null; customerId?: string | null; data?: Record<string, unknown>; priority?: number }

export interface AttemptPatch {
  callId?: string; lineId?: string; agentId?: string | null; ringAt?: Date; answeredAt?: Date; liveAt?: Date; connectedAt?: Date; endedAt?: Date;
  outcome?: CampaignOutcome; abandoned?: boolean; amd?: string; result?: Record<string, unknown>;
}

/** An ended attempt of a number, as the retry rules read it. */
export interface PastAttempt { endedAt: number; outcome: CampaignOutcome }

const ATTEMPT_FIELDS = [
  ['callId', 'call_id'], ['lineId', 'line_id'], ['agentId', 'agent_id'], ['ringAt', 'ring_at'], ['answeredAt', 'answered_at'], ['liveAt', 'live_at'],
  ['connectedAt', 'connected_at'], ['endedAt', 'ended_at'], ['outcome', 'outcome'], ['abandoned', 'abandoned'], ['amd', 'amd'], ['result', 'result', '::jsonb'],
] as const;

export interface CampaignCounts {
  numbers: Record<NumberState, number>;
  outcomes: Record<string, number>;
  attempts: number;
  up: number;
  /** Attempts placed in the last 10 minutes. */
  recent: number;
}

export class CampaignRepo {
  constructor(private readonly db: Db) {}

  async create(c: { name: string; mode: DialMode; priority: number; settings: SettingsInput }): Promise<Campaign> {
    const r = await this.db.query<CampaignRowDb>('INSERT INTO campaigns(id, name, mode, priority, settings) VALUES ($1,$2,$3,$4,$5::jsonb) RETURNING *',
      [randomUUID(), c.name, c.mode, c.priority, JSON.stringify(c.settings)]);
    return toCampaign(r.rows[0]!);
  }

  async get(id: string): Promise<Campaign> {
    const r = await this.db.query<CampaignRowDb>('SELECT * FROM campaigns WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `campaign ${id} not found`);
    return toCampaign(r.rows[0]);
  }

  async list(o: { limit: number; cursor?: string | undefined; state?: CampaignState | undefined }): Promise<{ items: Campaign[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (o.state) { params.push(o.state); where.push(`state = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<CampaignRowDb>(`SELECT * FROM campaigns ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toCampaign), next: p.next };
  }

  async running(): Promise<Campaign[]> {
    const r = await this.db.query<CampaignRowDb>("SELECT * FROM campaigns WHERE state = 'running' ORDER BY priority DESC, created_at");
    return r.rows.map(toCampaign);
  }

  async update(id: string, patch: { name?: string; mode?: DialMode; priority?: number; settings?: CampaignSettings; state?: CampaignState; startedAt?: Date; finishedAt?: Date }): Promise<Campaign> {
    const params: unknown[] = [];
    const sets = patchSets(patch, [['name', 'name'], ['mode', 'mode'], ['priority', 'priority'], ['settings', 'settings', '::jsonb'], ['state', 'state'],
      ['startedAt', 'started_at'], ['finishedAt', 'finished_at']], params);
    params.push(id);
    const r = await this.db.query<CampaignRowDb>(`UPDATE campaigns SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $${params.length} RETURNING *`, params);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `campaign ${id} not found`);
    return toCampaign(r.rows[0]);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM campaigns WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `campaign ${id} not found`);
  }

  /** Adds numbers to the list; a number already on it is a duplicate (kept once). */
  async addNumbers(campaignId: string, rows: NewNumber[]): Promise<{ inserted: number; duplicates: number }> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const r = await this.db.query(
        `INSERT INTO campaign_numbers(id, campaign_id, number, name, customer_id, data, priority)
         SELECT u.id, $1, u.number, u.name, u.customer_id, u.data::jsonb, u.priority
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::int[]) AS u(id, number, name, customer_id, data, priority)
         ON CONFLICT (campaign_id, number) DO NOTHING`,
        [campaignId, chunk.map(() => randomUUID()), chunk.map((x) => x.number), chunk.map((x) => x.name ?? null), chunk.map((x) => x.customerId ?? null),
          chunk.map((x) => JSON.stringify(x.data ?? {})), chunk.map((x) => x.priority ?? 0)],
      );
      inserted += r.rowCount;
    }
    return { inserted, duplicates: rows.length - inserted };
  }

  async numbers(campaignId: string, o: { limit: number; cursor?: string | undefined; state?: NumberState | undefined }): Promise<{ items: CampaignNumber[]; next: string | null }> {
    const params: unknown[] = [campaignId];
    const where: Array<string | null> = ['campaign_id = $1'];
    if (o.state) { params.push(o.state); where.push(`state = $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'created_at', params));
    params.push(o.limit + 1);
    const r = await this.db.query<NumberRowDb>(`SELECT * FROM campaign_numbers ${whereClause(where)} ORDER BY created_at, id LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toNumber), next: p.next };
  }

  /** Up to `n` numbers due now, highest priority first, marked dialing (never handed out twice). */
  async claimDue(campaignId: string, n: number, now: Date, skip: readonly string[] = []): Promise<CampaignNumber[]> {
    if (n <= 0) return [];
    const r = await this.db.query<NumberRowDb>(
      `UPDATE campaign_numbers SET state = 'dialing' WHERE id IN (
         SELECT id FROM campaign_numbers
         WHERE campaign_id = $1 AND state = 'pending' AND (next_at IS NULL OR next_at <= $2) AND NOT (id = ANY($4::uuid[]))
         ORDER BY priority DESC, next_at NULLS FIRST, created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`, [campaignId, now, n, skip]);
    return r.rows.map(toNumber).sort((a, b) => b.priority - a.priority);
  }

  /** The next due number without claiming it (preview shows it first). */
  async peekDue(campaignId: string, now: Date): Promise<CampaignNumber | null> {
    const r = await this.db.query<NumberRowDb>(
      `SELECT * FROM campaign_numbers WHERE campaign_id = $1 AND state = 'pending' AND (next_at IS NULL OR next_at <= $2)
       ORDER BY priority DESC, next_at NULLS FIRST, created_at, id LIMIT 1`, [campaignId, now]);
    return r.rows[0] ? toNumber(r.rows[0]) : null;
  }

  async number(id: string): Promise<CampaignNumber> {
    const r = await this.db.query<NumberRowDb>('SELECT * FROM campaign_numbers WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `campaign number ${id} not found`);
    return toNumber(r.rows[0]);
  }

  /** Back to the list, due at `nextAt` (null: now). */
  async defer(numberId: string, nextAt: Date | null, lastOutcome: string | null, q: Queryable = this.db): Promise<void> {
    await q.query("UPDATE campaign_numbers SET state = 'pending', next_at = $2, last_outcome = coalesce($3, last_outcome) WHERE id = $1", [numberId, nextAt, lastOutcome]);
  }

  /** No more attempts on this number, for `reason`. */
  async finishNumber(numberId: string, reason: string, lastOutcome: string | null, q: Queryable = this.db): Promise<void> {
    await q.query("UPDATE campaign_numbers SET state = 'done', done_reason = $2, last_outcome = coalesce($3, last_outcome), next_at = NULL WHERE id = $1", [numberId, reason, lastOutcome]);
  }

  /**
   * An attempt ends and its number is settled in one transaction, so no
   * crash leaves a number `dialing` with no attempt open. `settle` gets the
   * number's ended attempts (this one included) and says when to call again,
   * or why the number is done.
   */
  async closeAttempt(attemptId: string, numberId: string, patch: AttemptPatch, settle: (past: PastAttempt[]) => { nextAt: Date } | { done: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.updateAttempt(attemptId, patch, tx);
      const then = settle(await this.pastAttempts(numberId, tx));
      if ('done' in then) await this.finishNumber(numberId, then.done, patch.outcome ?? null, tx);
      else await this.defer(numberId, then.nextAt, patch.outcome ?? null, tx);
    });
  }

  /** Earlier attempts of a number that count for retries (skips do not). */
  async pastAttempts(numberId: string, q: Queryable = this.db): Promise<PastAttempt[]> {
    const r = await q.query<{ ended_at: Date; outcome: CampaignOutcome }>(
      "SELECT ended_at, outcome FROM campaign_attempts WHERE number_id = $1 AND ended_at IS NOT NULL AND outcome <> 'skipped'", [numberId]);
    return r.rows.map((x) => ({ endedAt: x.ended_at.getTime(), outcome: x.outcome }));
  }

  /** An attempt starts (before the dial), and the number counts it. */
  async openAttempt(a: { campaignId: string; numberId: string; number: string; lineId: string | null; agentId: string | null; placedAt: Date }): Promise<CampaignAttempt> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<AttemptRowDb>(
        'INSERT INTO campaign_attempts(id, campaign_id, number_id, number, line_id, agent_id, placed_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *',
        [randomUUID(), a.campaignId, a.numberId, a.number, a.lineId, a.agentId, a.placedAt]);
      await tx.query('UPDATE campaign_numbers SET attempts = attempts + 1 WHERE id = $1', [a.numberId]);
      return toAttempt(r.rows[0]!);
    });
  }

  /** A number passed over at dial time (do-not-call...): an attempt row that says why, never dialled. */
  async skipped(a: { campaignId: string; numberId: string; number: string; reason: string; at: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO campaign_attempts(id, campaign_id, number_id, number, placed_at, ended_at, outcome, skip_reason) VALUES ($1,$2,$3,$4,$5,$5,'skipped',$6)`,
      [randomUUID(), a.campaignId, a.numberId, a.number, a.at, a.reason]);
  }

  async updateAttempt(id: string, patch: AttemptPatch, q: Queryable = this.db): Promise<void> {
    const params: unknown[] = [];
    const sets = patchSets(patch, ATTEMPT_FIELDS, params);
    if (sets.length === 0) return;
    params.push(id);
    await q.query(`UPDATE campaign_attempts SET ${sets.join(', ')} WHERE id = $${params.length}`, params);
  }

  /** The attempt still open whose call is `callId`, or null (a takeover carries its conversation on). */
  async openAttemptOfCall(callId: string): Promise<CampaignAttempt | null> {
    const r = await this.db.query<AttemptRowDb>('SELECT * FROM campaign_attempts WHERE call_id = $1 AND ended_at IS NULL LIMIT 1', [callId]);
    return r.rows[0] ? toAttempt(r.rows[0]) : null;
  }

  /** The campaign a call was an attempt of, or null. */
  async campaignOfCall(callId: string): Promise<string | null> {
    const r = await this.db.query<{ campaign_id: string }>('SELECT campaign_id FROM campaign_attempts WHERE call_id = $1 LIMIT 1', [callId]);
    return r.rows[0]?.campaign_id ?? null;
  }

  async attempts(campaignId: string, o: { limit: number; cursor?: string | undefined; outcome?: CampaignOutcome | undefined; abandoned?: boolean | undefined; since?: Date | undefined }): Promise<{ items: CampaignAttempt[]; next: string | null }> {
    const params: unknown[] = [campaignId];
    const where: Array<string | null> = ['campaign_id = $1'];
    if (o.outcome) { params.push(o.outcome); where.push(`outcome = $${params.length}`); }
    if (o.abandoned !== undefined) { params.push(o.abandoned); where.push(`abandoned = $${params.length}`); }
    if (o.since) { params.push(o.since); where.push(`placed_at >= $${params.length}`); }
    where.push(afterCursor(decodeCursor(o.cursor), 'placed_at', params, true));
    params.push(o.limit + 1);
    const r = await this.db.query<AttemptRowDb>(`SELECT * FROM campaign_attempts ${whereClause(where)} ORDER BY placed_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, o.limit, (x) => [x.placed_at, x.id]);
    return { items: p.items.map(toAttempt), next: p.next };
  }

  /** Every attempt of a campaign, oldest first, in chunks (exports). */
  async *scanAttempts(campaignId: string, o: { abandoned?: boolean } = {}, chunk = 2000): AsyncGenerator<CampaignAttempt[]> {
    let after: [Date, string] = [new Date(0), '00000000-0000-0000-0000-000000000000'];
    for (;;) {
      const r = await this.db.query<AttemptRowDb>(
        `SELECT * FROM campaign_attempts WHERE campaign_id = $1 AND (placed_at, id) > ($2, $3::uuid) ${o.abandoned === undefined ? '' : 'AND abandoned = $5'}
         ORDER BY placed_at, id LIMIT $4`, o.abandoned === undefined ? [campaignId, ...after, chunk] : [campaignId, ...after, chunk, o.abandoned]);
      if (r.rows.length === 0) return;
      yield r.rows.map(toAttempt);
      const last = r.rows[r.rows.length - 1]!;
      after = [last.placed_at, last.id];
      if (r.rows.length < chunk) return;
    }
  }

  /** Live answers since `since` and whether each was abandoned (the compliance figures). */
  async liveAnswers(campaignId: string, since: Date): Promise<Array<{ liveAt: number; abandoned: boolean }>> {
    const r = await this.db.query<{ live_at: Date; abandoned: boolean }>(
      'SELECT live_at, abandoned FROM campaign_attempts WHERE campaign_id = $1 AND live_at >= $2', [campaignId, since]);
    return r.rows.map((x) => ({ liveAt: x.live_at.getTime(), abandoned: x.abandoned }));
  }

  /** The latest finished attempts (placed, resolved, live or not), to seed the pacing statistics after a start. */
  async recentResolved(campaignId: string, limit: number): Promise<Array<{ placedAt: number; resolvedAt: number; live: boolean; talkMs: number | null }>> {
    const r = await this.db.query<{ placed_at: Date; answered_at: Date | null; live_at: Date | null; connected_at: Date | null; ended_at: Date }>(
      `SELECT placed_at, answered_at, live_at, connected_at, ended_at FROM campaign_attempts
       WHERE campaign_id = $1 AND ended_at IS NOT NULL AND outcome <> 'skipped' ORDER BY placed_at DESC LIMIT $2`, [campaignId, limit]);
    return r.rows.reverse().map((x) => ({
      placedAt: x.placed_at.getTime(), resolvedAt: (x.answered_at ?? x.ended_at).getTime(), live: x.live_at !== null,
      talkMs: x.connected_at ? x.ended_at.getTime() - x.connected_at.getTime() : null,
    }));
  }

  async counts(campaignId: string, now: Date): Promise<CampaignCounts> {
    const n = await this.db.query<{ state: NumberState; c: string }>('SELECT state, count(*) AS c FROM campaign_numbers WHERE campaign_id = $1 GROUP BY state', [campaignId]);
    const a = await this.db.query<{ outcome: string | null; c: string; recent: string }>(
      `SELECT outcome, count(*) AS c, count(*) FILTER (WHERE placed_at >= $2) AS recent FROM campaign_attempts WHERE campaign_id = $1 GROUP BY outcome`,
      [campaignId, new Date(now.getTime() - 600_000)]);
    const numbers: Record<NumberState, number> = { pending: 0, dialing: 0, done: 0 };
    for (const row of n.rows) numbers[row.state] = Number(row.c);
    const outcomes: Record<string, number> = {};
    let attempts = 0, up = 0, recent = 0;
    for (const row of a.rows) {
      if (row.outcome === null) up += Number(row.c);
      else outcomes[row.outcome] = Number(row.c);
      if (row.outcome !== 'skipped') { attempts += Number(row.c); recent += Number(row.recent); }
    }
    return { numbers, outcomes, attempts, up, recent };
  }

  /**
   * After an unclean stop: attempts left up are closed as interrupted (their
   * numbers done when someone had answered, so nobody is called twice;
   * otherwise back on the list). Returns the numbers reopened and closed.
   *
   * `cluster` (another daemon may be dialing the same campaigns now): only
   * attempts whose call is over are closed (its row ended a minute ago, or
   * no row five minutes after the attempt was placed), and a claimed number
   * with no attempt goes back on the list only when no other daemon holds a
   * live lease (a claim of a live daemon is not touched). Without it, a
   * standby's start closed the owner's live attempts and put their numbers
   * back on the list: dialled again while their first call still rang.
   */
  async closeInterrupted(now: Date, cluster: { owner: string } | null = null): Promise<{ attempts: number }> {
    const over = cluster
      ? ` AND ((a.call_id IS NOT NULL AND EXISTS (SELECT 1 FROM calls c WHERE c.id = a.call_id AND c.ended_at < $1::timestamptz - interval '60 seconds'))
           OR (a.placed_at < $1::timestamptz - interval '5 minutes' AND (a.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = a.call_id))))`
      : '';
    return this.db.transaction(async (tx: Queryable) => {
      const r = await tx.query<{ number_id: string; answered_at: Date | null }>(
        `UPDATE campaign_attempts a SET ended_at = $1, outcome = 'interrupted' WHERE a.ended_at IS NULL${over} RETURNING number_id, answered_at`, [now]);
      for (const row of r.rows) {
        if (row.answered_at) await tx.query("UPDATE campaign_numbers SET state = 'done', done_reason = 'interrupted after answer', last_outcome = 'interrupted' WHERE id = $1", [row.number_id]);
        else await tx.query("UPDATE campaign_numbers SET state = 'pending', last_outcome = 'interrupted' WHERE id = $1 AND state = 'dialing'", [row.number_id]);
      }
      // claimed but never attempted (the stop came between claim and dial); in a cluster, only with no other daemon alive
      const alone = cluster ? ' AND NOT EXISTS (SELECT 1 FROM node_lease l WHERE l.expires_at > now() AND l.owner <> $1)' : '';
      await tx.query(`UPDATE campaign_numbers SET state = 'pending' WHERE state = 'dialing' AND NOT EXISTS (SELECT 1 FROM campaign_attempts a WHERE a.number_id = campaign_numbers.id AND a.ended_at IS NULL)${alone}`,
        cluster ? [cluster.owner] : []);
      return { attempts: r.rows.length };
    });
  }
}
