import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';
import { addPhonesMany, CONTACT_PHONES, numberLike, ownsNumber, setPhones, takenNumbers } from '../phones.ts';
import { decodeCursor, page } from '../cursor.ts';
import { KefuError } from '../../core/errors.ts';
import { afterCursor, containsPattern, patchSets, whereClause } from '../sql.ts';
import type { Phone } from './customers.ts';
import type { Contact } from '../../core/crm/records.ts';
export type { Contact } from '../../core/crm/records.ts';

export type ContactInput = Partial<Omit<Contact, 'id' | 'createdAt' | 'updatedAt'>>;

interface Row {
  id: string; name: string; company: string | null; title: string | null; email: string | null; address: string | null;
  phones: Phone[]; groups: string[]; notes: string | null; nicknames: string[]; seat: string | null; created_at: Date; updated_at: Date;
}

const COLS = 'id, name, company, title, email, address, phones, groups, notes, nicknames, seat, created_at, updated_at';
const FIELDS = [
  ['name', 'name'], ['company', 'company'], ['title', 'title'], ['email', 'email'], ['address', 'address'],
  ['groups', 'groups'], ['notes', 'notes'], ['phones', 'phones', '::jsonb'], ['nicknames', 'nicknames'], ['seat', 'seat'],
] as const;

const toApi = (r: Row): Contact => ({
  id: r.id, name: r.name, company: r.company, title: r.title, email: r.email, address: r.address, phones: r.phones,
  groups: r.groups, notes: r.notes, nicknames: r.nicknames, seat: r.seat, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

export class ContactRepo {
  constructor(private readonly db: Db) {}

  async create(input: ContactInput & { name: string }): Promise<Contact> {
    const phones = input.phones ?? [];
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `INSERT INTO contacts(id, name, company, title, email, address, phones, groups, notes, nicknames, seat)
         VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb,$8::text[],$9,$10::text[],$11) RETURNING ${COLS}`,
        [randomUUID(), input.name, input.company ?? null, input.title ?? null, input.email ?? null, input.address ?? null,
          JSON.stringify(phones), input.groups ?? [], input.notes ?? null, input.nicknames ?? [], input.seat ?? null],
      );
      await setPhones(tx, CONTACT_PHONES, r.rows[0]!.id, phones.map((p) => p.number));
      return toApi(r.rows[0]!);
    });
  }

  /** Creates many contacts in one transaction (imports): two statements, whatever the count. */
  async createMany(inputs: ReadonlyArray<ContactInput & { name: string }>): Promise<void> {
    if (!inputs.length) return;
    const rows = inputs.map((i) => ({
      id: randomUUID(), name: i.name, company: i.company ?? null, title: i.title ?? null, email: i.email ?? null, address: i.address ?? null,
      phones: i.phones ?? [], groups: i.groups ?? [], notes: i.notes ?? null,
    }));
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO contacts(id, name, company, title, email, address, phones, groups, notes)
         SELECT id, name, company, title, email, address, phones, groups, notes
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, name text, company text, title text, email text, address text, phones jsonb, groups text[], notes text)`,
        [JSON.stringify(rows)],
      );
      await addPhonesMany(tx, CONTACT_PHONES, rows.map((r) => ({ ownerId: r.id, numbers: r.phones.map((p) => p.number) })));
    });
  }

  /** Of these normalised numbers, those a contact already has. */
  taken(numbers: readonly string[]): Promise<Set<string>> { return takenNumbers(this.db, CONTACT_PHONES, numbers); }

  async get(id: string): Promise<Contact> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM contacts WHERE id = $1`, [id]);
    if (!r.rows[0]) throw new KefuError('NOT_FOUND', `contact ${id} not found`);
    return toApi(r.rows[0]);
  }

  async update(id: string, input: ContactInput): Promise<Contact> {
    const params: unknown[] = [id];
    const sets = patchSets(input, FIELDS, params);
    sets.push('updated_at = now()');
    const phones = input.phones;
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(`UPDATE contacts SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLS}`, params);
      if (!r.rows[0]) throw new KefuError('NOT_FOUND', `contact ${id} not found`);
      if (phones !== undefined) await setPhones(tx, CONTACT_PHONES, id, phones.map((p) => p.number));
      return toApi(r.rows[0]);
    });
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.query('DELETE FROM contacts WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new KefuError('NOT_FOUND', `contact ${id} not found`);
  }

  async findByPhone(key: string): Promise<Contact | null> {
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM contacts WHERE ${ownsNumber(CONTACT_PHONES, 'id', '$1')} ORDER BY updated_at DESC LIMIT 1`, [key]);
    return r.rows[0] ? toApi(r.rows[0]) : null;
  }

  /**
   * The voice directory: contacts with a seat or a phone, in one of `groups`
   * when given, at most `limit`, most recently updated first.
   */
  async directory(opts: { groups?: readonly string[] | undefined; limit: number }): Promise<Contact[]> {
    const params: unknown[] = [opts.limit];
    let where = `(seat IS NOT NULL OR jsonb_array_length(phones) > 0)`;
    if (opts.groups?.length) { params.push([...opts.groups]); where += ` AND groups && $2::text[]`; }
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM contacts WHERE ${where} ORDER BY updated_at DESC, id LIMIT $1`, params);
    return r.rows.map(toApi);
  }

  async list(opts: { limit: number; cursor?: string | undefined; phone?: string | undefined; q?: string | undefined; group?: string | undefined }): Promise<{ items: Contact[]; next: string | null }> {
    const where: Array<string | null> = [];
    const params: unknown[] = [];
    if (opts.phone) { params.push(opts.phone); where.push(ownsNumber(CONTACT_PHONES, 'id', `$${params.length}`)); }
    if (opts.group) { params.push(opts.group); where.push(`groups @> ARRAY[$${params.length}::text]`); }
    if (opts.q) {
      params.push(containsPattern(opts.q));
      const p = `$${params.length}`;
      where.push(`(lower(name) LIKE ${p} OR lower(coalesce(company,'')) LIKE ${p} OR ${numberLike(CONTACT_PHONES, 'id', p)})`);
    }
    where.push(afterCursor(decodeCursor(opts.cursor), 'created_at', params));
    params.push(opts.limit + 1);
    const r = await this.db.query<Row>(`SELECT ${COLS} FROM contacts ${whereClause(where)} ORDER BY created_at, id LIMIT $${params.length}`, params);
    const p = page(r.rows, opts.limit, (x) => [x.created_at, x.id]);
    return { items: p.items.map(toApi), next: p.next };
  }
}
