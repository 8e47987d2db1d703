import { Type } from 'typebox';
import { FreeJson, ListQuery, Nullable, Page, PhoneInput, Uuid, personFields, personOut } from '../common.ts';
import { cardInput, cardOutput } from './card.ts';

const editable = {
  ...personFields,
  tier: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'classification, e.g. vip, regular' }))),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50 })),
  status: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'business status, e.g. prospect, active, churned' }))),
  transactionStatus: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'e.g. quoted, ordered, paid' }))),
  attributes: Type.Optional(FreeJson('free-form characteristics')),
  ...cardInput,
};

export const CustomerCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...editable }, { additionalProperties: false });
export const CustomerPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...editable }, { additionalProperties: false, minProperties: 1 });

export const Customer = Type.Object({
  id: Uuid,
  ...personOut,
  tier: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  status: Type.Union([Type.String(), Type.Null()]),
  transactionStatus: Type.Union([Type.String(), Type.Null()]),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  ...cardOutput,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'Customer' });

export const CustomerList = Page(Customer);
/** The roster's search and filters, shared by the list and the export. */
export const rosterFilters = {
  phone: Type.Optional(PhoneInput),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'text in name, company, email or number' })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'customers with this tag' })),
  tier: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'business status, e.g. active' })),
  owner: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'owner (account manager) agent id' })),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'characteristics.region (服务区域)' })),
  sort: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('name'), Type.Literal('tier')], { description: 'default created' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'default asc' })),
};
export const CustomerQuery = Type.Object({ ...ListQuery, ...rosterFilters }, { additionalProperties: false });
export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { description: 'csv (UTF-8 with BOM) or xlsx' }),
  ...rosterFilters,
}, { additionalProperties: false });

export const Interaction = Type.Object({
  id: Uuid, customerId: Uuid, kind: Type.Union([Type.Literal('call'), Type.Literal('sms'), Type.Literal('fax'), Type.Literal('note'), Type.Literal('visit'), Type.Literal('complaint'), Type.Literal('task'), Type.Literal('survey')]),
  refId: Type.Union([Uuid, Type.Null()]), summary: Type.Union([Type.String(), Type.Null()]), data: Type.Record(Type.String(), Type.Unknown()), at: Type.String({ format: 'date-time' }),
});
export const InteractionCreate = Type.Object({
  kind: Type.Union([Type.Literal('note'), Type.Literal('visit')]), summary: Type.String({ minLength: 1, maxLength: 10_000 }),
  data: Type.Optional(FreeJson('free-form details')), at: Type.Optional(Type.String({ format: 'date-time' })),
}, { additionalProperties: false });
