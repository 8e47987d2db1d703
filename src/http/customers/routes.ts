import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams, ListQuery, Page } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { Customer, CustomerCreate, CustomerList, CustomerPatch, CustomerQuery, Interaction, InteractionCreate } from './schemas.ts';
import type { Phone } from '../../core/crm/records.ts';
import { acceptImportFiles, importBodySchema, importOptions, parseImportBody } from '../contacts/import.ts';
import { importPeople } from '../../services/imports/people.ts';
import { ImportResult } from '../contacts/schemas.ts';
import { customerFieldRoutes, requireCustomValues } from './fields.ts';
import { customerRosterRoutes } from './roster.ts';

/** /customers: CRUD with the info card, the roster (search, filters, sort), lookup by any written phone form, interaction history; custom fields, export and merge in their own files. */
export const customerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { customers, interactions } = ctx.repos;
  const tags = ['customers'];
  acceptImportFiles(app);
  await app.register(customerFieldRoutes, { ctx });
  await app.register(customerRosterRoutes, { ctx });
  const normPhones = (phones: Array<{ number: string; label?: string }> | undefined): Phone[] | undefined =>
    phones?.map((p, i) => ({ number: ctx.numbers.require(p.number, `body.phones.${i}.number`), ...(p.label ? { label: p.label } : {}) }));

  app.get('/customers', { schema: { tags, querystring: CustomerQuery, response: { 200: CustomerList } } }, async (req) => {
    const { phone, ...rest } = req.query;
    return customers.list({ ...rest, phone: phone === undefined ? undefined : ctx.numbers.require(phone, 'querystring.phone') });
  });

  app.post('/customers', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, body: CustomerCreate, response: { 201: Customer } } }, async (req, reply) => {
    await requireCustomValues(ctx.repos.customerFields, req.body.custom);
    const c = await customers.create({ ...req.body, phones: normPhones(req.body.phones) });
    return reply.status(201).send(c);
  });

  app.get('/customers/:id', { schema: { tags, params: IdParams, response: { 200: Customer } } }, async (req) => customers.get(req.params.id));

  app.patch('/customers/:id', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, params: IdParams, body: CustomerPatch, response: { 200: Customer } } }, async (req) => {
    await requireCustomValues(ctx.repos.customerFields, req.body.custom);
    return customers.update(req.params.id, { ...req.body, phones: normPhones(req.body.phones) });
  });

  app.put('/customers/:id', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, params: IdParams, body: CustomerCreate, response: { 200: Customer } } }, async (req) => {
    await requireCustomValues(ctx.repos.customerFields, req.body.custom);
    return customers.update(req.params.id, {
      company: null, title: null, email: null, address: null, tier: null, tags: [], status: null, transactionStatus: null, notes: null, attributes: {},
      ownerId: null, basic: {}, characteristics: {}, business: {}, transaction: {}, custom: {},
      ...req.body, phones: normPhones(req.body.phones) ?? [],
    }, { replaceGroups: true });
  });

  app.delete('/customers/:id', { config: { roles: WRITERS }, schema: { tags, params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await customers.delete(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/customers/:id/interactions', { schema: { tags, params: IdParams, querystring: Type.Object(ListQuery), response: { 200: Page(Interaction) } } }, async (req) => {
    await customers.get(req.params.id);
    return interactions.list(req.params.id, req.query);
  });

  app.post('/customers/:id/interactions', { config: { roles: [...WRITERS, 'agent'] }, schema: { tags, params: IdParams, body: InteractionCreate, response: { 201: Interaction } } }, async (req, reply) => {
    await customers.get(req.params.id);
    const i = await interactions.add({ customerId: req.params.id, kind: req.body.kind, summary: req.body.summary, data: req.body.data ?? {}, at: req.body.at ? new Date(req.body.at) : new Date() });
    return reply.status(201).send(i);
  });

  app.post('/customers/import', {
    // A CSV/vCard file is checked record by record: a bad record (NUL...) is reported by line, the rest imported.
    config: { roles: WRITERS, recordsChecked: true },
    bodyLimit: ctx.config.imports.maxBytes,
    schema: {
      tags, summary: 'Import customers from CSV or vCard',
      description: 'The address-book file formats (Content-Type text/csv or text/vcard; groups become tags). Records with problems are reported by line and skipped; a customer whose number is already known is skipped. At most imports.maxRows records; written in batches, with `import.progress` events on the way.',
      body: importBodySchema,
      response: { 200: ImportResult },
    },
  }, async (req) => {
    const file = parseImportBody(req.body, req.headers['content-type']);
    return importPeople(file, {
      taken: (numbers) => customers.taken(numbers),
      createMany: (people) => customers.createMany(people.map(({ groups, ...person }) => ({ ...person, tags: groups }))),
      create: ({ groups, ...person }) => customers.create({ ...person, tags: groups }),
    }, ctx.numbers, importOptions(ctx, 'customers', file.total));
  });
};
