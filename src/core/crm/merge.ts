/**
 * Merging duplicate customers: what the surviving record becomes. Pure; the
 * repository moves the rows that point at the merged customers.
 */
import { fillGroup } from './card.ts';
import type { Customer, Phone } from './records.ts';

const SCALARS = ['company', 'title', 'email', 'address', 'tier', 'status', 'transactionStatus', 'notes', 'ownerId'] as const;
export type MergedFields = Pick<Customer, typeof SCALARS[number] | 'phones' | 'tags' | 'attributes' | 'basic' | 'characteristics' | 'business' | 'transaction' | 'custom'>;

/**
 * The survivor after merging `others` into it, in their order: phones and
 * tags are the union (the survivor's first), an empty field is filled from
 * the first merged record that has it, and so is every missing key of the
 * card groups, the custom values and the attributes. The survivor's own
 * values always win.
 */
export function mergeCustomers(into: Customer, others: readonly Customer[]): MergedFields {
  const out: MergedFields = {
    company: into.company, title: into.title, email: into.email, address: into.address, tier: into.tier, status: into.status,
    transactionStatus: into.transactionStatus, notes: into.notes, ownerId: into.ownerId,
    phones: [...into.phones], tags: [...into.tags], attributes: { ...into.attributes },
    basic: { ...into.basic }, characteristics: { ...into.characteristics }, business: { ...into.business }, transaction: { ...into.transaction },
    custom: { ...into.custom },
  };
  const numbers = new Set(out.phones.map((p) => p.number));
  for (const o of others) {
    for (const k of SCALARS) if (out[k] === null || out[k] === '') out[k] = o[k];
    for (const p of o.phones) if (!numbers.has(p.number)) { numbers.add(p.number); out.phones.push(p satisfies Phone); }
    for (const t of o.tags) if (!out.tags.includes(t)) out.tags.push(t);
    out.attributes = { ...o.attributes, ...out.attributes };
    out.custom = { ...o.custom, ...out.custom };
    out.basic = fillGroup(out.basic, o.basic);
    out.characteristics = fillGroup(out.characteristics, o.characteristics);
    out.business = fillGroup(out.business, o.business);
    out.transaction = fillGroup(out.transaction, o.transaction);
  }
  return out;
}
