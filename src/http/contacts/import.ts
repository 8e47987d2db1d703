/** Turns parsed import files into address-book entries or customers: numbers normalised, duplicates skipped. */
import type { ContactDraft, ParsedImport } from '../../core/crm/contact.ts';
import { KefuError } from '../../core/errors.ts';
import type { Phone } from '../../db/repos/customers.ts';
import type { NumberService } from '../../services/numbers.ts';
import { contactsFromCsv } from '../../core/crm/contacts-csv.ts';
import { contactsFromVcard } from '../../core/crm/vcard.ts';
import type { FastifyInstance } from 'fastify';
import { ImportBody, VCARD_TYPES } from './schemas.ts';

/** Lets a route plugin take CSV and vCard files as request bodies (kept as text). */
export function acceptImportFiles(app: Pick<FastifyInstance, 'addContentTypeParser'>): void {
  app.addContentTypeParser(['text/csv', 'application/csv', ...VCARD_TYPES], { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

/** The OpenAPI body of an import route: the file under each content type it takes. */
export const importBodySchema = { content: Object.fromEntries(['text/csv', ...VCARD_TYPES].map((t) => [t, { schema: ImportBody }])) };

/** An import request's body as parsed records: vCard by its content type (or a text/plain file that starts like one), else CSV. */
export function parseImportBody(body: unknown, contentType: string | undefined): ParsedImport {
  if (typeof body !== 'string') throw new KefuError('BAD_REQUEST', 'body: expected a file with Content-Type text/csv or text/vcard', { field: 'body' });
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const vcard = VCARD_TYPES.includes(type) || (type === 'text/plain' && /^\ufeff?\s*BEGIN:VCARD/i.test(body));
  return vcard ? contactsFromVcard(body) : contactsFromCsv(body);
}

/** Where imported people go: the address book, or the customers (groups become tags). */
export interface ImportTarget {
  findByPhone(number: string): Promise<unknown>;
  create(person: ContactDraft & { phones: Phone[] }): Promise<unknown>;
}

export interface ImportOutcome { imported: number; skipped: number; errors: Array<{ line: number; message: string }> }

const LIMITS: Array<[keyof ContactDraft, number]> = [['name', 200], ['company', 200], ['title', 200], ['email', 320], ['address', 500], ['notes', 10_000]];

function tooLong(c: ContactDraft): string | null {
  for (const [field, max] of LIMITS) {
    const v = c[field];
    if (typeof v === 'string' && v.length > max) return `${field} is longer than ${max} characters`;
  }
  if (c.phones.length > 20) return 'more than 20 phone numbers';
  if (c.groups.length > 50 || c.groups.some((g) => g.length > 60)) return 'more than 50 groups, or a group name longer than 60 characters';
  return null;
}

/**
 * Creates the parsed records one by one. A record with a bad number is
 * reported and skipped; one whose number is already there (or earlier in the
 * file) is skipped without an error, so a file can be imported twice.
 */
export async function importPeople(parsed: ParsedImport, repo: ImportTarget, numbers: NumberService): Promise<ImportOutcome> {
  if (parsed.fatal) throw new KefuError('BAD_REQUEST', `body: ${parsed.fatal}`, { field: 'body' });
  const errors = [...parsed.errors];
  let imported = 0;
  let skipped = parsed.errors.length;
  const seen = new Set<string>();
  for (const { line, contact } of parsed.contacts) {
    let phones: Phone[];
    try {
      phones = contact.phones.map((p, i) => ({ number: numbers.require(p.number, `phone ${i + 1}`), ...(p.label ? { label: p.label } : {}) }));
      const problem = tooLong(contact);
      if (problem) throw new KefuError('BAD_REQUEST', problem);
    } catch (e) {
      errors.push({ line, message: e instanceof Error ? e.message : String(e) });
      skipped++;
      continue;
    }
    const unique = phones.filter((p, i) => phones.findIndex((q) => q.number === p.number) === i);
    let duplicate = unique.some((p) => seen.has(p.number));
    for (const p of unique) {
      if (duplicate) break;
      duplicate = (await repo.findByPhone(p.number)) !== null;
    }
    for (const p of unique) seen.add(p.number);
    if (duplicate) { skipped++; continue; }
    await repo.create({ ...contact, phones: unique });
    imported++;
  }
  errors.sort((a, b) => a.line - b.line);
  return { imported, skipped, errors };
}
