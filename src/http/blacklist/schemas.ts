import { Type } from 'typebox';
import { ListQuery, Page, PhoneInput, Uuid } from '../common.ts';

const Direction = Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('both')], { description: 'which calls the entry blocks' });
const PrefixInput = Type.String({ minLength: 1, maxLength: 20, description: 'a number prefix: area code (0755), mobile or service prefix (170, 400, 95), or international (+1, 00852)' });
const Reason = Type.String({ maxLength: 500, description: 'why the number is blocked' });

export const BlacklistEntry = Type.Object({
  id: Uuid,
  number: Type.Union([Type.String(), Type.Null()], { description: 'blocked number (E.164, or the digits of a short code); null for a prefix entry' }),
  prefix: Type.Union([Type.String(), Type.Null()], { description: 'blocked prefix, normalised (0755 -> +86755); null for a number entry' }),
  direction: Direction,
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
}, { $id: 'BlacklistEntry' });

export const BlacklistCreate = Type.Object({
  number: Type.Optional(PhoneInput),
  prefix: Type.Optional(PrefixInput),
  direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('both')], { default: 'both', description: 'which calls the entry blocks (default both)' })),
  reason: Type.Optional(Type.Union([Reason, Type.Null()])),
}, { additionalProperties: false, description: 'exactly one of number or prefix' });

export const BlacklistList = Page(BlacklistEntry);
export const BlacklistQuery = Type.Object({
  ...ListQuery,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'text in the number, prefix or reason' })),
  direction: Type.Optional(Direction),
}, { additionalProperties: false });

export const CheckQuery = Type.Object({
  number: PhoneInput,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')], { default: 'inbound', description: 'direction of the call being checked' }),
}, { additionalProperties: false });

export const CheckResult = Type.Object({
  number: Type.String({ description: 'the number, normalised' }),
  blocked: Type.Boolean(),
  match: Type.Union([Type.Object({
    kind: Type.Union([Type.Literal('exact'), Type.Literal('prefix')]),
    value: Type.String({ description: 'the blocked number or prefix that matched' }),
    entry: Type.Union([BlacklistEntry, Type.Null()], { description: 'the entry, when it can be found (null right after a concurrent delete)' }),
  }), Type.Null()]),
});

const ImportEntry = Type.Object({
  number: Type.Optional(Type.String({ maxLength: 40 })),
  prefix: Type.Optional(Type.String({ maxLength: 20 })),
  direction: Type.Optional(Direction),
  reason: Type.Optional(Type.Union([Reason, Type.Null()])),
}, { additionalProperties: false });

export const ImportJson = Type.Object({
  entries: Type.Array(ImportEntry, { maxItems: 1_000_000, description: 'each with exactly one of number or prefix; direction defaults to both' }),
}, { additionalProperties: false });

export const ImportCsv = Type.String({
  description: 'one number or prefix per line (a prefix ends in *, e.g. 0755*), optional direction and reason columns; ' +
    'or a header row naming the columns number, prefix, direction, reason',
});

export const ImportResult = Type.Object({
  rows: Type.Integer({ description: 'lines (CSV, header excluded) or entries (JSON) read' }),
  inserted: Type.Integer({ description: 'new entries' }),
  duplicates: Type.Integer({ description: 'entries that already existed (or repeated in the input)' }),
  errors: Type.Array(Type.Object({ line: Type.Integer({ description: 'line (CSV) or position + 1 (JSON)' }), message: Type.String() }), { description: 'the first 1000 problems, by line' }),
});
