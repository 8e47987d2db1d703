/**
 * The roster's bulk operations: export of the filtered roster (CSV with a
 * BOM so Excel reads Chinese, or XLSX), numbers shared by several customers,
 * and merging duplicates into one customer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import ExcelJS from 'exceljs';
import type { AppContext } from '../context.ts';
import { ListQuery, Uuid } from '../common.ts';
import { WRITERS } from '../auth.ts';
import { KefuError } from '../../core/errors.ts';
import { writeCsv } from '../../core/crm/csv.ts';
import { rosterTable, type Cell } from '../../core/crm/roster-export.ts';
import { Customer, ExportQuery } from './schemas.ts';

const DuplicatePage = Type.Object({
  items: Type.Array(Type.Object({ number: Type.String({ description: 'the normalised number they share' }), customers: Type.Array(Customer) })),
  next: Type.Union([Type.String(), Type.Null()]),
});
const MergeBody = Type.Object({
  into: Uuid,
  from: Type.Array(Uuid, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'customers merged into `into` and then deleted' }),
}, { additionalProperties: false });
const MergeResult = Type.Object({
  customer: Customer,
  merged: Type.Array(Type.String()),
  moved: Type.Record(Type.String(), Type.Integer(), { description: 'rows re-pointed at the survivor, by table.column' }),
});

async function xlsx(header: string[], rows: Cell[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'kefu';
  const ws = wb.addWorksheet('Customers', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  // Strings go in as shared strings, never formulas: a cell starting with "=" stays text.
  for (const r of rows) ws.addRow(r.map((c) => c ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const customerRosterRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['customers'];
  const max = ctx.config.crm.exportMaxRows;

  app.get('/customers/export', {
    config: { roles: WRITERS },
    schema: {
      tags, summary: 'Export the filtered roster as CSV or XLSX',
      description: `The same search and filters as GET /customers, every matching customer in the sort asked for, at most crm.exportMaxRows (now ${max}); more is refused with 422 (narrow the filters). CSV is UTF-8 with a BOM, cells that look like formulas get a leading apostrophe.`,
      querystring: ExportQuery,
      response: { 200: { description: 'the file', content: { 'text/csv': { schema: Type.String() }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: Type.String({ format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const { format, phone, ...filter } = req.query;
    const all = await ctx.repos.customers.all({ ...filter, phone: phone === undefined ? undefined : ctx.numbers.require(phone, 'querystring.phone') }, max);
    if (all.more) throw new KefuError('UNPROCESSABLE', `more than ${max} customers match; narrow the filters (crm.exportMaxRows)`, { max });
    const { header, rows } = rosterTable(all.items, await ctx.repos.customerFields.list());
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="customers-${stamp}.${format}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(writeCsv([header, ...rows.map((r) => r.map((c) => (c === null ? null : String(c))))], { bom: true }));
    return (reply as FastifyReply).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await xlsx(header, rows));
  });

  app.get('/customers/duplicates', {
    config: { roles: WRITERS },
    schema: { tags, summary: 'Customers sharing a normalised number (merge candidates)', querystring: Type.Object(ListQuery, { additionalProperties: false }), response: { 200: DuplicatePage } },
  }, async (req) => ctx.repos.customers.duplicates(req.query));

  app.post('/customers/merge', {
    config: { roles: WRITERS },
    schema: {
      tags, summary: 'Merge duplicate customers into one',
      description: 'In one transaction: every row pointing at a merged customer (interactions, calls, SMS, faxes, complaints, surveys, campaign numbers, tasks…) is re-pointed at `into`; phones and tags are united; empty fields and card keys of `into` are filled from the merged ones (in the order given); the merged customers are deleted; a note on the timeline records it. 404 when a customer does not exist, 409 when `into` is also in `from`.',
      body: MergeBody, response: { 200: MergeResult },
    },
  }, async (req) => {
    if (req.body.from.includes(req.body.into)) throw new KefuError('CONFLICT', 'from: a customer cannot be merged into itself', { field: 'from' });
    return ctx.repos.customers.merge(req.body.into, req.body.from, req.principal?.name ?? null);
  });
};
