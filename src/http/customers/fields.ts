/**
 * /customers/fields: custom customer fields defined by the admin (text,
 * number, date, choice); every role reads them (the card and the screen pop
 * show them), only admins change them. Also the check of a request's custom
 * values against them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { ADMINS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { checkCustomValues } from '../../core/crm/custom-fields.ts';
import type { CustomerFieldRepo } from '../../db/repos/customer-fields.ts';

const Key = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'lower-case letters, digits and _, starting with a letter; the values are stored under it' });
const Label = Type.String({ minLength: 1, maxLength: 60, description: 'shown on the card and the screen pop' });
const Options = Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50, uniqueItems: true, description: 'the choices of a choice field (1–50); none for the other types' });
const Position = Type.Integer({ minimum: 0, maximum: 10_000, description: 'order on the card (then key)' });
const FieldType = Type.Union([Type.Literal('text'), Type.Literal('number'), Type.Literal('date'), Type.Literal('choice')]);

export const CustomField = Type.Object({
  key: Type.String(), label: Type.String(), type: FieldType, options: Type.Array(Type.String()), position: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'CustomField' });
const FieldCreate = Type.Object({ key: Key, label: Label, type: FieldType, options: Type.Optional(Options), position: Type.Optional(Position) }, { additionalProperties: false });
const FieldPatch = Type.Object({ label: Type.Optional(Label), options: Type.Optional(Options), position: Type.Optional(Position) }, { additionalProperties: false, minProperties: 1 });
const KeyParams = Type.Object({ key: Key });

function checkOptions(type: string, options: string[] | undefined): void {
  if (type === 'choice' && (!options || options.length === 0)) throw new KefuError('BAD_REQUEST', 'options: a choice field needs at least one option', { field: 'options' });
  if (type !== 'choice' && options && options.length > 0) throw new KefuError('BAD_REQUEST', `options: only a choice field has options (this one is ${type})`, { field: 'options' });
}

/** Refuses (400) custom values that are not defined or do not fit their definition, naming the first few. */
export async function requireCustomValues(fields: CustomerFieldRepo, values: Record<string, unknown> | undefined): Promise<void> {
  if (!values || Object.keys(values).length === 0) return;
  const problems = checkCustomValues(await fields.list(), values);
  if (!problems.length) return;
  const first = problems[0]!;
  throw new KefuError('BAD_REQUEST', problems.slice(0, 5).map((p) => `custom.${p.key}: expected ${p.expected}`).join('; '), {
    field: `custom.${first.key}`, problems: problems.slice(0, 20).map((p) => ({ field: `custom.${p.key}`, expected: p.expected })),
  });
}

export const customerFieldRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['customers'];
  const { customerFields } = ctx.repos;

  app.get('/customers/fields', { schema: { tags, summary: 'Custom customer fields', response: { 200: Type.Object({ items: Type.Array(CustomField) }) } } },
    async () => ({ items: await customerFields.list() }));

  app.post('/customers/fields', { config: { roles: ADMINS }, schema: { tags, summary: 'Define a custom field', body: FieldCreate, response: { 201: CustomField } } }, async (req, reply) => {
    checkOptions(req.body.type, req.body.options);
    const f = await customerFields.create({ key: req.body.key, label: req.body.label, type: req.body.type, options: req.body.options ?? [], position: req.body.position ?? 0 });
    return reply.status(201).send(f);
  });

  app.get('/customers/fields/:key', { schema: { tags, params: KeyParams, response: { 200: CustomField } } }, async (req) => customerFields.get(req.params.key));

  app.patch('/customers/fields/:key', {
    config: { roles: ADMINS },
    schema: { tags, summary: 'Change the label, options or position (the type and key stay)', params: KeyParams, body: FieldPatch, response: { 200: CustomField } },
  }, async (req) => {
    if (req.body.options !== undefined) checkOptions((await customerFields.get(req.params.key)).type, req.body.options);
    return customerFields.update(req.params.key, req.body);
  });

  app.delete('/customers/fields/:key', {
    config: { roles: ADMINS }, schema: { tags, summary: "Remove the field and every customer's value of it", params: KeyParams, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await customerFields.delete(req.params.key);
    return reply.status(204).send(null);
  });
};
