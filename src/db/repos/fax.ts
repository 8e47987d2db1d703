import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { afterCursor, whereClause } from '../sql.ts';
import { KefuError } from '../../core/errors.ts';
import type { Fax, FaxDirection, FaxOutcome, FaxStatus } from '../../core/fax/records.ts';

interface Row {
  id: string; direction: FaxDirection; number: string | null; line_id: string | null; customer_id: string | null; call_id: string | null;
  status: FaxStatus; pages: number | null; remote_station_id: string | null; result_code: string | null; result_text: string | null;
  bit_rate: number | null; attempts: number; max_attempts: number; next_attempt_at: Date | null; detected: Fax['detected'];
  source_file: string | null; tiff_file: string | null; pdf_file: string | null; created_at: Date; started_at: Date | null; completed_at: Date | null;
}
/** A fax with where its files are (relative to the fax folder). */
export type FaxRow = Fax & { sourceFile: string | null; tiffFile: string | null; pdfFile: string | null };

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const toApi = (r: Row): FaxRow => ({
  id: r.id, direction: r.direction, number: r.number, lineId: r.line_id, customerId: r.customer_id, callId: r.call_id, status: r.status,
  pages: r.pages, remoteStationId: r.remote_station_id, resultCode: r.result_code, resultText: r.result_text, bitRate: r.bit_rate,
  attempts: r.attempts, maxAttempts: r.max_attempts, nextAttemptAt: iso(r.next_attempt_at), detected: r.detected,
  hasDocument: r.pdf_file !== null, createdAt: r.created_at.toISOString(), startedAt: iso(r.started_at), completedAt: iso(r.completed_at),
  sourceFile: r.source_file, tiffFile: r.tiff_file, pdfFile: r.pdf_file,
});

export class FaxRepo {
  constructor(private readonly db: Queryable) {}

  async createOutbound(f: { id: string; number: string; lineId: string | null; customerId: string | null; pages: number; maxAttempts: number; sourceFile: string; tiffFile: string; pdfFile: string }): Promise<FaxRow> {
    const r = await this.db.query<Row>(
      `INSERT INTO faxes(id, direction, number, line_id, customer_id, status, pages, max_attempts, next_attempt_at, source_file, tiff_file, pdf_file)
       VALUES ($1,'outbound',$2,$3,$4,'queued',$5,$6,now(),$7,$8,$9) RETURNING *`,
      [f.id, f.number, f.lineId, f.customerId, f.pages, f.maxAttempts, f.sourceFile, f.tiffFile, f.pdfFile]);
    return toApi(r.rows[0]!);
  }

  /** An inbound fax starting; a second start for the same id changes nothing. */
  async createInbound(f: { id: string; number: string | null; lineId: string | null; customerId: string | null; callId: string | null; detected: NonNullable<Fax['detected']> }): Promise<FaxRow> {
    await this.db.query(
      `INSERT INTO faxes(id, direction, number, line_id, customer_id, call_id, status, detected, started_at, attempts)
       VALUES ($1,'inbound',$2,$3,$4,$5,'receiving',$6,now(),1) ON CONFLICT (id) DO NOTHING`,
      [f.id, f.number, f.lineId, f.customerId, f.callId, f.detected]);
    return this.get(f.id);
  }

  async startAttempt(id: string): Promise<FaxRow> {
    const r = await this.db.query<Row>(
      "UPDATE faxes SET status='sending', attempts=attempts+1, started_at=now(), next_attempt_at=NULL WHERE id=$1 RETURNING *", [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `fax ${id} not found`);
    return toApi(r.rows[0]);
  }

  /** A failed attempt with another one due at `at`. */
  async retryAt(id: string, at: Date, o: Pick<FaxOutcome, 'resultCode' | 'resultText'>): Promise<FaxRow> {
    const r = await this.db.query<Row>(
      "UPDATE faxes SET status='queued', next_attempt_at=$2, result_code=$3, result_text=$4 WHERE id=$1 RETURNING *", [id, at, o.resultCode, o.resultText.slice(0, 500)]);
    return toApi(r.rows[0]!);
  }

  async finish(id: string, status: 'sent' | 'failed' | 'received', o: FaxOutcome, files?: { tiffFile: string | null; pdfFile: string | null }): Promise<FaxRow> {
    const r = await this.db.query<Row>(
      `UPDATE faxes SET status=$2, pages=COALESCE($3, pages), remote_station_id=$4, result_code=$5, result_text=$6, bit_rate=$7, next_attempt_at=NULL,
         tiff_file=COALESCE($8, tiff_file), pdf_file=COALESCE($9, pdf_file), completed_at=now() WHERE id=$1 RETURNING *`,
      [id, status, status === 'sent' ? null : o.pages, o.remoteStationId, o.resultCode, o.resultText.slice(0, 500), o.bitRate, files?.tiffFile ?? null, files?.pdfFile ?? null]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `fax ${id} not found`);
    return toApi(r.rows[0]);
  }

  async get(id: string): Promise<FaxRow> {
    const r = await this.db.query<Row>('SELECT * FROM faxes WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `fax ${id} not found`);
    return toApi(r.rows[0]);
  }

  /** Outbound faxes still to send (queued, or cut off mid-send by a restart), oldest first. */
  async pending(): Promise<FaxRow[]> {
    const r = await this.db.query<Row>("SELECT * FROM faxes WHERE status IN ('queued','sending') ORDER BY created_at LIMIT 1000");
    return r.rows.map(toApi);
  }

  /** Inbound faxes a restart cut off. */
  async interrupted(): Promise<FaxRow[]> {
    const r = await this.db.query<Row>("SELECT * FROM faxes WHERE status = 'receiving' ORDER BY created_at LIMIT 1000");
    return r.rows.map(toApi);
  }

  async list(opts: { limit: number; cursor?: string | undefined; direction?: FaxDirection | undefined; status?: FaxStatus | undefined; number?: string | undefined; customerId?: string | undefined }): Promise<{ items: FaxRow[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    const eq = (col: string, v: unknown) => { if (v !== undefined) { params.push(v); where.push(`${col} = $${params.length}`); } };
    eq('direction', opts.direction); eq('status', opts.status); eq('number', opts.number); eq('customer_id', opts.customerId);
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params, true));
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM faxes ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }
}
