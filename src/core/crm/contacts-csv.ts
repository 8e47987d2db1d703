/**
 * Contacts in CSV: a header row names the columns, in English or Chinese
 * (姓名, 公司, 职务, 手机, 电话, 邮箱, 地址, 分组, 备注). Several phone columns
 * are allowed (phone, phone 2, mobile, tel, work phone...); one cell may hold
 * several numbers separated by `;`. Unknown columns are ignored.
 */
import { csvRecords, writeCsv, type CsvRecord } from './csv.ts';
import { collectImport, emptyDraft, finishDraft, splitGroups, splitList, text, type ContactDraft, type ImportItem, type ImportReader, type ParsedImport } from './contact.ts';

type Field = 'name' | 'company' | 'title' | 'email' | 'address' | 'groups' | 'notes';
type Column = { field: Field } | { phone: string | undefined };

const FIELDS: Record<string, Field> = {};
const alias = (field: Field, ...names: string[]) => { for (const n of names) FIELDS[n] = field; };
alias('name', 'name', 'fullname', 'displayname', 'contact', 'contactname', '姓名', '名字', '名称', '联系人', '全名');
alias('company', 'company', 'companyname', 'organization', 'organisation', 'org', '公司', '单位', '公司名称', '工作单位', '组织');
alias('title', 'title', 'jobtitle', 'position', 'role', '职务', '职位', '头衔', '职称');
alias('email', 'email', 'e-mail', 'mail', 'emailaddress', '邮箱', '电子邮件', '电子邮箱', '邮件', '邮箱地址');
alias('address', 'address', 'addr', 'postaladdress', 'streetaddress', '地址', '联系地址', '通讯地址', '住址', '公司地址');
alias('groups', 'groups', 'group', 'category', 'categories', 'tags', '分组', '群组', '组', '类别', '标签');
alias('notes', 'notes', 'note', 'comment', 'comments', 'remarks', 'memo', '备注', '说明', '附注');

/** Phone columns and the label they give (undefined: no label). */
const PHONES: Record<string, string | undefined> = {
  phone: undefined, phonenumber: undefined, number: undefined, telephonenumber: undefined, '号码': undefined, '电话号码': 'tel', '联系电话': undefined,
  mobile: 'mobile', mobilephone: 'mobile', cell: 'mobile', cellphone: 'mobile', '手机': 'mobile', '手机号': 'mobile', '手机号码': 'mobile', '移动电话': 'mobile',
  tel: 'tel', telephone: 'tel', landline: 'tel', '电话': 'tel', '座机': 'tel', '固话': 'tel', '固定电话': 'tel',
  workphone: 'work', businessphone: 'work', officephone: 'work', '办公电话': 'work', '工作电话': 'work', '单位电话': 'work',
  homephone: 'home', '住宅电话': 'home', '家庭电话': 'home',
  fax: 'fax', faxnumber: 'fax', '传真': 'fax',
};

/** Lower-cases a header and drops spaces, `_`, `-`, a trailing number (`phone 2`) and a `(…)` note. */
const headerKey = (h: string): string =>
  h.normalize('NFKC').toLowerCase().replace(/[(（][^)）]*[)）]/g, '').replace(/[\s_\-.:：]+/g, '').replace(/\d+$/, '');

function columnOf(header: string): Column | null {
  const k = headerKey(header);
  if (k in FIELDS) return { field: FIELDS[k]! };
  if (k in PHONES) return { phone: PHONES[k] };
  const labelled = /^([a-z]+)phone$/.exec(k); // "Other Phone", "Assistant Phone"
  if (labelled) return { phone: labelled[1] };
  return null;
}

/**
 * Reads contacts from CSV text. Sets `fatal` when the header has neither a
 * name, company nor phone column.
 */
export function contactsFromCsv(input: string): ParsedImport {
  return collectImport(readContactsCsv(input));
}

/** {@link contactsFromCsv} one record at a time (the header is read at once, for `fatal`). */
export function readContactsCsv(input: string): ImportReader {
  const records = csvRecords(input);
  const header = records.next();
  if (header.done) return { fatal: 'the file is empty: expected a header row and one contact per line', items: [][Symbol.iterator]() };
  const columns = header.value.fields.map(columnOf);
  const known = columns.some((c) => c !== null && ('phone' in c || c.field === 'name' || c.field === 'company'));
  if (!known) {
    return { fatal: `header row: no known column in "${header.value.fields.join(',')}": expected name, company, title, phone, mobile, tel, email, address, groups, notes (or 姓名, 公司, 职务, 手机, 电话, 邮箱, 地址)`, items: [][Symbol.iterator]() };
  }
  return { items: contactItems(records, columns) };
}

function* contactItems(records: Iterator<CsvRecord>, columns: Array<Column | null>): Generator<ImportItem, void, undefined> {
  for (let next = records.next(); !next.done; next = records.next()) {
    const r = next.value;
    const c = emptyDraft();
    r.fields.forEach((raw, i) => {
      const col = columns[i];
      const v = raw.trim();
      if (!col || v === '') return;
      if ('phone' in col) {
        for (const n of splitList(v)) c.phones.push(col.phone ? { number: n, label: col.phone } : { number: n });
      } else if (col.field === 'groups') c.groups.push(...splitGroups(v).filter((g) => !c.groups.includes(g)));
      else if (col.field === 'name') c.name = c.name ? `${c.name} ${v}` : v;
      else c[col.field] ??= text(v);
    });
    const problem = finishDraft(c);
    yield problem ? { line: r.line, error: problem } : { line: r.line, contact: c };
  }
}

/** The columns {@link contactsToCsv} always writes. */
export const CSV_COLUMNS = ['name', 'company', 'title', 'mobile', 'tel', 'phone', 'email', 'address', 'groups', 'notes'] as const;

/**
 * Writes contacts as CSV with a header row and a BOM (Excel then reads UTF-8).
 * Phones labelled mobile/tel go to those columns, unlabelled ones to `phone`,
 * other labels to a `<label> phone` column each; several numbers in one cell
 * are joined with `; `.
 */
export function contactsToCsv(contacts: Iterable<ContactDraft>): string {
  const list = [...contacts];
  const extra = [...new Set(list.flatMap((c) => c.phones.map((p) => p.label ?? '')))]
    .filter((l) => l !== '' && l !== 'mobile' && l !== 'tel' && /^[a-z]+$/.test(l)).sort();
  const columns = [...CSV_COLUMNS.slice(0, 6), ...extra.map((l) => `${l} phone`), ...CSV_COLUMNS.slice(6)];
  const rows: string[][] = [columns];
  for (const c of list) {
    const phones = (label: string | undefined) => c.phones
      .filter((p) => (label === undefined ? p.label === undefined || !(p.label === 'mobile' || p.label === 'tel' || extra.includes(p.label)) : p.label === label))
      .map((p) => p.number).join('; ');
    rows.push([c.name, c.company ?? '', c.title ?? '', phones('mobile'), phones('tel'), phones(undefined), ...extra.map(phones),
      c.email ?? '', c.address ?? '', c.groups.join('; '), c.notes ?? '']);
  }
  return writeCsv(rows, { bom: true });
}
