/**
 * Screen pops: the layouts (which customer fields, grouped and ordered, per
 * line, queue or campaign) and GET /calls/{id}/screenpop, everything the agent desktop
 * shows for a call in one request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { LAYOUT_FIELDS, type LayoutScope } from '../../db/repos/screenpops.ts';

const Field = Type.String({
  pattern: `^(${LAYOUT_FIELDS.map((f) => f.replaceAll('.', '\\.')).join('|')}|attributes\\.[A-Za-z0-9_-]{1,40}|custom\\.[a-z][a-z0-9_]{0,39})$`,
  description: `${LAYOUT_FIELDS.join(', ')}, attributes.<key>, or custom.<key> (a custom field)`,
});
export const Layout = Type.Object({
  groups: Type.Array(Type.Object({ title: Type.String({ minLength: 1, maxLength: 60 }), fields: Type.Array(Field, { minItems: 1, maxItems: 40 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 12 }),
  interactions: Type.Integer({ minimum: 0, maximum: 50, description: 'recent interactions listed under the card' }),
}, { additionalProperties: false, $id: 'ScreenpopLayout' });
const Stored = Type.Object({ scope: Type.String(), scopeId: Type.String(), layout: Layout, updatedAt: Type.String() });
const Scope = Type.Union([Type.Literal('default'), Type.Literal('line'), Type.Literal('queue'), Type.Literal('campaign')]);

export const screenpopRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['screenpop'];
  const { screenpops } = ctx.repos;
  const scopeOf = (scope: LayoutScope, scopeId: string | undefined): string => {
    if (scope === 'default') return '';
    if (!scopeId) throw new KefuError('BAD_REQUEST', `params.scopeId: a ${scope} layout needs the ${scope}'s id`, { field: 'params.scopeId' });
    return scopeId;
  };

  app.get('/screenpop-layouts', { schema: { tags, response: { 200: Type.Object({ items: Type.Array(Stored) }) } } }, async () => ({ items: await screenpops.list() }));

  app.get('/screenpop-layouts/resolve', {
    schema: { tags, description: 'The layout a call of this campaign / in this queue / on this line gets (the first that has one, else the default).', querystring: Type.Object({ lineId: Type.Optional(Type.String()), queueId: Type.Optional(Type.String()), campaignId: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: Stored } },
  }, async (req) => screenpops.resolve(req.query));

  for (const path of ['/screenpop-layouts/:scope', '/screenpop-layouts/:scope/:scopeId']) {
    const params = Type.Object({ scope: Scope, scopeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });
    app.put(path, { config: { roles: ['admin', 'supervisor'] }, schema: { tags, params, body: Layout, response: { 200: Stored } } },
      async (req) => screenpops.put(req.params.scope, scopeOf(req.params.scope, req.params.scopeId), req.body));
    app.delete(path, { config: { roles: ['admin', 'supervisor'] }, schema: { tags, params, response: { 204: Type.Null() } } }, async (req, reply) => {
      await screenpops.remove(req.params.scope, scopeOf(req.params.scope, req.params.scopeId));
      return reply.status(204).send(null);
    });
  }

  app.get('/calls/:id/screenpop', {
    schema: { tags, params: IdParams, description: "The call, its customer, the layout for its line/queue, the customer's recent interactions and calls." },
  }, async (req) => {
    const call = await ctx.repos.calls.get(req.params.id);
    const customer = call.customerId ? await ctx.repos.customers.get(call.customerId).catch(() => null) : null;
    const campaignId = call.direction === 'outbound' ? await ctx.repos.campaigns.campaignOfCall(call.id) : null;
    const { layout } = await screenpops.resolve({ lineId: call.lineId, queueId: call.queueId ?? undefined, campaignId: campaignId ?? undefined });
    const interactions = customer && layout.interactions > 0 ? (await ctx.repos.interactions.list(customer.id, { limit: layout.interactions })).items : [];
    const history = call.number ? (await ctx.repos.calls.list({ limit: 10, number: call.number })).items.filter((c) => c.id !== call.id) : [];
    return { call, customer, layout, interactions, history };
  });
};
