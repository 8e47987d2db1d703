/** Schemas shared by the resource plugins. */
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
