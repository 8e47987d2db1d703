/**
 * Customer and contact imports: records read lazily from the file, numbers
 * normalised, duplicates skipped, written `batchSize` at a time in one
 * transaction each, yielding to the event loop between slices.
 */
import type { ContactDraft, ImportReader } from '../../core/crm/contact.ts';
import { KefuError } from '../../core/errors.ts';
import type { Phone } from '../../core/crm/records.ts';
import type { NumberService } from '../numbers.ts';
import { checkRowCap, MAX_LISTED_ERRORS, Slicer, type ImportLimits, type ImportProgress } from './slices.ts';

/** A record ready to be written: numbers normalised and de-duplicated. */
export type ImportPerson = Omit<ContactDraft, 'phones'> & { phones: Phone[] };

/** Where imported people go: the address book, or the customers (groups become tags). */
export interface ImportTarget {
  /** Of these normalised numbers, those a stored record already has. */
  taken(numbers: readonly string[]): Promise<Set<string>>;
  /** Writes these records in one transaction. */
  createMany(people: readonly ImportPerson[]): Promise<void>;
  /** Writes one record (used record by record when a batch fails, to name the record at fault). */
  create(person: ImportPerson): Promise<unknown>;
}

export interface ImportOutcome {
  /** records read from the file */
  rows: number;
  imported: number;
  skipped: number;
  /** the first MAX_LISTED_ERRORS problems, by line */
  errors: Array<{ line: number; message: string }>;
}

const LIMITS: Array<[keyof ContactDraft, number]> = [['name', 200], ['company', 200], ['title', 200], ['email', 320], ['address', 500], ['notes', 10_000]];

function problemOf(c: ContactDraft): string | null {
  for (const [field, max] of LIMITS) {
    const v = c[field];
    if (typeof v === 'string' && v.length > max) return `${field} is longer than ${max} characters`;
  }
  if (c.phones.length > 20) return 'more than 20 phone numbers';
  if (c.groups.length > 50 || c.groups.some((g) => g.length > 60)) return 'more than 50 groups, or a group name longer than 60 characters';
  for (const v of [c.name, c.company, c.title, c.email, c.address, c.notes, ...c.groups, ...c.phones.map((p) => p.label ?? '')]) {
    if (v?.includes('\u0000')) return 'contains a NUL character';
  }
  return null;
}

const messageOf = (e: unknown) => (e instanceof KefuError && e.code !== 'DB_ERROR' ? e.message : e instanceof KefuError ? 'could not be stored' : String(e));

/**
 * Imports the records of `file`. A record with a bad number is reported and
 * skipped; one whose number is already stored (or earlier in the file) is
 * skipped without an error, so a file can be imported twice.
 */
export async function importPeople(
  file: { reader: ImportReader; total: number; what: string },
  target: ImportTarget,
  numbers: NumberService,
  opts: { limits: ImportLimits; progress: ImportProgress },
): Promise<ImportOutcome> {
  const { reader, total } = file;
  const { limits, progress } = opts;
  if (reader.fatal) throw new KefuError('BAD_REQUEST', `body: ${reader.fatal}`, { field: 'body' });
  checkRowCap(total, limits, file.what);
  const slicer = new Slicer(limits.sliceMs);
  const errors: ImportOutcome['errors'] = [];
  const seen = new Set<string>();
  let batch: Array<{ line: number; person: ImportPerson }> = [];
  let rows = 0;
  let imported = 0;
  let skipped = 0;
  const fail = (line: number, message: string) => { skipped++; errors.push({ line, message }); };

  const flush = async () => {
    const taken = batch.length ? await target.taken([...new Set(batch.flatMap((b) => b.person.phones.map((p) => p.number)))]) : new Set<string>();
    const fresh: typeof batch = [];
    for (const b of batch) {
      const nums = b.person.phones.map((p) => p.number);
      if (nums.some((n) => seen.has(n) || taken.has(n))) skipped++;
      else fresh.push(b);
      for (const n of nums) seen.add(n);
    }
    batch = [];
    if (fresh.length) {
      try {
        await target.createMany(fresh.map((f) => f.person));
        imported += fresh.length;
      } catch {
        for (const f of fresh) {
          try { await target.create(f.person); imported++; } catch (e) { fail(f.line, messageOf(e)); }
          await slicer.tick();
        }
      }
    }
    progress.report(rows, { imported, skipped });
    await slicer.yield();
  };

  for (let next = reader.items.next(); !next.done; next = reader.items.next()) {
    const item = next.value;
    if (++rows > limits.maxRows) checkRowCap(rows, limits, file.what);
    if ('error' in item) fail(item.line, item.error);
    else {
      try {
        const c = item.contact;
        const phones = c.phones.map((p, i) => ({ number: numbers.require(p.number, `phone ${i + 1}`), ...(p.label ? { label: p.label } : {}) }));
        const problem = problemOf(c);
        if (problem) throw new KefuError('BAD_REQUEST', problem);
        batch.push({ line: item.line, person: { ...c, phones: phones.filter((p, i) => phones.findIndex((q) => q.number === p.number) === i) } });
      } catch (e) {
        fail(item.line, messageOf(e));
      }
    }
    if (batch.length >= limits.batchSize) await flush();
    else await slicer.tick();
  }
  if (batch.length) await flush();
  const fatal = reader.fatalAtEnd?.();
  if (fatal) throw new KefuError('BAD_REQUEST', `body: ${fatal}`, { field: 'body' });
  errors.sort((a, b) => a.line - b.line);
  progress.report(rows, { imported, skipped }, true);
  return { rows, imported, skipped, errors: errors.slice(0, MAX_LISTED_ERRORS) };
}
