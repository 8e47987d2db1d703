/**
 * The roster as a table for export: one header row, one row per customer,
 * the card's groups flattened (credit as three columns), then one column per
 * custom field. Cells are text, numbers or empty; the writers (CSV, XLSX)
 * decide how to encode them.
 */
import type { Customer } from './records.ts';
import type { CustomField } from './custom-fields.ts';

export type Cell = string | number | null;

const str = (v: unknown): Cell => (v === undefined || v === null ? null : typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

const COLUMNS: Array<[string, (c: Customer) => Cell]> = [
  ['id', (c) => c.id], ['name', (c) => c.name], ['company', (c) => c.company], ['title', (c) => c.title],
  ['phones', (c) => c.phones.map((p) => p.number).join('; ')], ['email', (c) => c.email], ['address', (c) => c.address],
  ['tier', (c) => c.tier], ['tags', (c) => c.tags.join('; ')], ['status', (c) => c.status], ['transactionStatus', (c) => c.transactionStatus],
  ['ownerId', (c) => c.ownerId],
  ['kind', (c) => str(c.basic.kind)], ['legalRepresentative', (c) => str(c.basic.legalRepresentative)],
  ['founded', (c) => str(c.basic.founded)], ['relationshipSince', (c) => str(c.basic.relationshipSince)],
  ['region', (c) => str(c.characteristics.region)], ['salesCapacity', (c) => str(c.characteristics.salesCapacity)],
  ['potential', (c) => str(c.characteristics.potential)], ['industry', (c) => str(c.characteristics.industry)],
  ['source', (c) => str(c.characteristics.source)], ['size', (c) => str(c.characteristics.size)],
  ['scale', (c) => str(c.business.scale)], ['sales', (c) => str(c.business.sales)],
  ['relationship', (c) => str(c.business.relationship)], ['attitude', (c) => str(c.business.attitude)],
  ['currentOrders', (c) => str(c.transaction.currentOrders)], ['issues', (c) => str(c.transaction.issues)], ['terms', (c) => str(c.transaction.terms)],
  ['creditLimit', (c) => str(c.transaction.credit?.limit)], ['creditRating', (c) => str(c.transaction.credit?.rating)],
  ['creditOverdue', (c) => str(c.transaction.credit?.overdue)],
  ['notes', (c) => c.notes],
];

const TAIL: Array<[string, (c: Customer) => Cell]> = [['createdAt', (c) => c.createdAt], ['updatedAt', (c) => c.updatedAt]];

/** Header and rows. Custom columns are headed `custom.<key>` (the label would not be unique). */
export function rosterTable(customers: readonly Customer[], fields: readonly CustomField[]): { header: string[]; rows: Cell[][] } {
  const cols: Array<[string, (c: Customer) => Cell]> = [
    ...COLUMNS,
    ...fields.map((f): [string, (c: Customer) => Cell] => [`custom.${f.key}`, (c) => str(c.custom[f.key])]),
    ...TAIL,
  ];
  return { header: cols.map(([h]) => h), rows: customers.map((c) => cols.map(([, get]) => get(c))) };
}
