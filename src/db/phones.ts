/**
 * Phone numbers of customers and contacts live in side tables keyed by the
 * normalised number (btree), so a caller-ID lookup is one index probe however
 * many records there are. The table and column names are constants.
 */
import type { Queryable } from './types.ts';

export interface PhoneTable { table: 'customer_phones' | 'contact_phones'; owner: 'customer_id' | 'contact_id' }
export const CUSTOMER_PHONES: PhoneTable = { table: 'customer_phones', owner: 'customer_id' };
export const CONTACT_PHONES: PhoneTable = { table: 'contact_phones', owner: 'contact_id' };

/** Replace the numbers of one owner. */
export async function setPhones(q: Queryable, t: PhoneTable, ownerId: string, numbers: readonly string[]): Promise<void> {
  await q.query(`DELETE FROM ${t.table} WHERE ${t.owner} = $1`, [ownerId]);
  const keys = [...new Set(numbers.filter((n) => n !== ''))];
  if (keys.length) await q.query(`INSERT INTO ${t.table}(number, ${t.owner}) SELECT unnest($2::text[]), $1`, [ownerId, keys]);
}

/** Of these numbers, those some owner already has. */
export async function takenNumbers(q: Queryable, t: PhoneTable, numbers: readonly string[]): Promise<Set<string>> {
  if (!numbers.length) return new Set();
  const r = await q.query<{ number: string }>(`SELECT DISTINCT number FROM ${t.table} WHERE number = ANY($1::text[])`, [numbers]);
  return new Set(r.rows.map((x) => x.number));
}

/** Adds (number, owner) pairs in one statement. */
export async function addPhonesMany(q: Queryable, t: PhoneTable, pairs: ReadonlyArray<{ ownerId: string; numbers: readonly string[] }>): Promise<void> {
  const nums: string[] = [];
  const owners: string[] = [];
  for (const p of pairs) for (const n of new Set(p.numbers)) if (n !== '') { nums.push(n); owners.push(p.ownerId); }
  if (nums.length) await q.query(`INSERT INTO ${t.table}(number, ${t.owner}) SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING`, [nums, owners]);
}

/** SQL condition: the row whose id is `idExpr` owns the number in parameter `param` (e.g. "$1"). */
export const ownsNumber = (t: PhoneTable, idExpr: string, param: string): string =>
  `${idExpr} IN (SELECT ${t.owner} FROM ${t.table} WHERE number = ${param})`;

/** SQL condition: one of the row's numbers matches the LIKE pattern in `param`. */
export const numberLike = (t: PhoneTable, idExpr: string, param: string): string =>
  `EXISTS (SELECT 1 FROM ${t.table} p WHERE p.${t.owner} = ${idExpr} AND p.number LIKE ${param})`;
