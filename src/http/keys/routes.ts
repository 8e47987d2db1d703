/**
 * /keys: API keys (admin only). A new key's secret is in the create
 * response, once; only its hash is stored. A revoked key stays revoked.
 * A key with role agent (or integrator) may be bound to an agent: it then
 * acts only as that agent (its state and its calls).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { ADMINS } from '../auth.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';

const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent'), Type.Literal('integrator')]);
const KeyOut = Type.Object({
  id: Type.String({ format: 'uuid' }), name: Type.String(), role: RoleSchema, prefix: Type.String({ description: 'the first characters of the key, to recognise it' }),
  agentId: Type.Union([Type.String(), Type.Null()], { description: 'the agent this key acts as, if bound' }),
  createdAt: Type.String({ format: 'date-time' }), lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const keyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['keys'];
  const { keys } = ctx.repos;

  app.get('/keys', { config: { roles: ADMINS }, schema: { tags, summary: 'List API keys', response: { 200: Type.Object({ items: Type.Array(KeyOut) }) } } },
    async () => ({ items: await keys.list() }));

  app.post('/keys', {
    config: { roles: ADMINS },
    schema: {
      tags, summary: 'Create an API key', description: 'The secret is in this response only.',
      body: Type.Object({
        role: RoleSchema, name: Type.String({ minLength: 1, maxLength: 100 }),
        agentId: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 64, description: 'bind the key to this agent (roles agent and integrator)' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ key: Type.String({ description: 'the secret, shown once' }), item: KeyOut }) },
    },
  }, async (req, reply) => {
    const { role, name, agentId } = req.body;
    if (agentId !== undefined && role !== 'agent' && role !== 'integrator') {
      throw new KefuError('BAD_REQUEST', `body.agentId: only keys with role agent or integrator act as an agent (role is ${role})`, { field: 'body.agentId' });
    }
    if (agentId !== undefined && ctx.agents.list().every((a) => a.id !== agentId)) {
      throw new KefuError('BAD_REQUEST', `body.agentId: no agent ${agentId}`, { field: 'body.agentId' });
    }
    const { key, row } = await keys.create(role, name, { agentId: agentId ?? null });
    return reply.status(201).send({ key, item: (await keys.get(row.id))! });
  });

  app.delete('/keys/:id', {
    config: { roles: ADMINS },
    schema: { tags, summary: 'Revoke an API key', description: 'For good: nothing un-revokes it, KEFU_BOOTSTRAP_KEY included.', params: IdParams, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    if (!(await keys.revoke(req.params.id))) throw new KefuError('NOT_FOUND', `key ${req.params.id} not found`);
    app.forgetKeys();
    return reply.status(204).send(null);
  });
};
