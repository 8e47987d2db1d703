import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';
import { addPhonesMany, CUSTOMER_PHONES, ownsNumber, setPhones, takenNumbers } from '../phones.ts';
import { KefuError } from '../../core/errors.ts';
import { patchSets } from '../sql.ts';
import type { Customer, CustomerInput } from '../../core/crm/records.ts';
import { CUSTOMER_COLS, GROUP_COLS, customerToApi, type CustomerRow } from './customer-row.ts';
import { duplicateGroups, rosterAll, rosterPage, type DuplicateGroup, type RosterFilter, type RosterQuery } from './customer-roster.ts';
import { mergeCustomerRecords, type MergeResult } from './customer-merge.ts';
export type { Phone, Customer, CustomerInput } from '../../core/crm/records.ts';

const FIELDS = [
  ['name', 'name'], ['company', 'company'], ['title', 'title'], ['email', 'email'], ['address', 'address'],
  ['tier', 'tier'], ['tags', 'tags'], ['status', 'status'], ['transactionStatus', 'transaction_status'], ['notes', 'notes'],
  ['ownerId', 'owner_id'], ['phones', 'phones', '::jsonb'], ['attributes', 'attributes', '::jsonb'],
] as const;

export class CustomerRepo {
  constructor(private readonly db: Db) {}

  async create(input: CustomerInput & { name: string }): Promise<Customer> {
    const phones = input.phones ?? [];
    return this.db.transaction(async (tx) => {
      const r = await tx.query<CustomerRow>(
        `INSERT INTO customers(id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes,
           owner_id, card_basic, card_characteristics, card_business, card_transaction, custom)
         VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb,$8,$9::text[],$10,$11,$12,$13::jsonb,$14,
           jsonb_strip_nulls($15::jsonb),jsonb_strip_nulls($16::jsonb),jsonb_strip_nulls($17::jsonb),jsonb_strip_nulls($18::jsonb),jsonb_strip_nulls($19::jsonb))
         RETURNING ${CUSTOMER_COLS}`,
        [randomUUID(), input.name, input.company ?? null, input.title ?? null, input.email ?? null, input.address ?? null,
          JSON.stringify(phones), input.tier ?? null, input.tags ?? [], input.status ?? null,
          input.transactionStatus ?? null, input.notes ?? null, JSON.stringify(input.attributes ?? {}), input.ownerId ?? null,
          ...GROUP_COLS.map(([k]) => JSON.stringify(input[k] ?? {}))],
      );
      await setPhones(tx, CUSTOMER_PHONES, r.rows[0]!.id, phones.map((p) => p.number));
      return customerToApi(r.rows[0]!);
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
    const r = await this.db.query<CustomerRow>(`SELECT ${CUSTOMER_COLS} FROM customers WHERE id = $1`, [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
    return customerToApi(r.rows[0]);
  }

  /**
   * Patch: only the given fields change. The card groups and custom values
   * are merged key by key (null removes a key) unless `replaceGroups`, when
   * a given group replaces the stored one (PUT).
   */
  async update(id: string, input: CustomerInput, opts: { replaceGroups?: boolean } = {}): Promise<Customer> {
    const params: unknown[] = [id];
    const sets = patchSets(input, FIELDS, params);
    for (const [key, col] of GROUP_COLS) {
      const v = input[key];
      if (v === undefined) continue;
      params.push(JSON.stringify(v));
      sets.push(opts.replaceGroups ? `${col} = jsonb_strip_nulls($${params.length}::jsonb)` : `${col} = jsonb_strip_nulls(${col} || $${params.length}::jsonb)`);
    }
    sets.push('updated_at = now()');
    const phones = input.phones;
    return this.db.transaction(async (tx) => {
      const r = await tx.query<CustomerRow>(`UPDATE customers SET ${sets.join(', ')} WHERE id = $1 RETURNING ${CUSTOMER_COLS}`, params);
      if (!r.rows[0]) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
      if (phones !== undefined) await setPhones(tx, CUSTOMER_PHONES, id, phones.map((p) => p.number));
      return customerToApi(r.rows[0]);
    });
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM customers WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `customer ${id} not found`);
  }

  /** The customer owning a normalised number (the most recently updated if several). */
  async findByPhone(key: string): Promise<Customer | null> {
    const r = await this.db.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLS} FROM customers WHERE ${ownsNumber(CUSTOMER_PHONES, 'id', '$1')} ORDER BY updated_at DESC LIMIT 1`, [key]);
    return r.rows[0] ? customerToApi(r.rows[0]) : null;
  }

  /** The roster: search, filters, sort, keyset pages (see customer-roster.ts). */
  list(q: RosterQuery): Promise<{ items: Customer[]; next: string | null }> { return rosterPage(this.db, q); }

  /** Every customer of a filter (exports), at most `max`; `more` when there were more. */
  all(f: RosterFilter & Pick<RosterQuery, 'sort' | 'order'>, max: number): Promise<{ items: Customer[]; more: boolean }> { return rosterAll(this.db, f, max); }

  /** Numbers owned by more than one customer (merge candidates). */
  duplicates(opts: { limit: number; cursor?: string | undefined }): Promise<{ items: DuplicateGroup[]; next: string | null }> { return duplicateGroups(this.db, opts); }

  /** Merges `from` into `into` (see customer-merge.ts); `by` names who did it for the timeline note. */
  merge(into: string, from: readonly string[], by: string | null): Promise<MergeResult> { return mergeCustomerRecords(this.db, into, from, by); }
}
