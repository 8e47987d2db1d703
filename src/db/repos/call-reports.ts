import type { Queryable } from '../types.ts';
import type { CallPatch } from './calls.ts';
import type { LegKind } from '../../core/call/records.ts';

/** One leg of a reported call, as the reporting daemon saw it (times ISO 8601). */
export interface ReportedLeg {
  id: string; kind: LegKind; channelId: string; endpoint: string | null; seatId: string | null; agentId: string | null; mode: string | null;
  startedAt: string; answeredAt: string | null; endedAt: string | null; endCause: string | null; sipCallId: string | null;
}

/** A recording the reporting daemon made of the call and could not write a row for (its file is where its PBX wrote it). */
export interface ReportedRecording { id: string; path: string }

/** What a daemon that lost a node saw of one call (sql/031_call_reports.sql). */
export interface CallReportBody {
  call: {
    id: string; lineId: string; direction: 'inbound' | 'outbound'; number: string | null; startedAt: string;
    /** Every field the daemon wrote or meant to write, its end included (dates as ISO 8601). */
    patch: Omit<CallPatch, 'answeredAt' | 'endedAt' | 'wrappedAt'> & { answeredAt?: string; endedAt?: string };
  };
  legs: ReportedLeg[];
  /** Absent in reports written before 2026-12-03. */
  recordings?: ReportedRecording[];
  /** The customer's history line the end would have added. */
  history: { customerId: string; summary: string; data: Record<string, unknown> } | null;
}

export interface DueReport { id: number; epoch: number; owner: string; callId: string; body: CallReportBody; createdAt: Date }
/** `failed`: it could not be applied (logged with its id), and is not tried again. */
export type ReportOutcome = 'recorded' | 'corrected' | 'superseded' | 'failed';

/** Ends seen by an owner that lost the node (table call_reports, sql/031). Written without the fence; applied once by the node's owner. */
export class CallReportRepo {
  constructor(private readonly db: Queryable) {}

  async add(r: { node: string; epoch: number; owner: string; body: CallReportBody }): Promise<void> {
    await this.db.query('INSERT INTO call_reports(node, epoch, owner, call_id, body) VALUES ($1,$2,$3,$4,$5::jsonb)',
      [r.node, r.epoch, r.owner, r.body.call.id, JSON.stringify(r.body)]);
  }

  /**
   * The ids of the node's reports not applied yet, oldest first. Every one is
   * of an epoch before the current one, or of the current one written by its
   * owner as it won the node back (what it remembered of an earlier epoch).
   */
  async due(node: string, limit: number): Promise<number[]> {
    const r = await this.db.query<{ id: number | string }>(
      'SELECT id FROM call_reports WHERE node = $1 AND applied_at IS NULL ORDER BY id LIMIT $2', [node, limit]);
    return r.rows.map((x) => Number(x.id));
  }

  /** One report, locked for this transaction; null when it is applied already or another transaction holds it. */
  async claim(id: number): Promise<DueReport | null> {
    const r = await this.db.query<{ id: number | string; epoch: number; owner: string; call_id: string; body: CallReportBody; created_at: Date }>(
      'SELECT id, epoch, owner, call_id, body, created_at FROM call_reports WHERE id = $1 AND applied_at IS NULL FOR UPDATE SKIP LOCKED', [id]);
    const x = r.rows[0];
    return x ? { id: Number(x.id), epoch: x.epoch, owner: x.owner, callId: x.call_id, body: x.body, createdAt: x.created_at } : null;
  }

  async settle(id: number, outcome: ReportOutcome): Promise<void> {
    await this.db.query('UPDATE call_reports SET applied_at = now(), outcome = $2 WHERE id = $1', [id, outcome]);
  }

  /** The reported recordings given rows (state `recording`, sealed next) where the call has a row and they have none; returns those written. */
  async writeRecordings(callId: string, recs: readonly ReportedRecording[]): Promise<ReportedRecording[]> {
    const written: ReportedRecording[] = [];
    for (const r of recs) {
      const x = await this.db.query(
        `INSERT INTO recordings(id, call_id, path, state) SELECT $1::uuid, $2::uuid, $3::text, 'recording'
         WHERE EXISTS (SELECT 1 FROM calls WHERE id = $2::uuid) ON CONFLICT (id) DO NOTHING RETURNING id`, [r.id, callId, r.path]);
      if (x.rows.length > 0) written.push(r);
    }
    return written;
  }

  /**
   * The legs of a call as reported: written where no row has them (and no
   * other leg names their channel); a leg the takeover closed
   * (`interrupted`) gets the reported end.
   */
  async writeLegs(callId: string, legs: readonly ReportedLeg[]): Promise<void> {
    for (const l of legs) {
      await this.db.query(
        `INSERT INTO call_legs(id, call_id, kind, channel_id, endpoint, seat_id, agent_id, mode, started_at, answered_at, ended_at, end_cause, sip_call_id)
         SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::timestamptz, $10::timestamptz, $11::timestamptz, $12::text, $13::text
         WHERE NOT EXISTS (SELECT 1 FROM call_legs WHERE channel_id = $4::text AND id <> $1::uuid)
         ON CONFLICT (id) DO UPDATE SET ended_at = EXCLUDED.ended_at, end_cause = EXCLUDED.end_cause,
           answered_at = COALESCE(call_legs.answered_at, EXCLUDED.answered_at), sip_call_id = COALESCE(call_legs.sip_call_id, EXCLUDED.sip_call_id)
         WHERE call_legs.end_cause = 'interrupted' AND EXCLUDED.ended_at IS NOT NULL`,
        [l.id, callId, l.kind, l.channelId, l.endpoint, l.seatId, l.agentId, l.mode, l.startedAt, l.answeredAt, l.endedAt, l.endCause, l.sipCallId]);
    }
  }
}
