/**
 * vCard (RFC 2426 3.0, RFC 6350 4.0, and the 2.1 that older phones export)
 * to and from {@link ContactDraft}s, no I/O. Reads several cards per file,
 * folded lines, `group.` prefixes, `CHARSET=` with `ENCODING=QUOTED-PRINTABLE`
 * (soft line breaks too), `tel:` URIs, and FN/N/ORG/TITLE/TEL/EMAIL/ADR/NOTE/
 * CATEGORIES. Writes vCard 3.0 (read by iOS, Android, Outlook and Gmail).
 */
import { collectImport, emptyDraft, finishDraft, splitGroups, text, type ContactDraft, type ImportItem, type ImportReader, type ParsedImport } from './contact.ts';

interface Property {
  name: string;
  params: Map<string, string[]>;
  value: string;
}

/** Joins folded lines and QUOTED-PRINTABLE soft breaks; keeps each logical line's first physical line number. */
function logicalLines(input: string): Array<{ line: number; text: string }> {
  const physical = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).split(/\r\n|\r|\n/);
  const out: Array<{ line: number; text: string }> = [];
  for (let i = 0; i < physical.length; i++) {
    const l = physical[i]!;
    const last = out[out.length - 1];
    if (last && (l.startsWith(' ') || l.startsWith('\t'))) { last.text += l.slice(1); continue; }
    if (last && /QUOTED-PRINTABLE/i.test(last.text.split(':')[0] ?? '') && last.text.endsWith('=')) {
      last.text = last.text.slice(0, -1) + l;
      continue;
    }
    out.push({ line: i + 1, text: l });
  }
  return out;
}

/** Splits at `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseProperty(line: string): Property | null {
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) { colon = i; break; }
  }
  if (colon <= 0) return null;
  const [head = '', ...rawParams] = splitOutsideQuotes(line.slice(0, colon), ';');
  const name = head.replace(/^.*\./, '').toUpperCase();
  const params = new Map<string, string[]>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    // vCard 2.1 bare parameters: TEL;CELL;VOICE:... and ;QUOTED-PRINTABLE
    const key = eq < 0 ? (/^(QUOTED-PRINTABLE|BASE64|8BIT|7BIT)$/i.test(p) ? 'ENCODING' : 'TYPE') : p.slice(0, eq).toUpperCase();
    const vals = eq < 0 ? [p] : p.slice(eq + 1).replaceAll('"', '').split(',');
    params.set(key, [...(params.get(key) ?? []), ...vals.map((v) => v.toLowerCase())]);
  }
  return { name, params, value: line.slice(colon + 1) };
}

function decodeQuotedPrintable(s: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  try {
    return new TextDecoder(charset).decode(new Uint8Array(bytes));
  } catch {
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
  }
}

/** Splits a structured value at unescaped `;` and unescapes each component. */
function components(value: string, sep = ';'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      const n = value[++i]!;
      cur += n === 'n' || n === 'N' ? '\n' : n;
    } else if (ch === sep) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unescape = (v: string): string => components(v, '\u0000')[0] ?? '';
const hasCjk = (s: string): boolean => /[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]/.test(s);

const PHONE_LABELS: Array<[string, string]> = [['cell', 'mobile'], ['fax', 'fax'], ['work', 'work'], ['home', 'home'], ['pager', 'pager']];
const GENERIC_TYPES = new Set(['pref', 'voice', 'text', 'msg', 'internet', 'x-', '']);

/** The draft label for TEL types: cell -> mobile, then fax/work/home, another named type, or voice -> tel. */
function phoneLabel(types: string[]): string | undefined {
  const known = PHONE_LABELS.find(([t]) => types.includes(t))?.[1];
  if (known) return known;
  const other = types.find((t) => !GENERIC_TYPES.has(t) && /^[a-z][a-z0-9-]*$/.test(t));
  if (other) return other;
  return types.includes('voice') ? 'tel' : undefined;
}

