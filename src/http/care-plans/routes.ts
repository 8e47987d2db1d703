import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams, Page } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { actorName } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { isDate } from '../../core/care/zoned.ts';
import type { PlanSchedule, PlanTaskTemplate } from '../../core/care/plan.ts';
import type { CareService } from '../../services/care/care-service.ts';
import { checkRefs } from '../tasks/routes.ts';
import { CarePlan, CarePlanCreate, CarePlanPatch, CarePlanQuery, PlanProgress, PlanRun } from './schemas.ts';

/** What the schema cannot say: a real start date, agents that exist. */
async function checkPlan(ctx: AppContext, schedule: PlanSchedule | undefined, task: PlanTaskTemplate | undefined): Promise<void> {
  if (schedule?.type === 'every' && !isDate(schedule.start)) throw new KefuError('BAD_REQUEST', `body.schedule.start: "${schedule.start}" is not a date (YYYY-MM-DD)`, { field: 'body.schedule.start' });
  if (task?.ownerId) await checkRefs(ctx, { agentId: task.ownerId }, { customer: '', call: '', agent: 'body.task.ownerId' });
  if (task?.fallbackOwnerId) await checkRefs(ctx, { agentId: task.fallbackOwnerId }, { customer: '', call: '', agent: 'body.task.fallbackOwnerId' });
}

/** /care-plans: customer care plans (客户关怀计划), managed by admins and supervisors. */
export const carePlanRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const plans = ctx.repos.carePlans;
  const tags = ['care-plans'];
  const roles = { roles: WRITERS };
  const care = (): CareService => {
    if (!ctx.care) throw new KefuError('NOT_SUPPORTED', 'the care scheduler is not running in this process');
    return ctx.care;
  };

  app.get('/care-plans', { config: roles, schema: { tags, querystring: CarePlanQuery, response: { 200: Page(CarePlan) } } }, async (req) => plans.list(req.query));

  app.post('/care-plans', {
    config: roles,
    schema: { tags, description: 'A segment of customers, a schedule, and the task each gets per occurrence. An active plan runs at once and then every care.planRunS.', body: CarePlanCreate, response: { 201: CarePlan } },
  }, async (req, reply) => {
    await checkPlan(ctx, req.body.schedule, req.body.task);
    const p = await plans.create(req.body, actorName(req));
    if (p.active && ctx.care) await ctx.care.runPlan(p);
    return reply.status(201).send(await plans.get(p.id));
  });

  app.get('/care-plans/:id', { config: roles, schema: { tags, params: IdParams, response: { 200: CarePlan } } }, async (req) => plans.get(req.params.id));

  app.patch('/care-plans/:id', { config: roles, schema: { tags, description: 'Tasks already made stay as they are.', params: IdParams, body: CarePlanPatch, response: { 200: CarePlan } } }, async (req) => {
    await checkPlan(ctx, req.body.schedule, req.body.task);
    return plans.update(req.params.id, req.body);
  });

  app.delete('/care-plans/:id', { config: roles, schema: { tags, description: 'Its tasks stay (no longer linked to a plan).', params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await plans.delete(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/care-plans/:id/progress', { config: roles, schema: { tags, summary: 'Tasks of the current occurrence: created, done, open, overdue', params: IdParams, response: { 200: PlanProgress } } }, async (req) =>
    care().progress(await plans.get(req.params.id)));

  app.post('/care-plans/:id/run', { config: roles, schema: { tags, summary: 'Run the plan now', description: 'Makes the current occurrence\'s missing tasks; running again makes none.', params: IdParams, response: { 200: PlanRun } } }, async (req) =>
    care().runPlan(await plans.get(req.params.id)));
};
