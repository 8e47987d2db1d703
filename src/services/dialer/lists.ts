/**
 * Where a campaign's numbers come from: a CSV file (UTF-8, or GBK/GB18030 as
 * Chinese spreadsheets save it), the customers or the contacts by filter.
 * Rows are read lazily; numbers are normalised and merged by the campaign
 * service.
 */
import { csvRecords } from '../../core/crm/csv.ts';
import type { Repos } from '../../db/repos/index.ts';
import type { ListRow } from './campaigns.ts';

const NUMBER = new Set(['number', 'phone', 'mobile', 'tel', 'telephone', '号码', '电话', '手机', '电话号码', '手机号', '手机号码']);
const NAME = new Set(['name', 'contact', '姓名', '名字', '客户', '联系人']);
const PRIORITY = new Set(['priority', '优先级']);

/** Rows of a list CSV: a header row names the columns; without one, the first column is the number and the second the name. */
export function* listRowsFromCsv(text: string): Generator<ListRow | { line: number; error: string }> {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done) return;
  const header = first.value.fields.map((f) => f.trim().toLowerCase());
  const hasHeader = header.some((h) => NUMBER.has(h)) && !/\d{5,}/.test(first.value.fields.join(''));
  const col = (set: Set<string>) => header.findIndex((h) => set.has(h));
  const numberAt = hasHeader ? col(NUMBER) : 0;
  const nameAt = hasHeader ? col(NAME) : 1;
  const priorityAt = hasHeader ? col(PRIORITY) : -1;
  const row = (r: { line: number; fields: string[] }): ListRow | { line: number; error: string } => {
    const number = (r.fields[numberAt] ?? '').trim();
    if (!number) return { line: r.line, error: 'no number in this row' };
    const p = priorityAt >= 0 ? (r.fields[priorityAt] ?? '').trim() : '';
    if (p && !/^-?\d{1,3}$/.test(p)) return { line: r.line, error: `priority "${p.slice(0, 20)}" is not a whole number` };
    const data: Record<string, unknown> = {};
    if (hasHeader) header.forEach((h, i) => { if (i !== numberAt && i !== nameAt && i !== priorityAt && h && r.fields[i]) data[first.value.fields[i]!.trim()] = r.fields[i]!.slice(0, 500); });
    return { line: r.line, number, name: (r.fields[nameAt] ?? '').trim() || null, data, ...(p ? { priority: Number(p) } : {}) };
  };
  if (!hasHeader) yield row(first.value);
  for (let n = records.next(); !n.done; n = records.next()) yield row(n.value);
}

/** Every phone of every customer matching the filter (paged through the repository). */
export async function rowsFromCustomers(repos: Repos, f: { tier?: string | undefined; q?: string | undefined }): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.customers.list({ limit: 500, cursor, tier: f.tier, q: f.q });
    for (const c of page.items) for (const p of c.phones) rows.push({ number: p.number, name: c.name, customerId: c.id, line: rows.length + 1 });
    cursor = page.next ?? undefined;
  } while (cursor);
  return rows;
}

export async function rowsFromContacts(repos: Repos, f: { group?: string | undefined; q?: string | undefined }): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.contacts.list({ limit: 500, cursor, group: f.group, q: f.q });
    for (const c of page.items) for (const p of c.phones) rows.push({ number: p.number, name: c.name, line: rows.length + 1 });
    cursor = page.next ?? undefined;
  } while (cursor);
  return rows;
}
