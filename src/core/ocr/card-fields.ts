/**
 * Business-card fields from recognised lines: name, title, company, phones
 * (mobile, landline, 400/800 service numbers, fax), email, website and
 * address, each with a confidence (the recognition confidence of its text,
 * lowered when only a weak rule found it). Chinese and English cards; labels
 * such as 手机/Mobile, 传真/Fax/F, 地址/Address are used when present.
 * Pure: no I/O.
 */
import { normalizeNumber } from '../numbers/normalize.ts';
import type { TextLine } from './lines.ts';

export interface ScannedField { value: string; confidence: number }

export type PhoneKind = 'mobile' | 'landline' | 'service' | 'fax';

export interface ScannedPhone {
  /** E.164. */
  number: string;
  /** As read on the card. */
  written: string;
  kind: PhoneKind;
  confidence: number;
}

export interface CardFields {
  name: ScannedField | null;
  title: ScannedField | null;
  company: ScannedField | null;
  email: ScannedField | null;
  website: ScannedField | null;
  address: ScannedField | null;
  phones: ScannedPhone[];
}

const HAN = /\p{Script=Han}/u;
const HAN_ONLY = /^\p{Script=Han}{2,4}$/u;
const LABEL = /^(?:(?:手机|移动电话|电话|座机|办公电话|传真|邮箱|电邮|邮件|网址|网站|主页|地址|住址|公司地址)\s*[:.]?|(?:Mobile|Mob|Cell|Tel|Phone|Fax|Email|E-mail|Web|Website|URL|Add|Addr|Address)\b\s*[:.]?|[MTFE]\s*[:.])\s*/i;
const COMPANY_HAN = /公司|集团|有限|工厂|厂$|研究所|研究院|事务所|银行|大学|学院|医院|商行|工作室|商店|酒店/u;
const COMPANY_LATIN = /\b(?:Co\.?,?|Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|Company|Group|LLC|GmbH|Technology|Technologies|Trading|Industries|Electronics|Logistics|Software|Foods?|Machinery|Materials)\b/i;
const TITLE_HAN = /经理|总监|主任|主管|专员|总裁|董事|工程师|顾问|秘书|会计|助理|部长|厂长|主席|代表|律师|教授|负责人|店长|科长|处长|院长|校长|总经理|经理人/u;
const TITLE_LATIN = /\b(?:Manager|Director|Officer|Engineer|President|CEO|CTO|CFO|COO|Supervisor|Assistant|Consultant|Representative|Specialist|Executive|Partner|Chairman|Founder|Accountant|Secretary|Coordinator|Head)\b/i;
const ADDRESS_LABEL = /^(?:公司地址|地址|住址|Add(?:ress)?|Addr)\s*[:.]?\s*/i;
const ADDRESS_HAN = /[省市区县路街道号楼室镇村]|大厦|大道|园区/gu;
const ADDRESS_LATIN = /\b\d+\w*\s+[\w\s,.'-]*\b(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Drive|District|Floor|Building|Tower|Plaza)\b/i;
const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const WEBSITE = /\b(?:https?:\/\/)?www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:\/[^\s]*)?/i;
const WEBSITE_LABELLED = /(?:网址|网站|主页|Web(?:site)?|URL)\s*[:.]?\s*((?:https?:\/\/)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/i;
const PHONE_RUN = /\+?[\d(][\d\s\-–—()]{5,}\d/g;
const FAX_LABEL = /传真|fax|(?:^|[\s,;|])F\s*[:.]?\s*$/i;

/** Weights of the rules: a labelled or strongly shaped field keeps its text's confidence, a guess loses some. */
const GUESS = 0.85;

const clean = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();
/** Chinese text has no spaces: OCR's spaces next to Han characters go. */
const compactHan = (s: string) => s.replace(/(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu, '');

interface Cell { text: string; confidence: number; height: number; line: number; used: boolean }

function phonesIn(text: string, confidence: number): Array<ScannedPhone & { start: number; end: number }> {
  const found: Array<ScannedPhone & { start: number; end: number }> = [];
  let prevEnd = 0;
  for (const m of text.matchAll(PHONE_RUN)) {
    const start = m.index;
    const parts = m[0].split(/\s+(?=[\d+(])/);
    // A run may hold two numbers side by side: take the longest valid prefix, then go on.
    let offset = start;
    for (let i = 0; i < parts.length;) {
      let taken = 0;
      for (let j = parts.length; j > i; j--) {
        const cand = parts.slice(i, j).join(' ');
        const n = normalizeNumber(cand, { defaultRegion: 'CN' });
        if (n.valid && n.e164) {
          const context = text.slice(prevEnd, offset);
          const kind: PhoneKind = FAX_LABEL.test(context) ? 'fax'
            : n.kind === 'mobile' ? 'mobile'
              : n.kind === 'shared-cost' || n.kind === 'toll-free' || n.kind === 'uan' ? 'service' : 'landline';
          found.push({ number: n.e164, written: cand, kind, confidence, start: offset, end: offset + cand.length });
          prevEnd = offset + cand.length;
          taken = j - i;
          break;
        }
      }
      const step = Math.max(1, taken);
      offset += parts.slice(i, i + step).join(' ').length + 1;
      i += step;
    }
  }
  return found;
}

const TITLE_START = /^(?:总|副总|技术|销售|市场|项目|客户|财务|采购|人事|行政|区域|部门|高级|首席|执行|董事|研发|生产|质量|运营|产品|商务|业务|办公室|工程|设计)/u;

/** "王建国销售经理" read as one run: the name (2–3 characters) and the title after it. */
function splitNameTitle(s: string): { name: string; title: string } | null {
  if (!/^\p{Script=Han}{4,}$/u.test(s) || !TITLE_HAN.test(s) || TITLE_START.test(s)) return null;
  for (const n of [3, 2]) if (TITLE_START.test(s.slice(n)) && s.length - n >= 2) return { name: s.slice(0, n), title: s.slice(n) };
  return s.length >= 6 ? { name: s.slice(0, 3), title: s.slice(3) } : null;
}

/** The card's fields from its lines (top to bottom). */
export function extractCardFields(lines: readonly TextLine[]): CardFields {
  const cells: Cell[] = [];
  lines.forEach((l, i) => {
    for (const s of l.segments) {
      const text = clean(s.text);
      if (text !== '') cells.push({ text, confidence: s.confidence, height: s.height, line: i, used: false });
    }
  });
  const lineText = lines.map((l) => clean(l.text));
  const lineConf = lines.map((l) => l.confidence);
  const out: CardFields = { name: null, title: null, company: null, email: null, website: null, address: null, phones: [] };

  // Email and website: anywhere, spaces OCR put around "@" and "." removed.
  lineText.forEach((t, i) => {
    const tight = t.replace(/\s*@\s*/g, '@').replace(/(?<=\w)\s*\.\s*(?=\w)/g, '.');
    const e = EMAIL.exec(tight);
    if (e && !out.email) out.email = { value: e[0].toLowerCase(), confidence: lineConf[i]! };
    const withoutEmail = e ? tight.replace(e[0], ' ') : tight;
    const w = WEBSITE.exec(withoutEmail) ?? WEBSITE_LABELLED.exec(withoutEmail);
    if (w && !out.website) out.website = { value: (w[1] ?? w[0]).toLowerCase().replace(/^https?:\/\//, ''), confidence: lineConf[i]! * (w[1] ? GUESS : 1) };
  });

  // Phones: every valid number on every line, fax when labelled so.
  const seen = new Set<string>();
  lineText.forEach((t, i) => {
    // letters OCR reads for digits inside numbers: O for 0, l or I for 1
    const noMail = t.replace(EMAIL, ' ').replace(/(?<![A-Za-z])[Oo](?=\d{2})|(?<=\d)[Oo](?=\d)/g, '0').replace(/(?<=\d)[lI](?=\d)/g, '1');
    for (const p of phonesIn(noMail, lineConf[i]!)) {
      if (seen.has(p.number)) continue;
      seen.add(p.number);
      out.phones.push({ number: p.number, written: p.written, kind: p.kind, confidence: p.confidence });
    }
  });
  for (const c of cells) if (/\d{5,}|@|www\./i.test(c.text.replace(/[\s-]/g, ''))) c.used = true;

  // Address: a labelled line first (Chinese before English), else the line that looks most like one.
  const addressCandidates = lineText.map((t, i) => {
    const c = HAN.test(t) ? compactHan(t) : t;
    const labelled = ADDRESS_LABEL.test(c);
    const body = c.replace(ADDRESS_LABEL, '').replace(/^[^\p{Script=Han}\d]{1,8}[:：](?=\p{Script=Han})/u, '').trim();
    const han = HAN.test(body);
    const marks = han ? (compactHan(body).match(ADDRESS_HAN) ?? []).length : 0;
    const score = (labelled ? 4 : 0) + (han ? 2 : 0) + (marks >= 3 ? 2 : 0) + (!han && ADDRESS_LATIN.test(body) ? 4 : 0);
    return { i, body: han ? compactHan(body) : body, score, labelled };
  }).filter((a) => a.score >= 4 && !/@/.test(a.body) && a.body.length >= 4 && !COMPANY_HAN.test(a.body))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const addr = addressCandidates[0];
  if (addr) {
    out.address = { value: addr.body, confidence: lineConf[addr.i]! * (addr.labelled ? 1 : GUESS) };
    for (const c of cells) if (c.line === addr.i) c.used = true;
  }

  // Company: a Chinese company name before an English one.
  const company = cells.filter((c) => !c.used && COMPANY_HAN.test(c.text) && HAN.test(c.text))[0]
    ?? cells.filter((c) => !c.used && COMPANY_LATIN.test(c.text) && !TITLE_LATIN.test(c.text))[0];
  if (company) {
    company.used = true;
    out.company = { value: HAN.test(company.text) ? compactHan(company.text) : company.text, confidence: company.confidence };
  }

  // Title: the part in Chinese when a bilingual title is written "销售经理 / Sales Manager".
  const title = cells.find((c) => !c.used && (TITLE_HAN.test(c.text) || TITLE_LATIN.test(c.text)) && c.text.length <= 60);
  if (title) {
    title.used = true;
    const halves = title.text.split(/\s*[/|]\s*/);
    const han = halves.find((h) => HAN.test(h));
    let value = compactHan(han ?? title.text).replace(LABEL, '');
    // A name OCR'd on the same segment as the title: "王建国销售经理".
    value = value.replace(/^[^\p{Script=Han}]+(?=\p{Script=Han})/u, '');
    const m = splitNameTitle(value);
    if (m && !out.name && title.height > 0) {
      value = m.title;
      out.name = { value: m.name, confidence: title.confidence * GUESS * GUESS };
    }
    out.title = { value, confidence: title.confidence };
  }

  // Name: the largest remaining short text that looks like a person's name.
  const names = cells.filter((c) => !c.used && !LABEL.test(c.text) && !/[\d@:]/.test(c.text)).map((c) => {
    const compact = c.text.replace(/\s+/g, '');
    const han = HAN_ONLY.test(compact) && !TITLE_HAN.test(compact) && !COMPANY_HAN.test(compact);
    const latin = /^[A-Z][a-zA-Z'-]+(?: [A-Z][a-zA-Z'-]+){1,2}$/.test(c.text) && !TITLE_LATIN.test(c.text) && !COMPANY_LATIN.test(c.text);
    return { c, value: han ? compact : c.text, ok: han || latin, han };
  }).filter((n) => n.ok).sort((a, b) => b.c.height - a.c.height || Number(b.han) - Number(a.han));
  const name = names[0];
  if (name && !out.name) out.name = { value: name.value, confidence: name.c.confidence * GUESS };
  return out;
}
