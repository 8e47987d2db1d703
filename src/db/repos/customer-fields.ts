/** The admin's custom customer fields (definitions; values live in customers.custom). */
import type { Db } from '../types.ts';
import { KefuError } from '../../core/errors.ts';
import type { CustomField, CustomFieldType } from '../../core/crm/custom-fields.ts';

interface Row { key: string; label: string; type: CustomFieldType; options: string[]; position: number; created_at: Date; updated_at: Date }
const COLS = 'key, label, type, options, position, created_at, updated_at';
const toApi = (r: Row): CustomField => ({
  key: r.key, label: r.label, type: r.type, options: r.options, position: r.position,
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

/** At most this many definitions (the card and the pop stay readable). */
export const MAX_CUSTOM_FIELDS = 100;

export class CustomerFieldRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<CustomField[]> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM customer_fields ORDER BY position, key`);
    return r.rows.map(toApi);
  }

  async get(key: string): Promise<CustomField> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM customer_fields WHERE key = $1`, [key]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `custom field ${key} not found`);
    return toApi(r.rows[0]);
  }

  /** Adds a definition; CONFLICT when the key is taken or there are MAX_CUSTOM_FIELDS already. */
  async create(f: { key: string; label: string; type: CustomFieldType; options: string[]; position: number }): Promise<CustomField> {
    return this.db.transaction(async (tx) => {
      const n = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_fields');
      if ((n.rows[0]?.n ?? 0) >= MAX_CUSTOM_FIELDS) throw new KefuError('CONFLICT', `there are already ${MAX_CUSTOM_FIELDS} custom fields`);
      const r = await tx.query<Row>(
        `INSERT INTO customer_fields(key, label, type, options, position) VALUES ($1,$2,$3,$4::text[],$5)
         ON CONFLICT (key) DO NOTHING RETURNING ${COLS}`, [f.key, f.label, f.type, f.options, f.position]);
      if (!r.rows[0]) throw new KefuError('CONFLICT', `custom field ${f.key} already exists`, { field: 'key' });
      return toApi(r.rows[0]);
    });
  }

  async update(key: string, p: { label?: string | undefined; options?: string[] | undefined; position?: number | undefined }): Promise<CustomField> {
    const r = await this.db.query<Row>(
      `UPDATE customer_fields SET label = coalesce($2, label), options = coalesce($3::text[], options), position = coalesce($4, position), updated_at = now()
       WHERE key = $1 RETURNING ${COLS}`, [key, p.label ?? null, p.options ?? null, p.position ?? null]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `custom field ${key} not found`);
    return toApi(r.rows[0]);
  }

  /** Removes the definition and every customer's value of it. */
  async delete(key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await tx.query('DELETE FROM customer_fields WHERE key = $1', [key]);
      if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `custom field ${key} not found`);
      await tx.query('UPDATE customers SET custom = custom - $1::text WHERE custom ? $1::text', [key]);
    });
  }
}
