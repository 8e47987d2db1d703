import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { IdParams } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { normalizePrefix } from '../../core/numbers/prefix.ts';
import { BlacklistCreate, BlacklistEntry, BlacklistList, BlacklistQuery, CheckQuery, CheckResult, ImportCsv, ImportJson, ImportResult } from './schemas.ts';
import { blacklistCsvLines, blacklistRowsFromCsv } from './csv-import.ts';
import { importOptions } from '../contacts/import.ts';
import { checkRowCap } from '../../services/imports/slices.ts';
import type { BlacklistImportResult } from '../../services/blacklist.ts';

/** /blacklist: blocked numbers and prefixes per direction; changes take effect at once. */
export const blacklistRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { blacklist: repo } = ctx.repos;
  const tags = ['blacklist'];
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/blacklist', { schema: { tags, summary: 'List entries, newest first', querystring: BlacklistQuery, response: { 200: BlacklistList } } }, async (req) => {
    const { q, ...rest } = req.query;
    // Digits are searched as written ("138 0013" -> 1380013); a leading 0, 00 or +
    // is normalised the way entries are stored (0755 -> +86755).
    let text = q;
    if (q !== undefined && /^[\d\s\-()+]+$/.test(q)) {
      const digits = q.replace(/[\s\-()]/g, '');
      text = /^[0+]/.test(digits) ? (normalizePrefix(digits, { defaultRegion: ctx.numbers.defaultRegion }) ?? digits) : digits;
    }
    return repo.list({ ...rest, q: text });
  });

  app.post('/blacklist', {
    config: { roles: WRITERS, errors: { 409: 'the same entry exists' } },
    schema: { tags, summary: 'Block a number or a prefix', description: 'Exactly one of number or prefix. 409 when the same entry exists.', body: BlacklistCreate, response: { 201: BlacklistEntry } },
  }, async (req, reply) => {
    const e = await ctx.blacklist.add({ ...req.body, direction: req.body.direction ?? 'both' });
    return reply.status(201).send(e);
  });

  app.delete('/blacklist/:id', { config: { roles: WRITERS }, schema: { tags, summary: 'Unblock (delete an entry)', params: IdParams, response: { 204: Type.Null() } } }, async (req, reply) => {
    await ctx.blacklist.remove(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/blacklist/check', {
    schema: { tags, summary: 'Would a call to or from this number be blocked?', description: 'An exact entry wins over prefixes; the longest prefix wins.', querystring: CheckQuery, response: { 200: CheckResult } },
  }, async (req) => {
    const number = ctx.numbers.key(req.query.number);
    if (number === '') throw new KefuError('BAD_REQUEST', `querystring.number "${req.query.number}" has no digits`, { field: 'querystring.number' });
    const v = ctx.blacklist.checkKey(number, req.query.direction);
    if (!v.match) return { number, blocked: false, match: null };
    const wanted = req.query.direction;
    const rows = await repo.find(v.match.kind === 'exact' ? 'number' : 'prefix', v.match.value);
    const entry = rows.find((r) => r.direction === wanted) ?? rows.find((r) => r.direction === 'both') ?? null;
    return { number, blocked: true, match: { ...v.match, entry } };
  });

  app.post('/blacklist/import', {
    // A CSV/vCard file is checked record by record: a bad record (NUL...) is reported by line, the rest imported.
    config: { roles: WRITERS, recordsChecked: true },
    bodyLimit: ctx.config.imports.maxBytes,
    schema: {
      tags, summary: 'Bulk import numbers and prefixes',
      description: 'JSON { entries: [...] }, or text/csv: one number or prefix (ending in *) per line with optional direction and reason columns. Existing entries count as duplicates; bad lines are reported and skipped. At most imports.maxRows lines or entries; written in batches, with `import.progress` events on the way.',
      body: { content: { 'application/json': { schema: ImportJson }, 'text/csv': { schema: ImportCsv } } },
      response: { 200: ImportResult },
    },
  }, async (req): Promise<BlacklistImportResult> => {
    const body: unknown = req.body;
    if (body === undefined || body === null) throw new KefuError('BAD_REQUEST', 'body: JSON { entries } or a text/csv file is required', { field: 'body' });
    if (typeof body === 'string') {
      const total = blacklistCsvLines(body);
      checkRowCap(total, ctx.config.imports, 'lines');
      return ctx.blacklist.import(blacklistRowsFromCsv(body), importOptions(ctx, 'blacklist', total));
    }
    const { entries } = body as { entries: Array<{ number?: string; prefix?: string; direction?: 'inbound' | 'outbound' | 'both'; reason?: string | null }> };
    checkRowCap(entries.length, ctx.config.imports, 'entries');
    return ctx.blacklist.import(entries.map((e, i) => ({ ...e, line: i + 1 })), importOptions(ctx, 'blacklist', entries.length));
  });
};
