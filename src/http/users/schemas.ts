import { Type } from 'typebox';

export const UserRole = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')]);
const Locale = Type.Union([Type.Null(), Type.Literal('zh-CN'), Type.Literal('en')], { description: 'console language; null follows the browser' });

export const UserOut = Type.Object({
  id: Type.String({ format: 'uuid' }), username: Type.String(), displayName: Type.String(), role: UserRole,
  agentId: Type.Union([Type.String(), Type.Null()], { description: 'the agent this person works as on the desktop' }),
  locale: Locale, createdAt: Type.String({ format: 'date-time' }), disabled: Type.Boolean(),
}, { $id: 'User' });

export const Password = Type.String({ minLength: 8, maxLength: 200, description: 'at least 8 characters' });

export const UserCreate = Type.Object({
  username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,39}$', description: 'lower-case letters, digits, . _ -; 2 to 40 characters' }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  role: UserRole,
  password: Password,
  agentId: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 64 })], { description: 'agents: the agent record; made from the username when left out' })),
  locale: Type.Optional(Locale),
}, { additionalProperties: false });

export const UserPatch = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(UserRole),
  password: Type.Optional(Password),
  agentId: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 64 })])),
  locale: Type.Optional(Locale),
  disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
