/** The customers row and its API form, shared by the customer repositories. */
import type { Customer, Phone } from '../../core/crm/records.ts';
import type { CustomValue } from '../../core/crm/custom-fields.ts';

export interface CustomerRow {
  id: string; name: string; company: string | null; title: string | null; email: string | null; address: string | null;
  phones: Phone[]; tier: string | null; tags: string[]; status: string | null; transaction_status: string | null;
  notes: string | null; attributes: Record<string, unknown>; owner_id: string | null;
  card_basic: Record<string, unknown>; card_characteristics: Record<string, unknown>; card_business: Record<string, unknown>; card_transaction: Record<string, unknown>;
  custom: Record<string, CustomValue>; created_at: Date; updated_at: Date;
}

export const CUSTOMER_COLS = 'id, name, company, title, email, address, phones, tier, tags, status, transaction_status, notes, attributes, owner_id, '
  + 'card_basic, card_characteristics, card_business, card_transaction, custom, created_at, updated_at';

/** The columns with a table alias (`c.id, c.name…`). */
export const customerCols = (alias: string): string => CUSTOMER_COLS.split(', ').map((c) => `${alias}.${c}`).join(', ');

export const customerToApi = (r: CustomerRow): Customer => ({
  id: r.id, name: r.name, company: r.company, title: r.title, email: r.email, address: r.address,
  phones: r.phones, tier: r.tier, tags: r.tags, status: r.status, transactionStatus: r.transaction_status,
  notes: r.notes, attributes: r.attributes, ownerId: r.owner_id,
  basic: r.card_basic, characteristics: r.card_characteristics, business: r.card_business, transaction: r.card_transaction,
  custom: r.custom, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

/** The card groups: API name → column. */
export const GROUP_COLS = [['basic', 'card_basic'], ['characteristics', 'card_characteristics'], ['business', 'card_business'], ['transaction', 'card_transaction'], ['custom', 'custom']] as const;
