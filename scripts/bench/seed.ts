import type { Db } from '../../src/db/types.ts';

/** n customers with mobiles +86139xxxxxxxx (i = 1..n), in one statement. */
export async function seedCustomers(db: Db, n: number): Promise<void> {
  await db.query(
    `INSERT INTO customers(id, name, phones, tier)
     SELECT md5('customer' || i)::uuid, 'Customer ' || i,
            jsonb_build_array(jsonb_build_object('number', '+86139' || lpad(i::text, 8, '0'), 'label', 'mobile')),
            CASE WHEN i % 10 = 0 THEN 'vip' ELSE 'regular' END
     FROM generate_series(1, $1::int) AS i`, [n]);
  await db.query(
    `INSERT INTO customer_phones(number, customer_id)
     SELECT '+86139' || lpad(i::text, 8, '0'), md5('customer' || i)::uuid FROM generate_series(1, $1::int) AS i`, [n]);
  await db.query('ANALYZE customers');
  await db.query('ANALYZE customer_phones');
}

/** The national written form of seeded customer i, e.g. "139 0000 0042". */
export const seededNumber = (i: number): string => {
  const d = `139${String(i).padStart(8, '0')}`;
  return `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`;
};
