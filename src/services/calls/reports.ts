/**
 * Ends seen by an owner that lost the node (cluster.enabled; docs/scale-out.md,
 * "Ends an owner saw and could not write"; sql/031_call_reports.sql).
 *
 * A daemon whose database is away longer than its lease goes on driving its
 * calls until the lease runs out locally, and their writes wait for the
 * database. When it gets the database back the node is another daemon's: the
 * fence refuses those writes, and the daemon forgets its calls. What it saw
 * end in that time would be lost (a call that began and ended inside the last
 * lease: no record at all), or recorded `interrupted` by the takeover (a call
 * whose caller hung up meanwhile). So the calls it saw end and could not
 * write are reported: written to call_reports without the fence (the
 * reporter).
 *
 * The node's owner applies each report once, in a transaction fenced by its
 * own epoch, once its takeover has run (the applier): a call with no row and
 * whose channels no leg row names, and that it does not drive, is recorded
 * from the report (`recorded`); a row the takeover closed as `interrupted`
 * gets the reported end (`corrected`); anything else (a row closed with
 * another disposition, a call or a channel the owner drives) means the owner
 * saw the call itself and the report is not applied (`superseded`). A
 * recorded or corrected call gets its `call.ended`, and its customer's
 * history line.
 */
import type { Logger } from 'pino';
import type { EventBus, EventMap } from '../../core/events/bus.ts';
import type { Disposition } from '../../core/call/disposition.ts';
import type { Db, Queryable } from '../../db/types.ts';
import type { CallPatch } from '../../db/repos/calls.ts';
import { CallRepo } from '../../db/repos/calls.ts';
import { CallLegRepo } from '../../db/repos/legs.ts';
import { InteractionRepo } from '../../db/repos/interactions.ts';
import { CallReportRepo, type CallReportBody, type DueReport, type ReportedLeg, type ReportedRecording, type ReportOutcome } from '../../db/repos/call-reports.ts';
import { whileDbDown } from '../../db/retry.ts';
import { isKefuError } from '../../core/errors.ts';
import type { CallLedger } from './ledger.ts';

interface NodeFence { node: string; owner: string; epoch: number }

export interface CallReportsDeps {
  /** Unfenced: a report is written by a daemon that no longer holds the node. */
  db: Db;
  /** The node's repositories' Db, fenced by the lease (cluster/fenced-db.ts): reports are applied by the node's owner only. */
  fenced: Db;
  /** The lease this daemon holds, or held last. */
  fence: () => NodeFence | null;
  ledger: CallLedger;
  bus: EventBus;
  logger: Logger;
}

/** What the reports need of the PBX service (attached once it exists). */
export interface CallReportsView {
  /** The legs of a call whose end is not written, as this daemon saw them (taken: they are reported once). */
  legsOf(callId: string): ReportedLeg[];
  /** Whether this daemon drives a call on that channel. */
  drivesChannel(channelId: string): boolean;
  /** ARI is up and no takeover is pending: every row the takeover closes is closed. */
  settled(): boolean;
  /** The recordings of a call this daemon made whose rows are not written (taken: they are reported once). */
  recordingsOf(callId: string): ReportedRecording[];
  /** Recordings of a report given rows here: sealed (their files checked, sized and summed). */
  sealRecordings(callId: string, recs: readonly ReportedRecording[]): Promise<void>;
}

/** How long a report waits for the database before it is given up (logged). */
const WRITE_FOR_MS = 10 * 60_000;
const BATCH = 100;

export class CallReports {
  private view: CallReportsView | null = null;
  private running = false;
  /** Report writes not settled yet (flush). */
  private readonly writing = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(private readonly d: CallReportsDeps) {
    this.log = d.logger.child({ component: 'call-reports' });
    d.ledger.reporter = (r) => this.report(r);
  }

  attach(view: CallReportsView): void { this.view = view; }

  /** A call this daemon saw end and could not write: written for the node's owner (not fenced), retried while the database is away. */
  report(r: Omit<CallReportBody, 'legs'>): void {
    const fence = this.d.fence();
    if (!fence) return;
    const body: CallReportBody = { ...r, legs: this.view?.legsOf(r.call.id) ?? [], recordings: this.view?.recordingsOf(r.call.id) ?? [] };
    const callId = r.call.id;
    const repo = new CallReportRepo(this.d.db);
    this.log.warn({ callId, node: fence.node, epoch: fence.epoch, disposition: r.call.patch.disposition }, 'a call ended here whose end could not be written before the node was lost: reported to the node\'s owner');
    const w = whileDbDown(() => repo.add({ ...fence, body }), { forMs: WRITE_FOR_MS }).then(
      () => { this.log.info({ callId }, 'call report written'); },
      (err: unknown) => { this.log.error({ err, callId }, 'call report could not be written: that call\'s end is lost'); });
    this.writing.add(w);
    void w.then(() => this.writing.delete(w));
  }

