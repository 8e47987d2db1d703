/** Schemas shared by the resource plugins. */
import { FREE_JSON_MAX_BYTES } from './input-guard.ts';
import { Type, type TSchema } from 'typebox';

export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }) },
  { $id: 'Error', description: 'Every error response' },
);

export const Uuid = Type.String({ format: 'uuid', description: 'identifier' });
export const IdParams = Type.Object({ id: Uuid });

export const ListQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size' }),
  cursor: Type.Optional(Type.String({ description: '"next" from the previous page' })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page, or null' }) });

/** A phone number in any common written form (normalised to E.164 on the way in). */
export const PhoneInput = Type.String({ minLength: 1, maxLength: 40, description: 'any written form: 138 0013 8000, +86 10 8888 8888, 400-800-8888' });

/** A phone as written by the client: number in any form, optional label. */
export const PhoneIn = Type.Object({ number: PhoneInput, label: Type.Optional(Type.String({ maxLength: 40, description: 'mobile, tel, work, home, fax...' })) }, { additionalProperties: false });
/** A phone as returned: the number normalised. */
export const PhoneOut = Type.Object({ number: Type.String({ description: 'E.164, or the digits of a service short code' }), label: Type.Optional(Type.String()) });

/** null or the schema. Null comes first: with type coercion on, a null tried against a string first would become "". */
export const Nullable = <T extends TSchema>(s: T) => Type.Union([Type.Null(), s]);

/** Fields customers and contacts share, as inputs. */
export const personFields = {
  company: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  title: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'job title' }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  phones: Type.Optional(Type.Array(PhoneIn, { maxItems: 20 })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
};

/** The same fields, as returned. */
export const personOut = {
  name: Type.String(),
  company: Nullable(Type.String()),
  title: Nullable(Type.String()),
  email: Nullable(Type.String()),
  address: Nullable(Type.String()),
  phones: Type.Array(PhoneOut),
  notes: Nullable(Type.String()),
};

/**
 * A free-form JSON object in a request (customer attributes, interaction
 * data): at most FREE_JSON_MAX_BYTES as JSON, 100 keys, MAX_DEPTH deep (the
 * input guard), so it can be stored and sent in events without surprise.
 */
export const FreeJson = (description: string) => Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  maxProperties: 100, 'x-max-bytes': FREE_JSON_MAX_BYTES, description: `${description} (at most ${FREE_JSON_MAX_BYTES / 1024} KiB as JSON, 100 keys)`,
});
