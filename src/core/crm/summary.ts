/**
 * What an event says about a customer: enough for the screen pop to paint the
 * card at once (the console then loads the full record and its layout), and
 * never more than a few KiB, however large the record is. `call.ringing` and
 * `screenpop` carry this, not the record.
 */
export interface CustomerSummary {
  id: string;
  name: string;
  company: string | null;
  title: string | null;
  email: string | null;
  phones: Array<{ number: string; label?: string }>;
  tier: string | null;
  tags: string[];
  status: string | null;
  /** Scalar attributes only, the first MAX_ATTRIBUTES, texts cut to MAX_TEXT characters. */
  attributes: Record<string, string | number | boolean | null>;
  /** True when something was left out or cut: the full record is GET /customers/{id}. */
  truncated: boolean;
}

/** The record fields the summary reads (a Customer has them all). */
export interface SummarisableCustomer {
  id: string; name: string; company: string | null; title: string | null; email: string | null;
  phones: Array<{ number: string; label?: string }>; tier: string | null; tags: string[]; status: string | null;
  attributes: Record<string, unknown>;
}

const MAX_TEXT = 200;
const MAX_TAGS = 20;
const MAX_PHONES = 5;
const MAX_ATTRIBUTES = 20;

export function customerSummary(c: SummarisableCustomer): CustomerSummary {
  let truncated = false;
  const cut = (s: string | null): string | null => {
    if (s === null || s.length <= MAX_TEXT) return s;
    truncated = true;
    return `${s.slice(0, MAX_TEXT - 1)}…`;
  };
  const attributes: CustomerSummary['attributes'] = {};
  let n = 0;
  for (const [k, v] of Object.entries(c.attributes ?? {})) {
    const scalar = v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
    if (!scalar || n >= MAX_ATTRIBUTES || k.length > MAX_TEXT) { truncated = true; continue; }
    attributes[k] = typeof v === 'string' ? cut(v) : v;
    n++;
  }
  if (c.tags.length > MAX_TAGS || c.phones.length > MAX_PHONES) truncated = true;
  return {
    id: c.id, name: cut(c.name) ?? '', company: cut(c.company), title: cut(c.title), email: cut(c.email),
    phones: c.phones.slice(0, MAX_PHONES).map((p) => ({ number: p.number, ...(p.label ? { label: cut(p.label) ?? '' } : {}) })),
    tier: cut(c.tier), tags: c.tags.slice(0, MAX_TAGS).map((t) => cut(t) ?? ''), status: cut(c.status),
    attributes, truncated,
  };
}
