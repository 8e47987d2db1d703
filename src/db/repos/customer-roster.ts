/**
 * The roster (客户花名册): customers found by name, company, e-mail, any part
 * of a number or a tag, filtered by tier, status, owner and service region,
 * sorted by name, creation, last change or tier, read in keyset pages.
 */
import type { Queryable } from '../types.ts';
import { CUSTOMER_PHONES, numberLike, ownsNumber } from '../phones.ts';
import { KefuError } from '../../core/errors.ts';
import { containsPattern, whereClause } from '../sql.ts';
import type { Customer } from '../../core/crm/records.ts';
import { CUSTOMER_COLS, customerCols, customerToApi, type CustomerRow } from './customer-row.ts';

export const ROSTER_SORTS = ['created', 'updated', 'name', 'tier'] as const;
export type RosterSort = typeof ROSTER_SORTS[number];

export interface RosterFilter {
  /** A normalised number the customer owns. */
  phone?: string | undefined;
  /** Text in the name, company, e-mail or a number. */
  q?: string | undefined;
  tag?: string | undefined;
  tier?: string | undefined;
  status?: string | undefined;
  /** Owner (account manager) agent id. */
  owner?: string | undefined;
  /** characteristics.region */
  region?: string | undefined;
}

export interface RosterQuery extends RosterFilter {
  limit: number;
  cursor?: string | undefined;
  sort?: RosterSort | undefined;
  order?: 'asc' | 'desc' | undefined;
}

/** The sort key of each sort, as SQL over the customers row, and how a cursor value is cast. */
const KEYS: Record<RosterSort, { sql: string; cast: string; of: (r: CustomerRow) => string }> = {
  created: { sql: 'created_at', cast: '::timestamptz', of: (r) => r.created_at.toISOString() },
  updated: { sql: 'updated_at', cast: '::timestamptz', of: (r) => r.updated_at.toISOString() },
  name: { sql: 'lower(name)', cast: '::text', of: (r) => r.name.toLowerCase() },
  tier: { sql: "coalesce(tier, '')", cast: '::text', of: (r) => r.tier ?? '' },
};

interface RosterCursor { s: RosterSort; o: 'asc' | 'desc'; v: string; id: string }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const encode = (c: RosterCursor): string => Buffer.from(JSON.stringify([c.s, c.o, c.v, c.id])).toString('base64url');

