import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Readable } from 'node:stream';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { actingAgent } from '../ownership.ts';
import { KefuError } from '../../core/errors.ts';
import { checkRowCap } from '../../services/imports/slices.ts';
import { countLines } from '../contacts/import.ts';
import { listRowsFromCsv, rowsFromContacts, rowsFromCustomers } from '../../services/dialer/lists.ts';
import { charsetOf, decodeUpload } from '../../core/crm/csv.ts';
import { attemptsCsv, auditCsv, auditPdf } from '../../services/dialer/audit-export.ts';
import type { ListRow } from '../../services/dialer/campaigns.ts';
import type { SettingsInput } from '../../core/dialer/campaign.ts';
import {
  AttemptOut, AttemptQuery, CampaignCreate, CampaignList, CampaignOut, CampaignPatch, CampaignQuery, ComplianceOut, ComplianceQuery, ExportQuery,
  ListResult, NumberOut, NumberQuery, NumbersCsv, NumbersJson, PreviewAsk, PreviewDone, PreviewOut, PreviewParams, StatsOut,
} from './schemas.ts';
import { Page } from '../common.ts';

/** /campaigns: outbound campaigns (the dialer), their lists, attempts, figures and compliance audit. */
export const campaignRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['campaigns'];
  const svc = () => {
    if (!ctx.campaigns) throw new KefuError('UNPROCESSABLE', 'campaigns are not available');
    return ctx.campaigns;
  };
  const repo = ctx.repos.campaigns;
  // cluster.enabled: changes to a campaign's run (the dialer drives the Asterisk node) go to the node's owner
  // A list file is taken as bytes: Chinese spreadsheets save CSV in GBK.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/campaigns', { schema: { tags, summary: 'List campaigns, newest first', querystring: CampaignQuery, response: { 200: CampaignList } } }, async (req) => repo.list(req.query));

  app.post('/campaigns', {
    config: { roles: WRITERS },
    schema: { tags, summary: 'Create a campaign (draft)', description: 'Settings left out take the defaults (calling window 08:00–21:00, ring 25 s, abandonment cap 3 %, connect limit 2 s).', body: CampaignCreate, response: { 201: CampaignOut } },
  }, async (req, reply) => reply.status(201).send(await svc().create({ ...req.body, settings: req.body.settings as SettingsInput | undefined })));

  app.get('/campaigns/:id', { schema: { tags, summary: 'One campaign', params: IdParams, response: { 200: CampaignOut } } }, async (req) => repo.get(req.params.id));

  app.patch('/campaigns/:id', {
    config: { roles: WRITERS, nodeOwner: true },
    schema: { tags, summary: 'Change a campaign', description: 'Takes effect at once, also while it runs (the mode only while it does not).', params: IdParams, body: CampaignPatch, response: { 200: CampaignOut } },
  }, async (req) => svc().update(req.params.id, { ...req.body, settings: req.body.settings as SettingsInput | undefined }));

  app.delete('/campaigns/:id', {
    config: { roles: WRITERS, nodeOwner: true },
    schema: { tags, summary: 'Delete a draft or finished campaign with its list and attempts', params: IdParams, response: { 204: Type.Null() } },
  }, async (req, reply) => { await svc().remove(req.params.id); return reply.status(204).send(null); });

  const ACTIONS = {
    start: 'Start (draft or paused → running)',
    pause: 'Pause: no new dials from now on; calls still ringing end, calls with agents go on',
    stop: 'Stop for good (finished); calls still ringing end',
  } as const;
  for (const action of ['start', 'pause', 'stop'] as const) {
    app.post(`/campaigns/:id/${action}`, {
      config: { roles: WRITERS, nodeOwner: true },
      schema: { tags, summary: ACTIONS[action], params: IdParams, response: { 200: CampaignOut } },
    }, async (req) => svc().act(req.params.id, action));
  }

  app.post('/campaigns/:id/numbers', {
    config: { roles: WRITERS, recordsChecked: true },
    bodyLimit: ctx.config.imports.maxBytes,
    schema: {
      tags, summary: 'Add numbers to the list',
      description: 'JSON { numbers } or a filter over customers or contacts, or a CSV file (UTF-8 or GBK). Numbers are normalised; one already on the list is merged. Bad rows are reported by line and skipped.',
      params: IdParams, body: { content: { 'application/json': { schema: NumbersJson }, 'text/csv': { schema: NumbersCsv } } }, response: { 200: ListResult },
    },
  }, async (req) => {
    const body: unknown = req.body;
    if (Buffer.isBuffer(body)) {
      const text = decodeUpload(body, charsetOf(req.headers['content-type']));
      checkRowCap(Math.max(0, countLines(text) - 1), ctx.config.imports, 'lines');
      return svc().addNumbers(req.params.id, listRowsFromCsv(text));
    }
    const b = (body ?? {}) as { numbers?: Array<Omit<ListRow, 'line'>>; fromCustomers?: { tier?: string; q?: string }; fromContacts?: { group?: string; q?: string } };
    const rows: ListRow[] = (b.numbers ?? []).map((n, i) => ({ ...n, line: i + 1 }));
    if (b.fromCustomers) rows.push(...await rowsFromCustomers(ctx.repos, b.fromCustomers));
    if (b.fromContacts) rows.push(...await rowsFromContacts(ctx.repos, b.fromContacts));
    if (!b.numbers && !b.fromCustomers && !b.fromContacts) throw new KefuError('BAD_REQUEST', 'body: give numbers, fromCustomers or fromContacts (or a CSV file)', { field: 'body' });
    checkRowCap(rows.length, ctx.config.imports, 'numbers');
    return svc().addNumbers(req.params.id, rows);
  });

  app.get('/campaigns/:id/numbers', { schema: { tags, summary: 'The list: numbers and where each stands', params: IdParams, querystring: NumberQuery, response: { 200: Page(NumberOut) } } },
    async (req) => { await repo.get(req.params.id); return repo.numbers(req.params.id, req.query); });

  app.get('/campaigns/:id/attempts', { schema: { tags, summary: 'Every attempt, newest first', params: IdParams, querystring: AttemptQuery, response: { 200: Page(AttemptOut) } } },
    async (req) => { await repo.get(req.params.id); return repo.attempts(req.params.id, req.query); });

  app.get('/campaigns/:id/attempts/export', {
    schema: { tags, summary: 'Every attempt as CSV', params: IdParams, response: { 200: { description: 'the file', content: { 'text/csv': { schema: Type.String() } } } } },
  }, async (req, reply) => {
    await repo.get(req.params.id);
    return (reply as FastifyReply).type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="campaign-${req.params.id}-attempts.csv"`)
      .send(Readable.from(attemptsCsv(repo.scanAttempts(req.params.id))));
  });

  app.get('/campaigns/:id/stats', { schema: { tags, summary: 'Progress: counts by outcome, remaining, ETA, dial rate, live abandonment', params: IdParams, response: { 200: StatsOut } } },
    async (req) => svc().stats(req.params.id));

  app.get('/campaigns/:id/compliance', {
    schema: { tags, summary: 'Abandonment over 24 h and 30 days, and the abandoned calls', description: 'Computed from the attempt records: abandoned ÷ live-answered.', params: IdParams, querystring: ComplianceQuery, response: { 200: ComplianceOut } },
  }, async (req) => {
    const figures = await svc().compliance(req.params.id);
    const page = await svc().abandonedSince(req.params.id, req.query.limit, req.query.cursor);
    return { ...figures, abandoned: page.items, next: page.next };
  });

  app.get('/campaigns/:id/compliance/export', {
    schema: { tags, summary: 'The compliance audit as CSV or PDF', params: IdParams, querystring: ExportQuery, response: { 200: { description: 'the file', content: { 'text/csv': { schema: Type.String() }, 'application/pdf': { schema: Type.String({ format: 'binary' }) } } } } },
  }, async (req, reply) => {
    const campaign = await repo.get(req.params.id);
    const figures = await svc().compliance(req.params.id);
    const abandoned = [];
    for await (const chunk of repo.scanAttempts(req.params.id, { abandoned: true })) abandoned.push(...chunk);
    const audit = { ...figures, campaign, generatedAt: new Date(), abandoned };
    const name = `campaign-${campaign.id}-compliance`;
    if (req.query.format === 'pdf') return (reply as FastifyReply).type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(Buffer.from(await auditPdf(audit)));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(auditCsv(audit));
  });

  app.post('/campaigns/:id/preview', {
    config: { nodeOwner: true },
    schema: { tags, summary: 'Preview: the next record for an agent', description: 'Held for that agent until they dial or skip it (or the countdown dials it). An agent asks for themself; supervisors may name one.', params: IdParams, body: PreviewAsk, response: { 200: PreviewOut } },
  }, async (req) => {
    const agentId = actingAgent(req, req.body.agentId);
    if (!agentId) throw new KefuError('BAD_REQUEST', 'body.agentId: name the agent the record is for', { field: 'body.agentId' });
    const c = await repo.get(req.params.id);
    if (c.mode !== 'preview') throw new KefuError('CONFLICT', `campaign ${c.id} is ${c.mode}, not preview`, { reason: 'not-preview' });
    const number = await svc().runner(req.params.id).preview(agentId);
    return { number, countdownS: number ? c.settings.previewCountdownS : null };
  });

  for (const action of ['dial', 'skip'] as const) {
    app.post(`/campaigns/:id/preview/:numberId/${action}`, {
      config: { nodeOwner: true },
      schema: { tags, summary: action === 'dial' ? 'Preview: dial the record shown' : 'Preview: skip the record shown (back on the list in an hour)', params: PreviewParams, body: PreviewAsk, response: { 200: PreviewDone } },
    }, async (req) => {
      const agentId = actingAgent(req, req.body.agentId);
      if (!agentId) throw new KefuError('BAD_REQUEST', 'body.agentId: name the agent', { field: 'body.agentId' });
      const runner = svc().runner(req.params.id);
      if (action === 'skip') { await runner.previewSkip(req.params.numberId, agentId); return { attemptId: null }; }
      return { attemptId: await runner.previewDial(req.params.numberId, agentId) };
    });
  }
};