  /** At the daemon's stop: the report writes under way, waited for at most `ms` (a database still away: they are lost, logged). */
  async flush(ms: number): Promise<void> {
    if (this.writing.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), ms); });
    const done = await Promise.race([Promise.all(this.writing).then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (done === 'late') this.log.error({ reports: this.writing.size }, 'stopping with call reports not written (the database is away): those calls\' ends are lost');
  }

  /** The owner: the reports of the node's earlier owners applied, each in its own fenced transaction. Returns how many of each outcome. */
  async applyDue(): Promise<Partial<Record<ReportOutcome, number>>> {
    const view = this.view;
    const fence = this.d.fence();
    if (!view || !fence || this.running || !view.settled()) return {};
    this.running = true;
    const counts: Partial<Record<ReportOutcome, number>> = {};
    try {
      for (const id of await new CallReportRepo(this.d.db).due(fence.node, BATCH)) {
        const outcome = await this.applyOne(id, view).catch(async (err: unknown) => {
          // the database away, or the node no longer this daemon's: tried again later (by whoever owns it)
          if (isKefuError(err, 'DB_UNAVAILABLE') || isKefuError(err, 'STALE_EPOCH')) throw err;
          this.log.error({ err, reportId: id }, 'call report could not be applied: left as failed');
          await new CallReportRepo(this.d.fenced).settle(id, 'failed');
          return 'failed' as const;
        });
        if (outcome) counts[outcome] = (counts[outcome] ?? 0) + 1;
      }
    } catch (err) {
      this.log.debug({ err }, 'call reports not applied this time');
    } finally {
      this.running = false;
    }
    if (Object.keys(counts).length > 0) this.log.warn({ node: fence.node, ...counts }, 'call reports of an earlier owner of the node applied');
    return counts;
  }

  private async applyOne(id: number, view: CallReportsView): Promise<ReportOutcome | null> {
    const ended: Array<EventMap['call.ended']> = [];
    const sealing: Array<{ callId: string; recs: ReportedRecording[] }> = [];
    const outcome = await this.d.fenced.transaction(async (tx) => {
      const reports = new CallReportRepo(tx);
      const r = await reports.claim(id);
      if (!r) return null;
      const o = await this.decide(tx, r, view);
      if (o === 'recorded' || o === 'corrected') ended.push(await this.write(tx, r.body, o));
      // the audio is the call's whoever recorded its end: rows for the reported recordings wherever the call has a row
      if (o && r.body.recordings?.length) sealing.push({ callId: r.callId, recs: await reports.writeRecordings(r.callId, r.body.recordings) });
      if (o) await reports.settle(r.id, o);
      return o;
    });
    for (const x of sealing) if (x.recs.length > 0) await view.sealRecordings(x.callId, x.recs);
    for (const e of ended) this.d.bus.emit('call.ended', e);
    if (outcome && outcome !== 'superseded') this.log.warn({ callId: ended[0]?.callId, reportId: id, outcome, disposition: ended[0]?.disposition }, `call report applied: ${outcome}`);
    return outcome;
  }

  /** What the report does to the records; null: not yet (the row is still open: the takeover has not closed it). */
  private async decide(tx: Queryable, r: DueReport, view: CallReportsView): Promise<ReportOutcome | null> {
    const { call, legs } = r.body;
    const row = (await tx.query<{ ended_at: Date | null; disposition: string | null }>('SELECT ended_at, disposition FROM calls WHERE id = $1', [call.id])).rows[0];
    if (row) {
      if (row.ended_at === null) return this.d.ledger.drives(call.id) ? 'superseded' : null;
      return row.disposition === 'interrupted' ? 'corrected' : 'superseded';
    }
    if (legs.some((l) => view.drivesChannel(l.channelId))) return 'superseded';
    const named = await new CallLegRepo(tx).namedChannels(legs.map((l) => l.channelId));
    return named.size > 0 ? 'superseded' : 'recorded';
  }

  private async write(tx: Queryable, body: CallReportBody, how: 'recorded' | 'corrected'): Promise<EventMap['call.ended']> {
    const { call, history } = body;
    const { answeredAt, endedAt, ...rest } = call.patch;
    const end = endedAt ? new Date(endedAt) : new Date();
    const patch: CallPatch = { ...rest, state: 'ended', endedAt: end, ...(answeredAt ? { answeredAt: new Date(answeredAt) } : {}) };
    const calls = new CallRepo(tx);
    if (how === 'recorded') {
      await calls.create({ id: call.id, lineId: call.lineId, direction: call.direction, state: 'ended', number: call.number, startedAt: new Date(call.startedAt) });
      await calls.update(call.id, patch);
    } else {
      await calls.correctInterrupted(call.id, patch);
    }
    // a leg whose end it did not see ends with the call, cause unknown
    const legs = body.legs.map((l) => (l.endedAt ? l : { ...l, endedAt: end.toISOString(), endCause: 'interrupted' }));
    await new CallReportRepo(tx).writeLegs(call.id, legs);
    if (history) {
      const exists = await tx.query('SELECT 1 FROM customers WHERE id = $1', [history.customerId]);
      if (exists.rows.length > 0) await new InteractionRepo(tx).add({ customerId: history.customerId, kind: 'call', refId: call.id, summary: history.summary, data: history.data, at: end });
    }
    const disposition = (patch.disposition ?? 'interrupted') as Disposition;
    return { callId: call.id, lineId: patch.lineId ?? call.lineId, number: patch.number ?? call.number, disposition, durationMs: patch.durationMs ?? end.getTime() - Date.parse(call.startedAt) };
  }
}
