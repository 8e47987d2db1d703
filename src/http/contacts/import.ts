/** The HTTP side of customer and contact imports: the file types taken, the body read lazily, the batch options. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ImportReader } from '../../core/crm/contact.ts';
import { KefuError } from '../../core/errors.ts';
import { readContactsCsv } from '../../core/crm/contacts-csv.ts';
import { readVcards } from '../../core/crm/vcard.ts';
import { charsetOf, decodeUpload } from '../../core/crm/csv.ts';
import { ImportProgress, type ImportKind, type ImportLimits } from '../../services/imports/slices.ts';
import type { AppContext } from '../context.ts';
import { ImportBody, VCARD_TYPES } from './schemas.ts';

/** Lets a route plugin take CSV and vCard files as request bodies, as text: UTF-8, or GBK as Chinese spreadsheets save it (decodeUpload). */
export function acceptImportFiles(app: Pick<FastifyInstance, 'addContentTypeParser'>): void {
  app.addContentTypeParser(['text/csv', 'application/csv', ...VCARD_TYPES], { parseAs: 'buffer' }, (req, body, done) => {
    try { done(null, decodeUpload(body as Buffer, charsetOf(req.headers['content-type']))); } catch (err) { done(err as Error, undefined); }
  });
}

/** The OpenAPI body of an import route: the file under each content type it takes. */
export const importBodySchema = { content: Object.fromEntries(['text/csv', ...VCARD_TYPES].map((t) => [t, { schema: ImportBody }])) };

/** Lines of a text (an upper bound of its CSV records: a quoted cell may hold line breaks). */
export function countLines(text: string): number {
  const nl = text.includes('\n') ? '\n' : '\r';
  let n = text.length > 0 && !text.endsWith(nl) ? 1 : 0;
  for (let i = text.indexOf(nl); i !== -1; i = text.indexOf(nl, i + 1)) n++;
  return n;
}

/**
 * An import request's body, read lazily: vCard by its content type (or a
 * text/plain file that starts like one), else CSV. `total` is the record
 * count the row cap and progress use (CSV lines after the header, vCards).
 */
export function parseImportBody(body: unknown, contentType: string | undefined): { reader: ImportReader; total: number; what: string } {
  if (typeof body !== 'string') throw new KefuError('BAD_REQUEST', 'body: expected a file with Content-Type text/csv or text/vcard', { field: 'body' });
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const vcard = VCARD_TYPES.includes(type) || (type === 'text/plain' && /^\ufeff?\s*BEGIN:VCARD/i.test(body));
  if (vcard) return { reader: readVcards(body), total: body.match(/^\s*BEGIN:VCARD/gim)?.length ?? 0, what: 'vCards' };
  return { reader: readContactsCsv(body), total: Math.max(0, countLines(body) - 1), what: 'lines after the header' };
}

/** The batch options of imports (config `imports`) and their progress reporter. */
export function importOptions(ctx: Pick<AppContext, 'config' | 'bus'>, kind: ImportKind, total: number): { limits: ImportLimits; progress: ImportProgress } {
  return { limits: ctx.config.imports, progress: new ImportProgress(ctx.bus, randomUUID(), kind, total) };
}
