/**
 * SMS templates: `{{name}}`, `{{company}}`, `{{title}}`, `{{email}}`,
 * `{{number}}` and `{{attributes.KEY}}` filled from the recipient's customer
 * record. Pure.
 */
export interface TemplateFields {
  name: string; company: string | null; title: string | null; email: string | null; attributes: Record<string, unknown>;
}

const FIELD = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_-]+)?)\s*\}\}/g;
const KNOWN = new Set(['name', 'company', 'title', 'email', 'number']);

/** The placeholders a template uses; unknown ones are named in the error. */
export function templateFields(template: string): { fields: string[]; unknown: string[] } {
  const fields = [...template.matchAll(FIELD)].map((m) => m[1]!);
  return { fields, unknown: fields.filter((f) => !KNOWN.has(f) && !f.startsWith('attributes.')) };
}

/** True when the template needs a customer record (uses any field besides {{number}}). */
export const needsCustomer = (template: string): boolean => templateFields(template).fields.some((f) => f !== 'number');

/** Fills the template; a field the record lacks becomes empty. */
export function renderTemplate(template: string, number: string, c: TemplateFields | null): string {
  return template.replace(FIELD, (_m, f: string) => {
    if (f === 'number') return number;
    if (!c) return '';
    if (f.startsWith('attributes.')) {
      const v = c.attributes[f.slice('attributes.'.length)];
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
    }
    const v = c[f as 'name' | 'company' | 'title' | 'email'];
    return v ?? '';
  });
}
