import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { contactsToCsv } from '../../core/crm/contacts-csv.ts';
import { contactsToVcard } from '../../core/crm/vcard.ts';
import type { ContactDraft } from '../../core/crm/contact.ts';
import type { Contact as ContactRow } from '../../core/crm/records.ts';
import type { Phone } from '../../core/crm/records.ts';
import { Contact, ContactCreate, ContactList, ContactPatch, ContactQuery, ExportQuery, ImportResult } from './schemas.ts';
import { acceptImportFiles, importBodySchema, importOptions, parseImportBody } from './import.ts';
import { importPeople } from '../../services/imports/people.ts';


/** /contacts: the address book; CRUD, lookup by any written phone form, CSV and vCard import/export. */
export const contactRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { contacts } = ctx.repos;
  const tags = ['contacts'];
  acceptImportFiles(app);
  const normPhones = (phones: Array<{ number: string; label?: string }> | undefined): Phone[] | undefined =>
    phones?.map((p, i) => ({ number: ctx.numbers.require(p.number, `body.phones.${i}.number`), ...(p.label ? { label: p.label } : {}) }));

  app.get('/contacts', { schema: { tags, summary: 'List or search contacts', querystring: ContactQuery, response: { 200: ContactList } } }, async (req) => {
    const { phone, ...rest } = req.query;
    return contacts.list({ ...rest, phone: phone === undefined ? undefined : ctx.numbers.require(phone, 'querystring.phone') });
  });

  app.post('/contacts', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, summary: 'Create a contact', body: ContactCreate, response: { 201: Contact } } }, async (req, reply) => {
    const c = await contacts.create({ ...req.body, phones: normPhones(req.body.phones) });
    return reply.status(201).send(c);
  });

  app.post('/contacts/import', {
    // A CSV/vCard file is checked record by record: a bad record (NUL...) is reported by line, the rest imported.
    config: { roles: WRITERS, recordsChecked: true },
    bodyLimit: ctx.config.imports.maxBytes,
    schema: {
      tags, summary: 'Import contacts from CSV or vCard',
      description: 'Send the file as the body with Content-Type text/csv or text/vcard (UTF-8, BOM optional). Records with problems are reported by line and skipped; contacts whose number is already in the address book are skipped. At most imports.maxRows records; written in batches, with `import.progress` events on the way.',
      body: importBodySchema,
      response: { 200: ImportResult },
    },
  }, async (req) => {
    const file = parseImportBody(req.body, req.headers['content-type']);
    return importPeople(file, contacts, ctx.numbers, importOptions(ctx, 'contacts', file.total));
  });

  app.get('/contacts/export', {
    schema: {
      tags, summary: 'Export the address book as CSV or vCard 3.0', querystring: ExportQuery,
      response: { 200: { description: 'the file', content: { 'text/csv': { schema: Type.String() }, 'text/vcard': { schema: Type.String() } } } },
    },
  }, async (req, reply) => {
    const all: ContactDraft[] = [];
    let cursor: string | undefined;
    do {
      const p = await contacts.list({ limit: 500, cursor, group: req.query.group });
      all.push(...p.items.map(toDraft));
      cursor = p.next ?? undefined;
    } while (cursor);
    const csv = req.query.format === 'csv';
    return reply
      .type(csv ? 'text/csv; charset=utf-8' : 'text/vcard; charset=utf-8')
      .header('content-disposition', `attachment; filename="contacts.${csv ? 'csv' : 'vcf'}"`)
      .send(csv ? contactsToCsv(all) : contactsToVcard(all));
  });

  app.get('/contacts/:id', { schema: { tags, summary: 'Get a contact', params: IdParams, response: { 200: Contact } } }, async (req) => contacts.get(req.params.id));

  app.patch('/contacts/:id', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, summary: 'Change some fields', params: IdParams, body: ContactPatch, response: { 200: Contact } } }, async (req) =>
    contacts.update(req.params.id, { ...req.body, phones: normPhones(req.body.phones) }));

  app.put('/contacts/:id', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, summary: 'Replace a contact', params: IdParams, body: ContactCreate, response: { 200: Contact } } }, async (req) =>
    contacts.update(req.params.id, {
      company: null, title: null, email: null, address: null, groups: [], notes: null,
      ...req.body, phones: normPhones(req.body.phones) ?? [],
    }));

  app.delete('/contacts/:id', { config: { roles: WRITERS }, schema: { tags, summary: 'Delete a contact', params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await contacts.delete(req.params.id);
    return reply.status(204).send(null);
  });
};

function toDraft(c: ContactRow): ContactDraft {
  return { name: c.name, company: c.company, title: c.title, email: c.email, address: c.address, phones: c.phones, groups: c.groups, notes: c.notes };
}
