/** /scorecards (cards) and /scorecards/{id}/appeals: an agent sees and appeals only their own card; managers answer. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { IdParams, Page } from '../common.ts';
import { KefuError } from '../../core/errors.ts';
import { AppealIn, AppealOut, AppealParams, AppealQuery, CardDetail, CardOut, CardQuery, DecisionIn } from './schemas.ts';
import { MANAGERS, actorOf, assertOwnCard, listedAgent, principalOf } from './access.ts';
import { scorecardService } from './routes.ts';

export const scorecardCardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['scorecards'];
  const svc = () => scorecardService(ctx);

  app.get('/scorecards', {
    schema: { tags, summary: 'Scorecards, newest first', description: 'An agent gets only their own.', querystring: CardQuery, response: { 200: Page(CardOut) } },
  }, async (req) => svc().repo.cardsList({ ...req.query, agentId: listedAgent(req, req.query.agentId) }));

  app.get('/scorecards/appeals', {
    schema: { tags, summary: 'Appeals, newest first', description: '?overdue=true: open past their due date. An agent gets only their own.', querystring: AppealQuery, response: { 200: Page(AppealOut) } },
  }, async (req) => svc().appeals.list({ ...req.query, agentId: listedAgent(req, req.query.agentId) }));

  app.get('/scorecards/:id', {
    schema: { tags, summary: 'One scorecard with its period, reviews, deductions and history of changes', params: IdParams, response: { 200: CardDetail } },
  }, async (req) => {
    const card = await svc().repo.card(req.params.id);
    assertOwnCard(req, card);
    const [period, reviews, deductionList, history] = await Promise.all([
      svc().repo.period(card.periodId), svc().repo.reviews(card.periodId, card.agentId), svc().appeals.deductions(card.periodId, card.agentId), svc().repo.changes(card.id),
    ]);
    return { ...card, period, reviews, deductionList, history };
  });

  app.get('/scorecards/:id/appeals', { schema: { tags, summary: 'A scorecard\'s appeals', params: IdParams, querystring: AppealQuery, response: { 200: Page(AppealOut) } } }, async (req) => {
    assertOwnCard(req, await svc().repo.card(req.params.id));
    return svc().appeals.list({ ...req.query, scorecardId: req.params.id });
  });

  app.post('/scorecards/:id/appeals', {
    config: { roles: ['admin', 'supervisor', 'agent'] },
    schema: {
      tags, summary: 'Appeal (申诉) your own published scorecard or one of its deductions',
      description: 'Answered within the scheme\'s appealDays (overdue after). Event scorecard.appeal.', params: IdParams, body: AppealIn, response: { 201: AppealOut },
    },
  }, async (req, reply) => {
    const card = await svc().repo.card(req.params.id);
    const p = principalOf(req);
    if (p.agentId !== card.agentId) throw new KefuError('FORBIDDEN', `scorecard ${card.id} is not yours: only its agent appeals it`);
    return reply.status(201).send(await svc().appeal(card.id, { deductionId: req.body.deductionId ?? null, reason: req.body.reason }));
  });

  app.post('/scorecards/:id/appeals/:appealId/decision', {
    config: { roles: MANAGERS },
    schema: {
      tags, summary: 'Answer an appeal: upheld or rejected',
      description: 'Upheld: the deduction appealed is voided, or a whole card gets `adjustment` points; totals, ranks and grades are recomputed and each change logged.',
      params: AppealParams, body: DecisionIn, response: { 200: AppealOut },
    },
  }, async (req) => {
    const a = await svc().appeals.get(req.params.appealId);
    if (a.scorecardId !== req.params.id) throw new KefuError('NOT_FOUND', `appeal ${req.params.appealId} is not on scorecard ${req.params.id}`);
    return svc().decide(a.id, { ...req.body, by: actorOf(req) });
  });
};
