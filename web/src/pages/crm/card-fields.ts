/**
 * The customer info card's fields (客户信息卡) as the console shows and edits
 * them, and the admin's custom fields. The screen pop names them by path
 * (`basic.kind`, `transaction.credit.limit`, `custom.<key>`).
 */
import { t, type MessageKey } from '../../i18n.ts';

export type CardGroup = 'basic' | 'characteristics' | 'business' | 'transaction';
export const CARD_GROUPS: readonly CardGroup[] = ['basic', 'characteristics', 'business', 'transaction'];
export type FieldKind = 'text' | 'long' | 'date' | 'number' | 'integer' | 'boolean' | 'choice';

export interface CardFieldDef { group: CardGroup; path: string; label: MessageKey; kind: FieldKind; options?: readonly string[] }

const f = (group: CardGroup, key: string, kind: FieldKind = 'text', options?: readonly string[], label?: MessageKey): CardFieldDef =>
  ({ group, path: `${group}.${key}`, label: label ?? (`crm.f.${key}` as MessageKey), kind, ...(options ? { options } : {}) });

export const CARD_FIELD_DEFS: readonly CardFieldDef[] = [
  f('basic', 'kind', 'choice', ['company', 'person']), f('basic', 'legalRepresentative'), f('basic', 'founded', 'date'), f('basic', 'relationshipSince', 'date'),
  f('characteristics', 'region'), f('characteristics', 'salesCapacity'), f('characteristics', 'potential', 'choice', ['high', 'medium', 'low']),
  f('characteristics', 'industry'), f('characteristics', 'source'), f('characteristics', 'size'),
  f('business', 'scale'), f('business', 'sales'), f('business', 'relationship', 'choice', ['close', 'good', 'normal', 'poor']),
  f('business', 'attitude', 'choice', ['positive', 'neutral', 'negative']),
  f('transaction', 'currentOrders', 'integer'), f('transaction', 'issues', 'long'), f('transaction', 'terms', 'long'),
  f('transaction', 'credit.limit', 'number', undefined, 'crm.f.creditLimit'), f('transaction', 'credit.rating', 'choice', ['AAA', 'AA', 'A', 'B', 'C', 'D'], 'crm.f.creditRating'),
  f('transaction', 'credit.overdue', 'boolean', undefined, 'crm.f.creditOverdue'),
];

/** A custom field as GET /customers/fields returns it. */
export interface CustomFieldDef { key: string; label: string; type: 'text' | 'number' | 'date' | 'choice'; options: string[]; position: number }

/** The value at a dotted path of an object, or undefined. */
export function valueAt(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** A stored value as text for the card. */
export function showValue(def: Pick<CardFieldDef, 'kind'>, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (def.kind === 'boolean') return v === true ? t('crm.overdue') : t('crm.notOverdue');
  if (typeof v === 'number') return v.toLocaleString();
  return String(v);
}

export const groupTitle = (g: CardGroup): string => t(`crm.group.${g}` as MessageKey);
