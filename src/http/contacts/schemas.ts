import { Type } from 'typebox';
import { ListQuery, Page, PhoneInput, Uuid, personFields, personOut } from '../common.ts';

const Group = Type.String({ minLength: 1, maxLength: 60 });

const editable = {
  ...personFields,
  groups: Type.Optional(Type.Array(Group, { maxItems: 50, description: 'address-book groups, e.g. suppliers, vip' })),
  nicknames: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10, description: 'other names callers say for this contact (voice directory), e.g. Johnny, 小王' })),
  seat: Type.Optional(Type.Union([Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), Type.Null()], { description: 'seat id a voice-directory transfer rings (multi-seat mode); null: transfer to the first phone' })),
};

export const ContactCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...editable }, { additionalProperties: false });
export const ContactPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...editable }, { additionalProperties: false, minProperties: 1 });

export const Contact = Type.Object({
  id: Uuid,
  ...personOut,
  groups: Type.Array(Type.String()),
  nicknames: Type.Optional(Type.Array(Type.String())),
  seat: Type.Optional(Type.Union([Type.String(), Type.Null()])),
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
  rows: Type.Integer({ description: 'records read from the file' }),
  imported: Type.Integer({ description: 'contacts created' }),
  skipped: Type.Integer({ description: 'records not imported: errors, and contacts whose number is already in the address book (or earlier in the file)' }),
  errors: Type.Array(Type.Object({ line: Type.Integer({ description: 'line where the record starts' }), message: Type.String() }), { description: 'the first 1000 problems, by line (skipped counts them all)' }),
});

export const ExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('vcard')], { default: 'csv' }),
  group: Type.Optional(Group),
}, { additionalProperties: false });

/** Content types a vCard file may be sent with. */
export const VCARD_TYPES = ['text/vcard', 'text/x-vcard', 'text/directory'];
