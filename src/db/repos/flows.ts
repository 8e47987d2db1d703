import type { Queryable, Db } from '../types.ts';
import { KefuError } from '../../core/errors.ts';

export interface FlowSummary { id: string; name: string; currentVersion: number; publishedVersion: number | null; createdAt: string; updatedAt: string }
export interface FlowVersion { flowId: string; version: number; definition: unknown; createdAt: string }

interface Row { id: string; name: string; current_version: number; published_version: number | null; created_at: Date; updated_at: Date }
const toApi = (r: Row): FlowSummary => ({
  id: r.id, name: r.name, currentVersion: r.current_version, publishedVersion: r.published_version,
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

/**
 * IVR flows with versions. Every save makes a new version; the published one
 * is what calls run. Roll back = publish an older version.
 */
export class FlowRepo {
  constructor(private readonly db: Db) {}

  async create(id: string, name: string, definition: unknown, publish = true): Promise<FlowSummary> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        'INSERT INTO ivr_flows(id, name, current_version, published_version) VALUES ($1,$2,1,$3) RETURNING *', [id, name, publish ? 1 : null]);
      await tx.query('INSERT INTO ivr_flow_versions(flow_id, version, definition) VALUES ($1,1,$2::jsonb)', [id, JSON.stringify(definition)]);
      return toApi(r.rows[0]!);
    });
  }

  async saveVersion(id: string, name: string, definition: unknown, publish = true): Promise<FlowSummary> {
    return this.db.transaction(async (tx) => {
      const cur = await tx.query<Row>('SELECT * FROM ivr_flows WHERE id = $1 FOR UPDATE', [id]);
      if (!cur.rows[0]) throw new KefuError('NOT_FOUND', `flow ${id} not found`);
      const version = cur.rows[0].current_version + 1;
      await tx.query('INSERT INTO ivr_flow_versions(flow_id, version, definition) VALUES ($1,$2,$3::jsonb)', [id, version, JSON.stringify(definition)]);
      const r = await tx.query<Row>(
        `UPDATE ivr_flows SET name=$2, current_version=$3, published_version = CASE WHEN $4 THEN $3 ELSE published_version END, updated_at=now()
         WHERE id=$1 RETURNING *`, [id, name, version, publish]);
      return toApi(r.rows[0]!);
    });
  }

  async publish(id: string, version: number): Promise<FlowSummary> {
    const v = await this.db.query('SELECT 1 FROM ivr_flow_versions WHERE flow_id=$1 AND version=$2', [id, version]);
    if (v.rows.length === 0) throw new KefuError('NOT_FOUND', `flow ${id} has no version ${version}`);
    const r = await this.db.query<Row>('UPDATE ivr_flows SET published_version=$2, updated_at=now() WHERE id=$1 RETURNING *', [id, version]);
    return toApi(r.rows[0]!);
  }

  async get(id: string): Promise<FlowSummary> {
    const r = await this.db.query<Row>('SELECT * FROM ivr_flows WHERE id = $1', [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `flow ${id} not found`);
    return toApi(r.rows[0]);
  }

  async list(): Promise<FlowSummary[]> {
    const r = await this.db.query<Row>('SELECT * FROM ivr_flows ORDER BY id');
    return r.rows.map(toApi);
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM ivr_flows WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `flow ${id} not found`);
  }

  /** A version's definition; `which` = a number, 'current' or 'published'. */
  async version(id: string, which: number | 'current' | 'published'): Promise<FlowVersion> {
    const f = await this.get(id);
    const v = which === 'current' ? f.currentVersion : which === 'published' ? f.publishedVersion : which;
    if (v === null) throw new KefuError('NOT_FOUND', `flow ${id} has no published version`);
    const r = await this.db.query<{ flow_id: string; version: number; definition: unknown; created_at: Date }>(
      'SELECT * FROM ivr_flow_versions WHERE flow_id=$1 AND version=$2', [id, v]);
    const row = r.rows[0];
    if (!row) throw new KefuError('NOT_FOUND', `flow ${id} has no version ${v}`);
    return { flowId: row.flow_id, version: row.version, definition: row.definition, createdAt: row.created_at.toISOString() };
  }

  async versions(id: string): Promise<Array<Omit<FlowVersion, 'definition'>>> {
    await this.get(id);
    const r = await this.db.query<{ flow_id: string; version: number; created_at: Date }>(
      'SELECT flow_id, version, created_at FROM ivr_flow_versions WHERE flow_id=$1 ORDER BY version DESC', [id]);
    return r.rows.map((x) => ({ flowId: x.flow_id, version: x.version, createdAt: x.created_at.toISOString() }));
  }
}

export type { Queryable };
