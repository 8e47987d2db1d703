/**
 * /users: console accounts (admin only), and /users/me for the signed-in
 * user's own language and password. An agent user gets an agent record
 * (id from the username) unless one is named; on a single line any user can
 * start working the desk as their own agent (/users/me/agent).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { ADMINS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { IdParams } from '../common.ts';
import { hashPassword, verifyPassword } from '../../services/auth/passwords.ts';
import { Password, UserCreate, UserOut, UserPatch } from './schemas.ts';

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['users'];
  const { users } = ctx.repos;

  // cluster.enabled: the routes that may add an agent run on the node's owner (its agent board and ACD load it)
  const ensureAgent = async (agentId: string, name: string) => {
    if ((await ctx.repos.acd.agents()).some((a) => a.id === agentId)) return;
    await ctx.repos.acd.createAgent({ id: agentId, name });
    await ctx.agents.sync();
    await ctx.acd?.load();
  };

  app.get('/users', { config: { roles: ADMINS }, schema: { tags, response: { 200: Type.Object({ items: Type.Array(UserOut) }) } } }, async () => ({ items: await users.list() }));

  app.post('/users', { config: { roles: ADMINS, nodeOwner: true }, schema: { tags, body: UserCreate, response: { 201: UserOut } } }, async (req, reply) => {
    const { password, agentId, ...rest } = req.body;
    const agent = agentId === undefined ? (rest.role === 'agent' ? rest.username.replace(/[._]/g, '-') : null) : agentId;
    if (agent) await ensureAgent(agent, rest.displayName);
    const user = await users.create({ ...rest, agentId: agent, passwordHash: await hashPassword(password) });
    return reply.status(201).send(user);
  });

  app.patch('/users/:id', { config: { roles: ADMINS, nodeOwner: true }, schema: { tags, params: IdParams, body: UserPatch, response: { 200: UserOut } } }, async (req) => {
    const { password, ...rest } = req.body;
    if (rest.agentId) await ensureAgent(rest.agentId, rest.displayName ?? (await users.get(req.params.id)).displayName);
    const user = await users.update(req.params.id, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
    if (password || rest.disabled || rest.role) app.forgetAllSessions();
    return user;
  });

  app.delete('/users/:id', { config: { roles: ADMINS }, schema: { tags, params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    if (req.principal?.user?.id === req.params.id) throw new KefuError('CONFLICT', 'you cannot delete yourself');
    await users.remove(req.params.id);
    app.forgetAllSessions();
    return reply.status(204).send(null);
  });

  app.post('/users/me/agent', {
    schema: {
      tags, description: 'Single-line mode: the signed-in user who works as no agent starts working the desk as one (made from their username). Never another user\'s agent.',
      response: { 200: UserOut },
    },
  }, async (req) => {
    const me = req.principal?.user;
    if (!me) throw new KefuError('BAD_REQUEST', '/users/me/agent is for a signed-in console user, not an API key');
    if (me.agentId) return me;
    if (ctx.pbx) throw new KefuError('CONFLICT', 'on the PBX an admin sets which agent a user works as (and at which seat)');
    const agentId = me.username.replace(/[._]/g, '-');
    if ((await users.list()).some((u) => u.agentId === agentId)) throw new KefuError('CONFLICT', `agent ${agentId} is worked by another user: an admin sets your agent`);
    await ensureAgent(agentId, me.displayName);
    const user = await users.update(me.id, { agentId });
    app.forgetAllSessions();
    return user;
  });

  app.patch('/users/me', {
    schema: {
      tags, description: 'The signed-in user: language, or a new password (with the current one).',
      body: Type.Object({
        locale: Type.Optional(Type.Union([Type.Null(), Type.Literal('zh-CN'), Type.Literal('en')])),
        password: Type.Optional(Password), currentPassword: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 200: UserOut },
    },
  }, async (req) => {
    const me = req.principal?.user;
    if (!me) throw new KefuError('BAD_REQUEST', '/users/me is for a signed-in console user, not an API key');
    if (req.body.password) {
      const login = await users.forLogin(me.username);
      if (!login || !(await verifyPassword(req.body.currentPassword ?? '', login.passwordHash))) {
        throw new KefuError('BAD_REQUEST', 'body.currentPassword: does not match', { field: 'body.currentPassword' });
      }
    }
    const user = await users.update(me.id, {
      ...(req.body.locale !== undefined ? { locale: req.body.locale } : {}),
      ...(req.body.password ? { passwordHash: await hashPassword(req.body.password) } : {}),
    });
    app.forgetAllSessions();
    return user;
  });
};
