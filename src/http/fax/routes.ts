import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import type { Role } from '../../db/repos/keys.ts';
import { KefuError } from '../../core/errors.ts';
import type { FaxRow } from '../../db/repos/fax.ts';
import { renderPdfPage } from '../../services/fax/documents.ts';
import { Fax, FaxList, FaxPdf, FaxQuery, FaxSendQuery, PageParams } from './schemas.ts';

/** Everyone with a key reads and sends faxes (agents at the desk too). */
const FAX_ROLES: readonly Role[] = ['admin', 'supervisor', 'agent', 'integrator'];

/** /fax: send a PDF, the inbox and outbox, each fax's document and pages. */
export const faxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['fax'];
  const svc = () => {
    if (!ctx.fax) throw new KefuError('UNPROCESSABLE', 'fax is not available');
    return ctx.fax;
  };
  const out = (f: FaxRow) => {
    const { sourceFile: _s, tiffFile: _t, pdfFile: _p, ...rest } = f;
    return { ...rest, documentUrl: f.pdfFile ? `/api/v1/fax/${f.id}/document` : null };
  };
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/fax', {
    config: { roles: FAX_ROLES },
    bodyLimit: ctx.config.fax.maxBytes,
    schema: {
      tags, summary: 'Send a PDF as a fax',
      description: 'The body is the PDF (Content-Type application/pdf, at most fax.maxBytes). It is converted to fax pages (TIFF-F) at once and queued; `fax.status` events follow (sending, then sent or failed; failed attempts are retried per fax.retry).',
      querystring: FaxSendQuery,
      body: { content: { 'application/pdf': { schema: FaxPdf } } },
      response: { 202: Fax },
    },
  }, async (req, reply) => {
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body)) throw new KefuError('BAD_REQUEST', 'document: send the PDF as the body with Content-Type application/pdf', { field: 'document' });
    const f = await svc().send({ pdf: body, number: req.query.number, lineId: req.query.line });
    return reply.status(202).send(out(f));
  });

  app.get('/fax', {
    config: { roles: FAX_ROLES },
    schema: { tags, summary: 'List faxes, newest first', querystring: FaxQuery, response: { 200: FaxList } },
  }, async (req) => {
    const q = req.query;
    const number = q.number !== undefined ? ctx.numbers.require(q.number, 'number') : undefined;
    const p = await ctx.repos.fax.list({ ...q, number });
    return { items: p.items.map(out), next: p.next };
  });

  app.get('/fax/:id', {
    config: { roles: FAX_ROLES },
    schema: { tags, summary: 'One fax', params: IdParams, response: { 200: Fax } },
  }, async (req) => out(await ctx.repos.fax.get(req.params.id)));

  const fileOf = async (f: FaxRow, rel: string | null, what: string): Promise<{ path: string; size: number }> => {
    if (!rel) throw new KefuError('NOT_FOUND', `fax ${f.id} has no ${what} (status ${f.status})`);
    const path = svc().filePath(rel);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) throw new KefuError('NOT_FOUND', `the ${what} of fax ${f.id} is missing`);
    return { path, size: st.size };
  };

  app.get('/fax/:id/document', {
    config: { roles: FAX_ROLES },
    schema: {
      tags, summary: 'The document as PDF', description: 'Outbound: the PDF as sent to kefu; inbound: the pages received, as PDF. 404 before there is one.',
      params: IdParams, response: { 200: { description: 'the PDF', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const f = await ctx.repos.fax.get(req.params.id);
    const file = await fileOf(f, f.pdfFile, 'document');
    reply.type('application/pdf').header('content-length', String(file.size)).header('cache-control', 'private, max-age=0')
      .header('content-disposition', `inline; filename="fax-${f.id}.pdf"`);
    return (reply as FastifyReply).send(createReadStream(file.path));
  });

  app.get('/fax/:id/pages/:page', {
    config: { roles: FAX_ROLES },
    schema: {
      tags, summary: 'One page as PNG (100 dpi, for the page viewer)', params: PageParams,
      response: { 200: { description: 'the page', content: { 'image/png': { schema: Type.String({ format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const f = await ctx.repos.fax.get(req.params.id);
    const pdf = await fileOf(f, f.pdfFile, 'document');
    if (f.pages !== null && req.params.page > f.pages) throw new KefuError('NOT_FOUND', `fax ${f.id} has ${f.pages} page(s)`);
    const png = join(dirname(pdf.path), `page-${req.params.page}.png`);
    if (!(await stat(png).catch(() => null))?.isFile()) {
      // rendered under a name of its own, then moved in place: a request meanwhile never reads a half-written page
      const tmp = `${png}.${randomUUID()}.tmp`;
      try {
        await renderPdfPage(pdf.path, req.params.page, tmp);
        await rename(tmp, png).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') throw new KefuError('NOT_FOUND', `fax ${f.id} has no page ${req.params.page}`);
          throw err;
        });
      } finally {
        await rm(tmp, { force: true });
      }
    }
    const st = await stat(png).catch(() => null);
    if (!st?.isFile() || st.size === 0) throw new KefuError('NOT_FOUND', `fax ${f.id} has no page ${req.params.page}`);
    reply.type('image/png').header('content-length', String(st.size)).header('cache-control', 'private, max-age=3600');
    return (reply as FastifyReply).send(createReadStream(png));
  });
};
