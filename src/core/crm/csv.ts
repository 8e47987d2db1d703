/**
 * CSV (RFC 4180) reading and writing, no I/O. Reads what spreadsheets export:
 * UTF-8 with or without a BOM, CRLF / LF / CR line ends, quoted fields with
 * `""` escapes and line breaks inside, and a comma, semicolon or tab
 * delimiter (detected from the first line).
 */
import { KefuError } from '../errors.ts';

/** One record and the physical line (1-based) it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvParseOptions {
  /** Field delimiter; detected from the first line when absent. */
  delimiter?: ',' | ';' | '\t';
  /** Keep records whose fields are all empty (default false). */
  keepBlank?: boolean;
}

/** Picks the delimiter that occurs most often (outside quotes) on the first line. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/**
 * Parses CSV text into records. Never throws: a quote left open at the end
 * keeps the rest of the text in the last field (as spreadsheets do).
 */
export function parseCsv(input: string, opts: CsvParseOptions = {}): CsvRecord[] {
  return [...csvRecords(input, opts)];
}

/** {@link parseCsv} one record at a time, so a long file can be read in slices. */
export function* csvRecords(input: string, opts: CsvParseOptions = {}): Generator<CsvRecord, void, undefined> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delim = opts.delimiter ?? detectDelimiter(text);
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = (): CsvRecord | null => {
    fields.push(field);
    const r = opts.keepBlank || fields.some((f) => f.trim() !== '') ? { line: start, fields } : null;
    fields = [];
    field = '';
    return r;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') { field = ''; quoted = true; }
    else if (ch === delim) { fields.push(field); field = ''; }
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      const r = endRecord();
      if (r) yield r;
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) {
    const r = endRecord();
    if (r) yield r;
  }
}

/** A number or a written phone number: digits with + - . ( ) and spaces, nothing a spreadsheet can run. */
const PLAIN_NUMBER = /^[+-]?[\d\s().-]*\d[\d\s().-]*$/;

/**
 * Neutralises a cell a spreadsheet would run as a formula (OWASP "CSV
 * injection"): one starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
 * `'`. A plain number or phone number (`+86 138 0013 8000`, `-5`) is left as
 * it is: it has no function or reference to run. Every CSV writer goes
 * through this (via {@link csvField}).
 */
export function neutraliseFormula(value: string): string {
  if (/^[=@\t\r]/.test(value)) return `'${value}`;
  if (/^[+-]/.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

/**
 * One CSV cell: formulas neutralised ({@link neutraliseFormula}), then quoted
 * when it holds the delimiter, a quote or a line break, or starts or ends with
 * white space.
 */
export function csvField(value: string | number | null | undefined, delimiter = ','): string {
  const v = neutraliseFormula(value === null || value === undefined ? '' : String(value));
  return v.includes(delimiter) || /["\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Writes rows as CSV with CRLF line ends; `bom` prefixes U+FEFF so Excel reads UTF-8. */
export function writeCsv(rows: ReadonlyArray<ReadonlyArray<string | null | undefined>>, opts: { bom?: boolean } = {}): string {
  const body = rows.map((r) => r.map((v) => csvField(v)).join(',')).join('\r\n');
  return `${opts.bom ? '\ufeff' : ''}${body}${rows.length ? '\r\n' : ''}`;
}

/**
 * Text of an uploaded file: the charset its Content-Type names, else UTF-8 when
 * it decodes as such (a BOM dropped), else GB18030 (a superset of GBK, what
 * Chinese Windows spreadsheets save). An unknown charset label is a 400.
 */
export function decodeUpload(bytes: Uint8Array, charset?: string): string {
  const wanted = charset?.toLowerCase();
  if (wanted && wanted !== 'utf-8' && wanted !== 'utf8') {
    const label = wanted === 'gbk' || wanted === 'gb2312' ? 'gb18030' : wanted;
    let text: string;
    try { text = new TextDecoder(label).decode(bytes); } catch {
      throw new KefuError('BAD_REQUEST', `Content-Type charset "${charset}" is not one kefu reads: expected utf-8, gbk, gb18030 or another WHATWG label`, { field: 'content-type' });
    }
    return text.replace(/^\ufeff/, '');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\ufeff/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The charset parameter of a Content-Type header, if any. */
export const charsetOf = (contentType: string | undefined): string | undefined => /charset=["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];

