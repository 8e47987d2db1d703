/**
 * Address-book entries as import/export formats see them: plain fields, phone
 * numbers as written (the caller normalises and validates them).
 */

/** A phone of a draft contact. `label`: mobile, tel, work, home, fax... */
export interface DraftPhone {
  number: string;
  label?: string;
}

/** A contact read from (or written to) a CSV or vCard file. */
export interface ContactDraft {
  name: string;
  company: string | null;
  title: string | null;
  email: string | null;
  address: string | null;
  phones: DraftPhone[];
  groups: string[];
  notes: string | null;
}

/** A problem with one record of an import file. `line` is 1-based. */
export interface ImportIssue {
  line: number;
  message: string;
}

/**
 * The result of reading an import file: drafts with the line they start on,
 * problems with single records, and `fatal` when the file as a whole is not
 * of the expected kind (unknown CSV header, no vCard in it).
 */
export interface ParsedImport {
  contacts: Array<{ line: number; contact: ContactDraft }>;
  errors: ImportIssue[];
  fatal?: string;
}

/** One record of an import file as it is read: a draft, or why the record is unusable. */
export type ImportItem = { line: number; contact: ContactDraft } | { line: number; error: string };

/**
 * An import file read lazily (so a long file is read in slices between other
 * work): `fatal` when the file as a whole is unusable; `sawRecord()` (vCard)
 * tells after reading whether the file held any record of its kind at all.
 */
export interface ImportReader {
  fatal?: string;
  items: Iterator<ImportItem>;
  /** After `items` is done: the fatal problem found only at the end (no vCard in the file). */
  fatalAtEnd?: () => string | undefined;
}

/** Every item of a reader, as one {@link ParsedImport}. */
export function collectImport(reader: ImportReader): ParsedImport {
  const out: ParsedImport = { contacts: [], errors: [] };
  if (reader.fatal) return { ...out, fatal: reader.fatal };
  for (let n = reader.items.next(); !n.done; n = reader.items.next()) {
    const it = n.value;
    if ('error' in it) out.errors.push({ line: it.line, message: it.error });
    else out.contacts.push(it);
  }
  const fatal = reader.fatalAtEnd?.();
  return fatal ? { ...out, fatal } : out;
}

/** An empty draft. */
export const emptyDraft = (): ContactDraft => ({
  name: '', company: null, title: null, email: null, address: null, phones: [], groups: [], notes: null,
});

/** Splits a cell that holds several values (`a; b`, `a、b`, `a|b`, one per line). */
export const splitList = (s: string): string[] =>
  s.split(/[;；|、\r\n]+/).map((x) => x.trim()).filter((x) => x !== '');

/** Splits group names, which may also be separated by commas. */
export const splitGroups = (s: string): string[] =>
  [...new Set(s.split(/[;；|、,，\r\n]+/).map((x) => x.trim()).filter((x) => x !== ''))];

/** Trimmed text, or null when empty. */
export const text = (s: string | undefined | null): string | null => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

/** Fills `name` from the company when only that is given; returns an error message when neither is. */
export function finishDraft(c: ContactDraft): string | null {
  if (c.name.trim() === '') c.name = c.company ?? '';
  c.name = c.name.trim();
  if (c.name === '') return 'no name: expected a name (or a company)';
  if (c.email !== null && !/^[^\s@]+@[^\s@]+$/.test(c.email)) return `email "${c.email}" is not an e-mail address`;
  return null;
}
