/**
 * Blacklist CSV: one number or prefix per line, then optional direction and
 * reason columns (`0755*,inbound,spam`; a prefix ends in `*`). A first row of
 * column names (number, prefix, value, kind, direction, reason, or 号码, 前缀,
 * 方向, 原因) is recognised and may put the columns in any order.
 */
import { csvRecords } from '../../core/crm/csv.ts';
import { countLines } from '../contacts/import.ts';
import type { BlacklistImportRow } from '../../services/blacklist.ts';
import type { Direction } from '../../core/blacklist/records.ts';

type Col = 'number' | 'prefix' | 'value' | 'kind' | 'direction' | 'reason';
const HEADERS: Record<string, Col> = {
  number: 'number', phone: 'number', 号码: 'number', 电话: 'number', 手机: 'number', 电话号码: 'number',
  prefix: 'prefix', 前缀: 'prefix', 号段: 'prefix',
  value: 'value', entry: 'value',
  kind: 'kind', type: 'kind', 类型: 'kind',
  direction: 'direction', 方向: 'direction',
  reason: 'reason', note: 'reason', notes: 'reason', 原因: 'reason', 备注: 'reason',
};

const DIRECTIONS: Record<string, Direction> = {
  inbound: 'inbound', in: 'inbound', incoming: 'inbound', 呼入: 'inbound',
  outbound: 'outbound', out: 'outbound', outgoing: 'outbound', 呼出: 'outbound',
  both: 'both', all: 'both', any: 'both', 双向: 'both', 全部: 'both',
};

const isHeader = (fields: string[]) => fields.some((f) => HEADERS[f.trim().toLowerCase()] !== undefined) && !/\d/.test(fields.join(''));

/** Data lines of a blacklist CSV (a header row, when there is one, excluded): what the row cap counts. */
export function blacklistCsvLines(text: string): number {
  const first = csvRecords(text).next();
  return Math.max(0, countLines(text) - (!first.done && isHeader(first.value.fields) ? 1 : 0));
}

/** Rows for BlacklistService.import, read lazily, and problems found while reading (bad direction, bad kind). */
export function* blacklistRowsFromCsv(text: string): Generator<BlacklistImportRow | { line: number; error: string }, void, undefined> {
  const records = csvRecords(text);
  let cols: Array<Col | null> = ['value', 'direction', 'reason'];
  let first: ReturnType<typeof records.next> | null = records.next();
  if (!first.done) {
    if (isHeader(first.value.fields)) {
      cols = first.value.fields.map((f) => HEADERS[f.trim().toLowerCase()] ?? null);
      first = null;
    }
  }
  const all = function* () {
    if (first && !first.done) yield first.value;
    for (let n = records.next(); !n.done; n = records.next()) yield n.value;
  };
  for (const r of all()) {
    const get = (c: Col) => {
      const i = cols.indexOf(c);
      return i < 0 ? '' : (r.fields[i] ?? '').trim();
    };
    const rawDir = get('direction').toLowerCase();
    const direction = rawDir === '' ? 'both' : DIRECTIONS[rawDir];
    if (!direction) {
      yield { line: r.line, error: `direction "${rawDir}" must be one of inbound, outbound, both` };
      continue;
    }
    const row: BlacklistImportRow = { line: r.line, direction, reason: get('reason') || null };
    const kind = get('kind').toLowerCase();
    let value = get('value');
    if (kind !== '' && kind !== 'number' && kind !== 'prefix') {
      yield { line: r.line, error: `kind "${kind}" must be number or prefix` };
      continue;
    }
    if (value !== '') {
      if (kind === 'prefix' || value.endsWith('*')) row.prefix = value.replace(/\*+$/, '');
      else row.number = value;
    } else {
      value = get('number');
      if (value.endsWith('*')) row.prefix = value.replace(/\*+$/, '');
      else if (value !== '') row.number = value;
      if (get('prefix') !== '') row.prefix = get('prefix').replace(/\*+$/, '');
    }
    yield row;
  }
}
