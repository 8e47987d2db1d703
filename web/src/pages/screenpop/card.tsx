/**
 * A customer as a screen pop shows it: the layout's groups of fields, in
 * order. Used by the screen-pop editor's preview and the agent desk.
 */
import { fmtPhone, t, type MessageKey } from '../../i18n.ts';
import { CARD_FIELD_DEFS, showValue, valueAt, type CustomFieldDef } from '../crm/card-fields.ts';

/** Which customer fields a screen pop shows (as GET /screenpop-layouts returns it). */
export interface ScreenpopLayout {
  groups: Array<{ title: string; fields: string[] }>;
  /** How many recent interactions the pop lists (0 = none). */
  interactions: number;
}

/**
 * The customer fields the card can show. Loosely typed on purpose: a customer
 * from GET /customers, from a call event or from the screen pop all fit; the
 * card checks each value as it shows it.
 */
export interface CardCustomer {
  id?: unknown;
  name?: unknown;
  company?: unknown;
  title?: unknown;
  email?: unknown;
  address?: unknown;
  /** `[{ number: E.164, label? }]` */
  phones?: unknown;
  tier?: unknown;
  tags?: unknown;
  status?: unknown;
  transactionStatus?: unknown;
  notes?: unknown;
  attributes?: unknown;
  ownerId?: unknown;
  basic?: unknown;
  characteristics?: unknown;
  business?: unknown;
  transaction?: unknown;
  custom?: unknown;
}

/** The built-in customer fields a layout may name, in the order the editor offers them. */
/** The built-in layout's group titles (stored in English) shown in the console's language. */
const BUILTIN_TITLES: Record<string, MessageKey> = { Customer: 'sp.builtin.customer', Account: 'sp.builtin.account' };
const groupTitle = (title: string): string => (BUILTIN_TITLES[title] ? t(BUILTIN_TITLES[title]) : title);

const OWN_FIELDS = ['name', 'company', 'title', 'phones', 'email', 'address', 'tier', 'tags', 'status', 'transactionStatus', 'notes'] as const;
export const CARD_FIELDS: readonly string[] = [...OWN_FIELDS, 'ownerId', ...CARD_FIELD_DEFS.map((d) => d.path)];

/** The label of a layout field: `t('field.<name>')`, the info card's label, a custom field's label, or the key of `attributes.<key>`. */
export function fieldLabel(field: string, custom: readonly CustomFieldDef[] = []): string {
  if (field.startsWith('attributes.')) return field.slice('attributes.'.length);
  if (field.startsWith('custom.')) return custom.find((f) => `custom.${f.key}` === field)?.label ?? field.slice('custom.'.length);
  if (field === 'ownerId') return t('crm.f.ownerId');
  const def = CARD_FIELD_DEFS.find((d) => d.path === field);
  if (def) return t(def.label);
  return (OWN_FIELDS as readonly string[]).includes(field) ? t(`field.${field}` as MessageKey) : field;
}

const empty = <span class="muted">–</span>;

function attributeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function phonesOf(v: unknown): Array<{ number: string; label: string }> {
  if (!Array.isArray(v)) return [];
  return v.flatMap((p: unknown) => {
    if (typeof p === 'string') return [{ number: p, label: '' }];
    if (p && typeof p === 'object' && typeof (p as { number?: unknown }).number === 'string') {
      return [{ number: (p as { number: string }).number, label: text((p as { label?: unknown }).label) }];
    }
    return [];
  });
}

function value(customer: CardCustomer, field: string) {
  if (field.startsWith('custom.') || field === 'ownerId') {
    const s = attributeText(valueAt(customer, field));
    return s || empty;
  }
  const def = CARD_FIELD_DEFS.find((d) => d.path === field);
  if (def) return showValue(def, valueAt(customer, field)) || empty;
  if (field.startsWith('attributes.')) {
    const attrs = customer.attributes && typeof customer.attributes === 'object' ? (customer.attributes as Record<string, unknown>) : {};
    const s = attributeText(attrs[field.slice('attributes.'.length)]);
    return s || empty;
  }
  switch (field) {
    case 'phones': {
      const phones = phonesOf(customer.phones);
      if (phones.length === 0) return empty;
      return (
        <ul class="plain phones">
          {phones.map((p) => <li><span class="phone">{fmtPhone(p.number)}</span>{p.label && <span class="muted small"> {p.label}</span>}</li>)}
        </ul>
      );
    }
    case 'tags': {
      const tags = Array.isArray(customer.tags) ? customer.tags.map(text).filter(Boolean) : [];
      return tags.length ? <span class="tags">{tags.map((x) => <span class="badge">{x}</span>)}</span> : empty;
    }
    case 'tier': {
      const tier = text(customer.tier);
      return tier ? <span class={`badge tier tier-${tier}`}>{tier}</span> : empty;
    }
    case 'email': {
      const email = text(customer.email);
      return email ? <a href={`mailto:${email}`}>{email}</a> : empty;
    }
    case 'name': {
      const name = text(customer.name);
      return name ? <strong class="customer-name-field">{name}</strong> : empty;
    }
    case 'company': case 'title': case 'address': case 'status': case 'transactionStatus': case 'notes': {
      const v = text(customer[field]);
      return v ? <span class={field === 'notes' || field === 'address' ? 'pre' : ''}>{v}</span> : empty;
    }
    default:
      return empty;
  }
}

/** The customer laid out as `layout` says: one `<dl class="fields">` per group. */
export function CustomerCard({ customer, layout, fields = [] }: { customer: CardCustomer; layout: ScreenpopLayout; fields?: readonly CustomFieldDef[] }) {
  return (
    <div class="customer-card" data-testid="customer-card">
      {layout.groups.map((g) => (
        <div class="card-group">
          <h3>{groupTitle(g.title)}</h3>
          <dl class="fields">
            {g.fields.map((f) => <><dt>{fieldLabel(f, fields)}</dt><dd data-field={f}>{value(customer, f)}</dd></>)}
          </dl>
        </div>
      ))}
    </div>
  );
}
