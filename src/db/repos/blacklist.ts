import { randomUUID } from 'node:crypto';
import type { Queryable } from '../types.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, containsPattern, whereClause } from '../sql.ts';
import type { Direction, BlacklistEntry } from '../../core/blacklist/records.ts';
export type { Direction, BlacklistEntry } from '../../core/blacklist/records.ts';

interface Row { id: string; kind: 'number' | 'prefix'; value: string; direction: Direction; reason: string | null; created_at: Date }
const toApi = (r: Row): BlacklistEntry => ({
  id: r.id, number: r.kind === 'number' ? r.value : null, prefix: r.kind === 'prefix' ? r.value : null,
  direction: r.direction, reason: r.reason, createdAt: r.created_at.toISOString(),
});

export interface NewEntry { kind: 'number' | 'prefix'; value: string; direction: Direction; reason?: string | null }

export class BlacklistRepo {
  constructor(private readonly db: Queryable) {}

  async add(e: NewEntry): Promise<BlacklistEntry> {
    const r = await this.db.query<Row>(
      'INSERT INTO blacklist(id, kind, value, direction, reason) VALUES ($1,$2,$3,$4,$5) RETURNING id, kind, value, direction, reason, created_at',
      [randomUUID(), e.kind, e.value, e.direction, e.reason ?? null],
    );
    return toApi(r.rows[0]!);
  }

  /** Bulk insert; duplicates are skipped. Returns how many rows were new. */
  async addMany(entries: NewEntry[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < entries.length; i += 5000) {
      const chunk = entries.slice(i, i + 5000);
      const r = await this.db.query(
        `INSERT INTO blacklist(id, kind, value, direction, reason)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (kind, value, direction) DO NOTHING`,
        [chunk.map(() => randomUUID()), chunk.map((e) => e.kind), chunk.map((e) => e.value), chunk.map((e) => e.direction), chunk.map((e) => e.reason ?? null)],
      );
      inserted += r.rowCount;
    }
    return inserted;
  }

  /** Deletes an entry and returns it (the matcher needs its key). */
  async delete(id: string): Promise<BlacklistEntry> {
    const r = await this.db.query<Row>('DELETE FROM blacklist WHERE id = $1 RETURNING id, kind, value, direction, reason, created_at', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `blacklist entry ${id} not found`);
    return toApi(r.rows[0]);
  }

  async find(kind: 'number' | 'prefix', value: string): Promise<BlacklistEntry[]> {
    const r = await this.db.query<Row>('SELECT id, kind, value, direction, reason, created_at FROM blacklist WHERE kind = $1 AND value = $2', [kind, value]);
    return r.rows.map(toApi);
  }

  async list(opts: { limit: number; cursor?: string | undefined; q?: string | undefined; direction?: Direction | undefined }): Promise<{ items: BlacklistEntry[]; next: string | null }> {
    const params: unknown[] = [];
    const where: Array<string | null> = [];
    if (opts.q) { params.push(containsPattern(opts.q)); where.push(`(value LIKE $${params.length} OR lower(coalesce(reason,'')) LIKE $${params.length})`); }
    if (opts.direction) { params.push(opts.direction); where.push(`direction = $${params.length}`); }
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params, true));
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(`SELECT id, kind, value, direction, reason, created_at FROM blacklist ${whereClause(where)} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }

  /** Every entry, in chunks, without building one object per row for the whole table at once. */
  async *scan(chunk = 50_000): AsyncGenerator<Array<{ kind: 'number' | 'prefix'; value: string; direction: Direction }>> {
    let after: [string, string, string] = ['', '', ''];
    for (;;) {
      const r = await this.db.query<{ kind: 'number' | 'prefix'; value: string; direction: Direction }>(
        `SELECT kind, value, direction FROM blacklist WHERE (kind, value, direction) > ($1, $2, $3)
         ORDER BY kind, value, direction LIMIT $4`, [...after, chunk]);
      if (r.rows.length === 0) return;
      yield r.rows;
      const last = r.rows[r.rows.length - 1]!;
      after = [last.kind, last.value, last.direction];
      if (r.rows.length < chunk) return;
    }
  }
}
