/**
 * Merging duplicate customers in one transaction: every row of every table
 * with a foreign key to customers(id) is re-pointed at the survivor (the
 * tables are read from the catalogue, so a table a later migration adds is
 * covered too), the survivor takes the merged fields, the others are
 * deleted and the survivor's timeline gets a note.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../types.ts';
import { CUSTOMER_PHONES, setPhones } from '../phones.ts';
import { KefuError } from '../../core/errors.ts';
import { classifyDbError } from '../errors.ts';
import { mergeCustomers } from '../../core/crm/merge.ts';
import type { Customer } from '../../core/crm/records.ts';
import { CUSTOMER_COLS, customerToApi, type CustomerRow } from './customer-row.ts';

export interface MergeResult {
  customer: Customer;
  /** The merged (now deleted) customer ids. */
  merged: string[];
  /** Rows re-pointed at the survivor, by "table.column". */
  moved: Record<string, number>;
}

/** Every single-column foreign key to customers(id): schema, table, column. */
export async function customerReferences(q: Queryable): Promise<Array<{ schema: string; table: string; column: string }>> {
  const r = await q.query<{ schema: string; table: string; column: string }>(
    `SELECT ns.nspname AS schema, cl.relname AS table, a.attname AS column
     FROM pg_constraint c
     JOIN pg_class cl ON cl.oid = c.conrelid
     JOIN pg_namespace ns ON ns.oid = cl.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     WHERE c.contype = 'f' AND c.confrelid = 'customers'::regclass AND cardinality(c.conkey) = 1
     ORDER BY cl.relname, a.attname`);
  return r.rows;
}

const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`;

export async function mergeCustomerRecords(db: Db, into: string, from: readonly string[], by: string | null): Promise<MergeResult> {
  return db.transaction(async (tx) => {
    const ids = [into, ...from];
    const r = await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLS} FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    const found = new Map(r.rows.map((x) => [x.id, customerToApi(x)]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw new KefuError('NOT_FOUND', `customer ${missing.join(', ')} not found`, { ids: missing });
    const survivor = found.get(into)!;
    const others = from.map((id) => found.get(id)!);
    const merged = mergeCustomers(survivor, others);

    const moved: Record<string, number> = {};
    for (const ref of await customerReferences(tx)) {
      if (ref.schema === 'public' && ref.table === CUSTOMER_PHONES.table) continue;
      const name = `${ref.table}.${ref.column}`;
      try {
        const u = await tx.query(`UPDATE ${ident(ref.schema)}.${ident(ref.table)} SET ${ident(ref.column)} = $1 WHERE ${ident(ref.column)} = ANY($2::uuid[])`, [into, [...from]]);
        moved[name] = u.rowCount;
      } catch (e) {
        const k = classifyDbError(e);
        if (k.code === 'CONFLICT') throw new KefuError('CONFLICT', `cannot merge: ${name} has rows for more than one of these customers that must stay apart`, { table: ref.table, column: ref.column }, { cause: e });
        throw k;
      }
    }
    await tx.query('DELETE FROM customers WHERE id = ANY($1::uuid[])', [[...from]]);
    const u = await tx.query<CustomerRow>(
      `UPDATE customers SET company = $2, title = $3, email = $4, address = $5, tier = $6, status = $7, transaction_status = $8, notes = $9,
         owner_id = $10, phones = $11::jsonb, tags = $12::text[], attributes = $13::jsonb, card_basic = $14::jsonb, card_characteristics = $15::jsonb,
         card_business = $16::jsonb, card_transaction = $17::jsonb, custom = $18::jsonb, updated_at = now()
       WHERE id = $1 RETURNING ${CUSTOMER_COLS}`,
      [into, merged.company, merged.title, merged.email, merged.address, merged.tier, merged.status, merged.transactionStatus, merged.notes,
        merged.ownerId, JSON.stringify(merged.phones), merged.tags, JSON.stringify(merged.attributes), JSON.stringify(merged.basic),
        JSON.stringify(merged.characteristics), JSON.stringify(merged.business), JSON.stringify(merged.transaction), JSON.stringify(merged.custom)]);
    await setPhones(tx, CUSTOMER_PHONES, into, merged.phones.map((p) => p.number));
    const names = others.map((o) => `${o.name} (${o.id})`).join(', ');
    await tx.query(
      `INSERT INTO interactions(id, customer_id, kind, summary, data, at) VALUES ($1, $2, 'note', $3, $4::jsonb, now())`,
      [randomUUID(), into, `Merged ${others.length} duplicate record${others.length === 1 ? '' : 's'} into this customer: ${names}`.slice(0, 10_000),
        JSON.stringify({ merge: { from: others.map((o) => ({ id: o.id, name: o.name })), moved, by } })]);
    return { customer: customerToApi(u.rows[0]!), merged: [...from], moved };
  });
}
