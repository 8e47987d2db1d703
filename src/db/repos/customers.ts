import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';
import { addPhonesMany, CUSTOMER_PHONES, numberLike, ownsNumber, setPhones, takenNumbers } from '../phones.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, containsPattern, patchSets, whereClause } from '../sql.ts';
import type { Phone, Customer, CustomerInput } from '../../core/crm/records.ts';
export type { Phone, Customer, CustomerInput } from '../../core/crm/records.ts';

interface Row {
  id: string; name: string; company: string | null; title: string | null; email: string | null; address: string | null;
  phones: Phone[]; tier: string | null; tags: string[]; status: string | null; transaction_status: string | null;
  notes: string | null; attributes: Record<string, unknown>; created_at: Date; updated_at: Date;
}

const COLS = 'id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes, created_at, updated_at';

const toApi = (r: Row): Customer => ({
  id: r.id, name: r.name, company: r.company, title: r.title, email: r.email, address: r.address,
  phones: r.phones, tier: r.tier, tags: r.tags, status: r.status, transactionStatus: r.transaction_status,
  notes: r.notes, attributes: r.attributes, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

const FIELDS = [
  ['name', 'name'], ['company', 'company'], ['title', 'title'], ['email', 'email'], ['address', 'address'],
  ['tier', 'tier'], ['tags', 'tags'], ['status', 'status'], ['transactionStatus', 'transaction_status'], ['notes', 'notes'],
  ['phones', 'phones', '::jsonb'], ['attributes', 'attributes', '::jsonb'],
] as const;

export class CustomerRepo {
  constructor(private readonly db: Db) {}

  async create(input: CustomerInput & { name: string }): Promise<Customer> {
    const phones = input.phones ?? [];
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `INSERT INTO customers(id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes)
         VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb,$8,$9::text[],$10,$11,$12,$13::jsonb) RETURNING ${COLS}`,
        [randomUUID(), input.name, input.company ?? null, input.title ?? null, input.email ?? null, input.address ?? null,
          JSON.stringify(phones), input.tier ?? null, input.tags ?? [], input.status ?? null,
          input.transactionStatus ?? null, input.notes ?? null, JSON.stringify(input.attributes ?? {})],
      );
      await setPhones(tx, CUSTOMER_PHONES, r.rows[0]!.id, phones.map((p) => p.number));
      return toApi(r.rows[0]!);
    });
  }

  /** Creates many customers in one transaction (imports): two statements, whatever the count. */
  async createMany(inputs: ReadonlyArray<CustomerInput & { name: string }>): Promise<void> {
    if (!inputs.length) return;
    const rows = inputs.map((i) => ({
      id: randomUUID(), name: i.name, company: i.company ?? null, title: i.title ?? null, email: i.email ?? null, address: i.address ?? null,
      phones: i.phones ?? [], tier: i.tier ?? null, tags: i.tags ?? [], status: i.status ?? null, transaction_status: i.transactionStatus ?? null,
      notes: i.notes ?? null, attributes: i.attributes ?? {},
    }));
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO customers(id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes)
         SELECT id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, name text, company text, title text, email text, address text, phones jsonb,
           tier text, tags text[], status text, transaction_status text, notes text, attributes jsonb)`,
        [JSON.stringify(rows)],
      );
      await addPhonesMany(tx, CUSTOMER_PHONES, rows.map((r) => ({ ownerId: r.id, numbers: r.phones.map((p) => p.number) })));
    });
  }

  /** Of these normalised numbers, those a customer already has. */
  taken(numbers: readonly string[]): Promise<Set<string>> { return takenNumbers(this.db, CUSTOMER_PHONES, numbers); }

  async get(id: string): Promise<Customer> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM customers WHERE id = $1`, [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
    return toApi(r.rows[0]);
  }

  /** Patch: only the given fields change. */
  async update(id: string, input: CustomerInput): Promise<Customer> {
    const params: unknown[] = [id];
    const sets = patchSets(input, FIELDS, params);
    sets.push('updated_at = now()');
    const phones = input.phones;
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(`UPDATE customers SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLS}`, params);
      if (!r.rows[0]) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
      if (phones !== undefined) await setPhones(tx, CUSTOMER_PHONES, id, phones.map((p) => p.number));
      return toApi(r.rows[0]);
    });
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM customers WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
  }

  /** The customer owning a normalised number (the most recently updated if several). */
  async findByPhone(key: string): Promise<Customer | null> {
    const r = await this.db.query<Row>(
      `SELECT ${COLS} FROM customers WHERE ${ownsNumber(CUSTOMER_PHONES, 'id', '$1')} ORDER BY updated_at DESC LIMIT 1`, [key]);
    return r.rows[0] ? toApi(r.rows[0]) : null;
  }

  async list(opts: { limit: number; cursor?: string | undefined; phone?: string | undefined; q?: string | undefined; tier?: string | undefined }): Promise<{ items: Customer[]; next: string | null }> {
    if (opts.phone && !opts.q && !opts.tier && !opts.cursor) return this.byPhonePage(opts.phone, opts.limit);
    const where: Array<string | null> = [];
    const params: unknown[] = [];
    if (opts.phone) { params.push(opts.phone); where.push(ownsNumber(CUSTOMER_PHONES, 'id', `$${params.length}`)); }
    if (opts.tier) { params.push(opts.tier); where.push(`tier = $${params.length}`); }
    if (opts.q) {
      params.push(containsPattern(opts.q));
      const p = `$${params.length}`;
      where.push(`(lower(name) LIKE ${p} OR lower(coalesce(company,'')) LIKE ${p} OR lower(coalesce(email,'')) LIKE ${p} OR ${numberLike(CUSTOMER_PHONES, 'id', p)})`);
    }
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params));
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(
      `SELECT ${COLS} FROM customers ${whereClause(where)} ORDER BY created_at, id LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }

  /** The common screen-pop/CRM lookup `?phone=` alone: one index probe and a join. */
  private async byPhonePage(key: string, limit: number): Promise<{ items: Customer[]; next: string | null }> {
    const cols = COLS.split(', ').map((c) => `c.${c}`).join(', ');
    const r = await this.db.query<Row>(
      `SELECT ${cols} FROM customer_phones p JOIN customers c ON c.id = p.customer_id WHERE p.number = $1 ORDER BY c.created_at, c.id LIMIT $2`,
      [key, limit + 1]);
    const p = page(r.rows, limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }
}
