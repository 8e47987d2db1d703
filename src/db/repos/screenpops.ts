import type { Queryable } from '../types.ts';
import { KefuError } from '../../core/errors.ts';

/** Which customer fields a screen pop shows: groups of fields, in order. */
export interface ScreenpopLayout {
  groups: Array<{ title: string; fields: string[] }>;
  /** How many recent interactions the pop lists (0 = none). */
  interactions: number;
}
export type LayoutScope = 'default' | 'line' | 'queue' | 'campaign';
export interface StoredLayout { scope: LayoutScope; scopeId: string; layout: ScreenpopLayout; updatedAt: string }

/**
 * The fields a layout may name: the customer's own, the info card's (`basic.kind`,
 * `transaction.credit.limit`…), or `attributes.<key>` / `custom.<key>` (the
 * admin's custom fields, GET /customers/fields).
 */
export const LAYOUT_FIELDS = ['name', 'company', 'title', 'phones', 'email', 'address', 'tier', 'tags', 'status', 'transactionStatus', 'notes', 'ownerId',
  'basic.kind', 'basic.legalRepresentative', 'basic.founded', 'basic.relationshipSince',
  'characteristics.region', 'characteristics.salesCapacity', 'characteristics.potential', 'characteristics.industry', 'characteristics.source', 'characteristics.size',
  'business.scale', 'business.sales', 'business.relationship', 'business.attitude',
  'transaction.currentOrders', 'transaction.issues', 'transaction.terms', 'transaction.credit.limit', 'transaction.credit.rating', 'transaction.credit.overdue'] as const;

export const BUILTIN_LAYOUT: ScreenpopLayout = {
  groups: [
    { title: 'Customer', fields: ['name', 'company', 'tier', 'phones'] },
    { title: 'Account', fields: ['status', 'transactionStatus', 'tags', 'notes'] },
  ],
  interactions: 5,
};

export class ScreenpopRepo {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<StoredLayout[]> {
    const r = await this.db.query<{ scope: LayoutScope; scope_id: string; layout: ScreenpopLayout; updated_at: Date }>(
      'SELECT * FROM screenpop_layouts ORDER BY scope, scope_id');
    return r.rows.map((x) => ({ scope: x.scope, scopeId: x.scope_id, layout: x.layout, updatedAt: x.updated_at.toISOString() }));
  }

  /** The layout for a call: its queue's, else its line's, else the default, else the built-in one. */
  async resolve(at: { lineId?: string | undefined; queueId?: string | undefined; campaignId?: string | undefined }): Promise<StoredLayout> {
    const all = await this.list();
    const pick = (scope: LayoutScope, id: string | undefined) => (id === undefined ? undefined : all.find((l) => l.scope === scope && l.scopeId === id));
    return pick('campaign', at.campaignId) ?? pick('queue', at.queueId) ?? pick('line', at.lineId) ?? pick('default', '')
      ?? { scope: 'default', scopeId: '', layout: BUILTIN_LAYOUT, updatedAt: new Date(0).toISOString() };
  }

  async put(scope: LayoutScope, scopeId: string, layout: ScreenpopLayout): Promise<StoredLayout> {
    const r = await this.db.query<{ updated_at: Date }>(
      `INSERT INTO screenpop_layouts(scope, scope_id, layout) VALUES ($1,$2,$3::jsonb)
       ON CONFLICT (scope, scope_id) DO UPDATE SET layout = EXCLUDED.layout, updated_at = now() RETURNING updated_at`,
      [scope, scopeId, JSON.stringify(layout)]);
    return { scope, scopeId, layout, updatedAt: r.rows[0]!.updated_at.toISOString() };
  }

  async remove(scope: LayoutScope, scopeId: string): Promise<void> {
    const r = await this.db.query('DELETE FROM screenpop_layouts WHERE scope = $1 AND scope_id = $2', [scope, scopeId]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `no ${scope} layout ${scopeId}`);
  }
}