function decode(cursor: string, sort: RosterSort, order: 'asc' | 'desc'): RosterCursor {
  const bad = () => new KefuError('BAD_REQUEST', 'cursor: expected a value returned as "next" by a previous page of the same sort and order', { field: 'cursor' });
  let v: unknown;
  try { v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { throw bad(); }
  if (!Array.isArray(v) || v.length !== 4 || v[0] !== sort || v[1] !== order || typeof v[2] !== 'string' || v[2].length > 400
    || typeof v[3] !== 'string' || !UUID.test(v[3])) throw bad();
  if (KEYS[sort].cast === '::timestamptz' && Number.isNaN(Date.parse(v[2]))) throw bad();
  return { s: sort, o: order, v: v[2], id: v[3] };
}

/** WHERE conditions of a filter; values appended to params. */
export function rosterWhere(f: RosterFilter, params: unknown[]): Array<string | null> {
  const where: Array<string | null> = [];
  const add = (v: unknown, cond: (p: string) => string) => { params.push(v); where.push(cond(`$${params.length}`)); };
  if (f.phone) add(f.phone, (p) => ownsNumber(CUSTOMER_PHONES, 'id', p));
  if (f.tier) add(f.tier, (p) => `tier = ${p}`);
  if (f.status) add(f.status, (p) => `status = ${p}`);
  if (f.owner) add(f.owner, (p) => `owner_id = ${p}`);
  if (f.region) add(f.region, (p) => `card_characteristics->>'region' = ${p}`);
  if (f.tag) add([f.tag], (p) => `tags @> ${p}::text[]`);
  if (f.q) {
    // A number fragment written with spaces, dashes or brackets ("0013-8000") is matched on its digits.
    const digits = /^[+\d\s\-().]+$/.test(f.q) ? f.q.replace(/[^\d+]/g, '') : '';
    add(containsPattern(f.q), (p) => {
      const num = digits.length >= 3 ? (params.push(containsPattern(digits)), `$${params.length}`) : p;
      return `(lower(name) LIKE ${p} OR lower(coalesce(company,'')) LIKE ${p} OR lower(coalesce(email,'')) LIKE ${p} OR ${numberLike(CUSTOMER_PHONES, 'id', num)})`;
    });
  }
  return where;
}

/** One page of the roster. */
export async function rosterPage(db: Queryable, q: RosterQuery): Promise<{ items: Customer[]; next: string | null }> {
  const sort = q.sort ?? 'created';
  const order = q.order ?? 'asc';
  const key = KEYS[sort];
  const filtered = q.tier || q.status || q.owner || q.region || q.tag || q.q;
  if (q.phone && !filtered && !q.cursor && sort === 'created' && order === 'asc') return byPhonePage(db, q.phone, q.limit);
  const params: unknown[] = [];
  const where = rosterWhere(q, params);
  if (q.cursor) {
    const c = decode(q.cursor, sort, order);
    params.push(c.v, c.id);
    where.push(`(${key.sql}, id) ${order === 'asc' ? '>' : '<'} ($${params.length - 1}${key.cast}, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const r = await db.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLS} FROM customers ${whereClause(where)} ORDER BY ${key.sql} ${dir}, id ${dir} LIMIT $${params.length}`, params);
  const rows = r.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  const next = r.rows.length > q.limit && last ? encode({ s: sort, o: order, v: key.of(last), id: last.id }) : null;
  return { items: rows.map(customerToApi), next };
}

/** The common screen-pop/CRM lookup `?phone=` alone: one index probe and a join. */
async function byPhonePage(db: Queryable, key: string, limit: number): Promise<{ items: Customer[]; next: string | null }> {
  const r = await db.query<CustomerRow>(
    `SELECT ${customerCols('c')} FROM customer_phones p JOIN customers c ON c.id = p.customer_id WHERE p.number = $1 ORDER BY c.created_at, c.id LIMIT $2`,
    [key, limit + 1]);
  const rows = r.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  const next = r.rows.length > limit && last ? encode({ s: 'created', o: 'asc', v: last.created_at.toISOString(), id: last.id }) : null;
  return { items: rows.map(customerToApi), next };
}

/**
 * Every customer of a filter, sorted, for an export: at most `max` rows;
 * `more` says whether there were more.
 */
export async function rosterAll(db: Queryable, f: RosterFilter & { sort?: RosterSort | undefined; order?: 'asc' | 'desc' | undefined }, max: number): Promise<{ items: Customer[]; more: boolean }> {
  const key = KEYS[f.sort ?? 'created'];
  const dir = f.order === 'desc' ? 'DESC' : 'ASC';
  const params: unknown[] = [];
  const where = rosterWhere(f, params);
  params.push(max + 1);
  const r = await db.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLS} FROM customers ${whereClause(where)} ORDER BY ${key.sql} ${dir}, id ${dir} LIMIT $${params.length}`, params);
  return { items: r.rows.slice(0, max).map(customerToApi), more: r.rows.length > max };
}

/** A group of customers sharing one normalised number. */
export interface DuplicateGroup { number: string; customers: Customer[] }

/** Numbers owned by more than one customer, in number order, keyset-paged by number. */
export async function duplicateGroups(db: Queryable, opts: { limit: number; cursor?: string | undefined }): Promise<{ items: DuplicateGroup[]; next: string | null }> {
  let after = '';
  if (opts.cursor) {
    after = Buffer.from(opts.cursor, 'base64url').toString('utf8');
    if (after.length > 64 || after.includes('\0')) throw new KefuError('BAD_REQUEST', 'cursor: expected a value returned as "next" by a previous page', { field: 'cursor' });
  }
  const nums = await db.query<{ number: string }>(
    `SELECT number FROM customer_phones WHERE number > $1 GROUP BY number HAVING count(*) > 1 ORDER BY number LIMIT $2`, [after, opts.limit + 1]);
  const page = nums.rows.slice(0, opts.limit).map((x) => x.number);
  if (!page.length) return { items: [], next: null };
  const r = await db.query<CustomerRow & { dup_number: string }>(
    `SELECT p.number AS dup_number, ${customerCols('c')} FROM customer_phones p JOIN customers c ON c.id = p.customer_id
     WHERE p.number = ANY($1::text[]) ORDER BY p.number, c.created_at, c.id`, [page]);
  const groups = new Map<string, Customer[]>(page.map((n) => [n, []]));
  for (const row of r.rows) groups.get(row.dup_number)?.push(customerToApi(row));
  const next = nums.rows.length > opts.limit ? Buffer.from(page[page.length - 1]!).toString('base64url') : null;
  return { items: [...groups].map(([number, customers]) => ({ number, customers })), next };
}
