/** /scorecards/schemes and /scorecards/periods: schemes (CRUD), periods through their life, results, reviews and deductions. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams, Page } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { monthBounds } from '../../core/scorecards/period.ts';
import type { TeamDefinition } from '../../core/scorecards/scheme.ts';
import type { ScorecardService } from '../../services/scorecards/service.ts';
import { checkDefinition } from './definition.ts';
import { MANAGERS, READERS, actorOf, principalOf } from './access.ts';
import {
  DeductionIn, DeductionOut, PeriodIn, PeriodOut, PeriodQuery, ResultsOut, ReviewIn, ReviewOut, SchemeIn, SchemeOut, SchemePut, SchemeQuery,
} from './schemas.ts';

export const scorecardService = (ctx: AppContext): ScorecardService => {
  if (!ctx.scorecards) throw new KefuError('UNPROCESSABLE', 'scorecards are not available');
  return ctx.scorecards;
};

function periodBounds(b: { month?: string | undefined; timeZone: string; from?: string | undefined; to?: string | undefined }): { from: Date; to: Date; label: string } {
  if (b.month) {
    if (b.from || b.to) throw new KefuError('BAD_REQUEST', 'body.month: give a month or from and to, not both', { field: 'body.month' });
    try {
      return { ...monthBounds(b.month, b.timeZone), label: b.month };
    } catch {
      throw new KefuError('BAD_REQUEST', `body.timeZone: expected an IANA time zone such as Asia/Shanghai, got ${b.timeZone}`, { field: 'body.timeZone' });
    }
  }
  if (!b.from || !b.to) throw new KefuError('BAD_REQUEST', `body.${b.from ? 'to' : 'from'}: give a month, or from and to`, { field: `body.${b.from ? 'to' : 'from'}` });
  const from = new Date(b.from);
  const to = new Date(b.to);
  if (!(from < to)) throw new KefuError('BAD_REQUEST', 'body.to: must be after from', { field: 'body.to' });
  if (to.getTime() - from.getTime() > 400 * 86_400_000) throw new KefuError('BAD_REQUEST', 'body.to: at most 400 days after from', { field: 'body.to' });
  return { from, to, label: `${b.from} – ${b.to}` };
}

export const scorecardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['scorecards'];
  const svc = () => scorecardService(ctx);

  app.get('/scorecards/schemes', { config: { roles: READERS }, schema: { tags, summary: 'Scorecard schemes', querystring: SchemeQuery, response: { 200: Page(SchemeOut) } } },
    async (req) => svc().repo.schemes(req.query));

  app.post('/scorecards/schemes', {
    config: { roles: MANAGERS },
    schema: { tags, summary: 'Create a scheme', description: 'Checked: weights sum to 100, thresholds in order, bands best first; an error names the field.', body: SchemeIn, response: { 201: SchemeOut } },
  }, async (req, reply) => {
    const definition = await checkDefinition(req.body.kind, req.body.definition, svc().repo);
    return reply.status(201).send(await svc().repo.createScheme({ name: req.body.name, kind: req.body.kind, definition }));
  });

  app.get('/scorecards/schemes/:id', { config: { roles: READERS }, schema: { tags, summary: 'One scheme', params: IdParams, response: { 200: SchemeOut } } },
    async (req) => svc().repo.scheme(req.params.id));

  app.put('/scorecards/schemes/:id', {
    config: { roles: MANAGERS },
    schema: { tags, summary: 'Change a scheme', description: 'Periods already made keep the definition they were made with.', params: IdParams, body: SchemePut, response: { 200: SchemeOut } },
  }, async (req) => {
    const s = await svc().repo.scheme(req.params.id);
    const definition = await checkDefinition(s.kind, req.body.definition, svc().repo);
    return svc().repo.updateScheme(s.id, { name: req.body.name, definition });
  });

  app.delete('/scorecards/schemes/:id', { config: { roles: MANAGERS }, schema: { tags, summary: 'Delete a scheme without periods', params: IdParams, response: { 204: Type.Null() } } },
    async (req, reply) => { await svc().repo.deleteScheme(req.params.id); return reply.status(204).send(null); });

  app.get('/scorecards/periods', { schema: { tags, summary: 'Periods, newest first', querystring: PeriodQuery, response: { 200: Page(PeriodOut) } } },
    async (req) => svc().repo.periods(req.query));

  app.post('/scorecards/periods', {
    config: { roles: MANAGERS },
    schema: { tags, summary: 'Open a period of a scheme', description: 'A month (YYYY-MM in timeZone) or any [from, to). A team period may set this month\'s items.', body: PeriodIn, response: { 201: PeriodOut } },
  }, async (req, reply) => {
    const b = req.body;
    const { from, to, label } = periodBounds({ ...b, timeZone: b.timeZone ?? ctx.config.timezone });
    let items: TeamDefinition['items'] | undefined;
    if (b.items) {
      const scheme = await svc().repo.scheme(b.schemeId);
      if (scheme.kind !== 'team') throw new KefuError('BAD_REQUEST', 'body.items: only a team period sets its own items', { field: 'body.items' });
      const def = await checkDefinition('team', { ...(scheme.definition as TeamDefinition), items: b.items }, svc().repo, 'body');
      items = (def as TeamDefinition).items;
    }
    return reply.status(201).send(await svc().createPeriod({ schemeId: b.schemeId, label: b.label ?? label, from, to, items }));
  });

  app.get('/scorecards/periods/:id', { schema: { tags, summary: 'One period', params: IdParams, response: { 200: PeriodOut } } }, async (req) => svc().repo.period(req.params.id));

  app.delete('/scorecards/periods/:id', { config: { roles: MANAGERS }, schema: { tags, summary: 'Delete an open period', params: IdParams, response: { 204: Type.Null() } } },
    async (req, reply) => { await svc().deletePeriod(req.params.id); return reply.status(204).send(null); });

  const STEPS = {
    compute: ['Take the figures (again): open or computed → computed', (id: string, actor: string) => svc().compute(id, actor)],
    'close-reviews': ['Close reviews and deductions: computed → reviewed', (id: string, actor: string) => svc().closeReviews(id, actor)],
    reopen: ['Reopen reviews: reviewed → computed', (id: string) => svc().reopen(id)],
    publish: ['Publish: reviewed → published (agents see it final and may appeal; event scorecard.published)', (id: string) => svc().publish(id)],
  } as const;
  for (const [step, [summary, run]] of Object.entries(STEPS)) {
    app.post(`/scorecards/periods/:id/${step}`, { config: { roles: MANAGERS }, schema: { tags, summary, params: IdParams, response: { 200: PeriodOut } } },
      async (req) => run(req.params.id, actorOf(req)));
  }

  app.get('/scorecards/periods/:id/results', {
    config: { roles: READERS },
    schema: { tags, summary: 'Results: cards (individual) or teams (team), by rank, with grades', params: IdParams, response: { 200: ResultsOut } },
  }, async (req) => {
    const period = await svc().repo.period(req.params.id);
    return period.kind === 'team' ? { period, cards: [], teams: await svc().repo.teamResults(period.id) } : { period, cards: await svc().repo.cards(period.id), teams: [] };
  });

  app.get('/scorecards/periods/:id/reviews', { config: { roles: READERS }, schema: { tags, summary: 'Every review of a period', params: IdParams, response: { 200: Type.Object({ items: Type.Array(ReviewOut) }) } } },
    async (req) => { await svc().repo.period(req.params.id); return { items: await svc().repo.reviews(req.params.id) }; });

  app.put('/scorecards/periods/:id/reviews', {
    config: { roles: ['admin', 'supervisor', 'agent'] },
    schema: {
      tags, summary: 'Give a review (0–100)', description: 'kind self (自评): only the agent, for themselves; kind supervisor (主管评分): admins and supervisors. Until the reviews are closed.',
      params: IdParams, body: ReviewIn, response: { 200: ReviewOut },
    },
  }, async (req) => {
    const p = principalOf(req);
    const b = req.body;
    if (b.kind === 'self' && p.agentId !== b.agentId) throw new KefuError('FORBIDDEN', `body.agentId: a self-review is the agent's own${p.agentId ? ` (you are ${p.agentId})` : ''}`, { field: 'body.agentId' });
    if (b.kind === 'supervisor' && p.role !== 'admin' && p.role !== 'supervisor') throw new KefuError('FORBIDDEN', 'body.kind: a supervisor review is given by a supervisor or an admin', { field: 'body.kind' });
    return svc().review(req.params.id, { agentId: b.agentId, kind: b.kind, score: b.score, comment: b.comment ?? null, by: actorOf(req) });
  });

  app.get('/scorecards/periods/:id/deductions', { config: { roles: READERS }, schema: { tags, summary: 'Every deduction of a period', params: IdParams, response: { 200: Type.Object({ items: Type.Array(DeductionOut) }) } } },
    async (req) => { await svc().repo.period(req.params.id); return { items: await svc().appeals.deductions(req.params.id) }; });

  app.post('/scorecards/periods/:id/deductions', {
    config: { roles: MANAGERS },
    schema: { tags, summary: 'Deduct points from an agent, with a reason', params: IdParams, body: DeductionIn, response: { 201: DeductionOut } },
  }, async (req, reply) => reply.status(201).send(await svc().deduct(req.params.id, { ...req.body, by: actorOf(req) })));
};