function applyProperty(c: ContactDraft, p: Property, seen: { fn: boolean; n: string | null }): void {
  const enc = p.params.get('ENCODING') ?? [];
  if (enc.includes('b') || enc.includes('base64')) return;
  const value = enc.includes('quoted-printable') ? decodeQuotedPrintable(p.value, p.params.get('CHARSET')?.[0] ?? 'utf-8') : p.value;
  switch (p.name) {
    case 'FN': if (!seen.fn) { c.name = unescape(value).trim(); seen.fn = c.name !== ''; } break;
    case 'N': {
      const [family = '', given = '', middle = '', prefix = '', suffix = ''] = components(value).map((x) => x.trim());
      seen.n = hasCjk(family + given) ? `${family}${given}` : [prefix, given, middle, family, suffix].filter(Boolean).join(' ');
      break;
    }
    case 'ORG': c.company ??= text(components(value).map((x) => x.trim()).filter(Boolean).join(' ')); break;
    case 'TITLE': c.title ??= text(unescape(value)); break;
    case 'EMAIL': c.email ??= text(unescape(value)); break;
    case 'NOTE': c.notes = c.notes ? `${c.notes}\n${unescape(value)}` : text(unescape(value)); break;
    case 'CATEGORIES': for (const g of splitGroups(components(value, ',').join(','))) if (!c.groups.includes(g)) c.groups.push(g); break;
    case 'ADR': {
      const [pobox = '', ext = '', street = '', locality = '', region = '', code = '', country = ''] = components(value).map((x) => x.trim());
      c.address ??= text([pobox, ext, street, locality, region, code, country].filter(Boolean).join(', '));
      break;
    }
    case 'TEL': {
      const number = unescape(value).trim().replace(/^tel:/i, '');
      if (number === '') break;
      const label = phoneLabel(p.params.get('TYPE') ?? []);
      c.phones.push(label ? { number, label } : { number });
      break;
    }
  }
}

/** Reads every card in `input`. A card without a usable name is reported with the line of its BEGIN. */
export function contactsFromVcard(input: string): ParsedImport {
  return collectImport(readVcards(input));
}

/** {@link contactsFromVcard} one card at a time. */
export function readVcards(input: string): ImportReader {
  const state = { sawCard: false };
  return { items: vcardItems(input, state), fatalAtEnd: () => (state.sawCard ? undefined : 'no vCard found: expected BEGIN:VCARD ... END:VCARD') };
}

function* vcardItems(input: string, state: { sawCard: boolean }): Generator<ImportItem, void, undefined> {
  let card: { line: number; c: ContactDraft; seen: { fn: boolean; n: string | null } } | null = null;
  for (const { line, text: l } of logicalLines(input)) {
    if (l.trim() === '') continue;
    const p = parseProperty(l.trim());
    if (p?.name === 'BEGIN' && p.value.trim().toUpperCase() === 'VCARD') {
      if (card) yield { line: card.line, error: 'vCard has no END:VCARD' };
      card = { line, c: emptyDraft(), seen: { fn: false, n: null } };
      state.sawCard = true;
    } else if (p?.name === 'END' && p.value.trim().toUpperCase() === 'VCARD') {
      if (!card) continue;
      if (!card.seen.fn && card.seen.n) card.c.name = card.seen.n;
      const problem = finishDraft(card.c);
      yield problem ? { line: card.line, error: problem } : { line: card.line, contact: card.c };
      card = null;
    } else if (card && p) applyProperty(card.c, p, card.seen);
  }
  if (card) yield { line: card.line, error: 'vCard has no END:VCARD' };
}

const esc = (v: string): string => v.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');

/** Folds a content line at 75 octets without splitting a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > (parts.length ? 74 : 75)) { parts.push(cur); cur = ''; bytes = 0; }
    cur += ch;
    bytes += n;
  }
  parts.push(cur);
  return parts.join('\r\n ');
}

const TEL_TYPES: Record<string, string> = { mobile: 'CELL', work: 'WORK', home: 'HOME', fax: 'FAX', pager: 'PAGER', tel: 'VOICE' };

/** Writes contacts as vCard 3.0 (CRLF, folded lines). */
export function contactsToVcard(contacts: Iterable<ContactDraft>): string {
  const lines: string[] = [];
  for (const c of contacts) {
    lines.push('BEGIN:VCARD', 'VERSION:3.0', `FN:${esc(c.name)}`, `N:${esc(c.name)};;;;`);
    if (c.company) lines.push(`ORG:${esc(c.company)}`);
    if (c.title) lines.push(`TITLE:${esc(c.title)}`);
    for (const p of c.phones) {
      const type = p.label ? (TEL_TYPES[p.label] ?? p.label.toUpperCase().replace(/[^A-Z0-9-]/g, '')) : '';
      lines.push(`TEL${type ? `;TYPE=${type}` : ''}:${esc(p.number)}`);
    }
    if (c.email) lines.push(`EMAIL;TYPE=INTERNET:${esc(c.email)}`);
    if (c.address) lines.push(`ADR:;;${esc(c.address)};;;;`);
    if (c.groups.length) lines.push(`CATEGORIES:${c.groups.map(esc).join(',')}`);
    if (c.notes) lines.push(`NOTE:${esc(c.notes)}`);
    lines.push('END:VCARD');
  }
  return lines.map(fold).join('\r\n') + (lines.length ? '\r\n' : '');
}
