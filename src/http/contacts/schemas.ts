import { Type } from 'typebox';
import { ListQuery, Page, PhoneInput, Uuid } from '../common.ts';

const PhoneIn = Type.Object({ number: PhoneInput, label: Type.Optional(Type.String({ maxLength: 40, description: 'mobile, tel, work, home, fax...' })) }, { additionalProperties: false });
const PhoneOut = Type.Object({ number: Type.String({ description: 'E.164' }), label: Type.Optional(Type.String()) });
const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);
const Group = Type.String({ minLength: 1, maxLength: 60 });

const editable = {
  company: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  title: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'job title' }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  phones: Type.Optional(Type.Array(PhoneIn, { maxItems: 20 })),
  groups: Type.Optional(Type.Array(Group, { maxItems: 50, description: 'address-book groups, e.g. suppliers, vip' })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
};

export const ContactCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...editable }, { additionalProperties: false });
export const ContactPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...editable }, { additionalProperties: false, minProperties: 1 });

export const Contact = Type.Object({
  id: Uuid,
  name: Type.String(),
  company: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  phones: Type.Array(PhoneOut),
  groups: Type.Array(Type.String()),
  notes: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'Contact' });

export const ContactList = Page(Contact);
export const ContactQuery = Type.Object({
  ...ListQuery,
  phone: Type.Optional(PhoneInput),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'text in name, company or number' })),
  group: Type.Optional(Group),
}, { additionalProperties: false });

export const ImportBody = Type.String({
  description: 'text/csv (header row: name, company, title, phone/mobile/tel (several allowed), email, address, groups, notes; ' +
    'or 姓名, 公司, 职务, 手机, 电话, 邮箱, 地址) or text/vcard (vCard 2.1/3.0/4.0, several cards)',
});

export const ImportResult = Type.Object({
  imported: Type.Integer({ description: 'contacts created' }),
  skipped: Type.Integer({ description: 'records not imported: errors, and contacts whose number is already in the address book (or earlier in the file)' }),
  errors: Type.Array(Type.Object({ line: Type.Integer({ description: 'line where the record starts' }), message: Type.String() })),
});

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('vcard')], { default: 'csv' }),
  group: Type.Optional(Group),
}, { additionalProperties: false });
