/**
 * Exports a regulator or an auditor can read: every attempt of a campaign as
 * CSV, and the compliance audit (the rules applied, the abandonment figures
 * over 24 h and 30 d, and every abandoned call with its times) as CSV or PDF.
 */
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { csvField } from '../../core/crm/csv.ts';
import type { Campaign, CampaignAttempt } from '../../core/dialer/campaign.ts';

const ATTEMPT_COLUMNS = ['placedAt', 'number', 'lineId', 'agentId', 'outcome', 'abandoned', 'amd', 'ringAt', 'answeredAt', 'liveAt', 'connectedAt', 'endedAt', 'skipReason', 'callId', 'result'] as const;

const cell = (a: CampaignAttempt, c: (typeof ATTEMPT_COLUMNS)[number]): string => {
  const v = a[c];
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

/** CSV of attempts (UTF-8 with a BOM for Excel), chunk by chunk. */
export async function* attemptsCsv(chunks: AsyncIterable<CampaignAttempt[]>): AsyncGenerator<string> {
  yield `\ufeff${ATTEMPT_COLUMNS.join(',')}\r\n`;
  for await (const chunk of chunks) yield chunk.map((a) => ATTEMPT_COLUMNS.map((c) => csvField(cell(a, c))).join(',')).join('\r\n') + '\r\n';
}

export interface Audit {
  campaign: Campaign;
  generatedAt: Date;
  cap: number;
  connectWithinS: number;
  minRingS: number;
  ringTimeoutS: number;
  day: { liveAnswered: number; abandoned: number; rate: number | null };
  month: { liveAnswered: number; abandoned: number; rate: number | null };
  withinCap: boolean;
  abandoned: CampaignAttempt[];
}

const pct = (r: number | null): string => (r === null ? 'n/a (no live answers)' : `${(r * 100).toFixed(2)} %`);
const waitS = (a: CampaignAttempt): string => (a.liveAt && a.endedAt ? ((Date.parse(a.endedAt) - Date.parse(a.liveAt)) / 1000).toFixed(1) : '');

function summaryLines(a: Audit): Array<[string, string]> {
  return [
    ['Campaign', `${a.campaign.name} (${a.campaign.id})`],
    ['Mode', a.campaign.mode],
    ['Generated', a.generatedAt.toISOString()],
    ['Abandonment cap', pct(a.cap)],
    ['Connect limit', `${a.connectWithinS} s from a person answering to an agent`],
    ['Minimum ring time', `${a.minRingS} s (campaign rings ${a.ringTimeoutS} s)`],
    ['Last 24 h', `${a.day.abandoned} abandoned of ${a.day.liveAnswered} live answers: ${pct(a.day.rate)}`],
    ['Last 30 days', `${a.month.abandoned} abandoned of ${a.month.liveAnswered} live answers: ${pct(a.month.rate)}`],
    ['Within the cap', a.withinCap ? 'yes' : 'NO'],
  ];
}

export function auditCsv(a: Audit): string {
  const rows: string[][] = summaryLines(a).map(([k, v]) => [k, v]);
  rows.push([], ['Abandoned calls (last 30 days)'], ['number', 'placedAt', 'liveAt', 'endedAt', 'secondsAfterAnswer', 'lineId', 'callId', 'identificationPlayed']);
  for (const x of a.abandoned) rows.push([x.number, x.placedAt, x.liveAt ?? '', x.endedAt ?? '', waitS(x), x.lineId ?? '', x.callId ?? '', x.result?.identification === false ? 'no' : 'yes']);
  return `\ufeff${rows.map((r) => r.map((v) => csvField(v)).join(',')).join('\r\n')}\r\n`;
}

/** Text the standard PDF fonts can draw (WinAnsi): other characters are written as U+XXXX. */
const ansi = (s: string): string => s.replace(/[^\x20-\x7e\u00a0-\u00ff]/gu, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`);

export async function auditPdf(a: Audit): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(ansi(`Abandonment audit: ${a.campaign.name}`));
  doc.setCreator('kefu');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mono = await doc.embedFont(StandardFonts.Courier);
  let page: PDFPage = doc.addPage([595, 842]);
  let y = 800;
  const line = (text: string, f: PDFFont = font, size = 10): void => {
    if (y < 50) { page = doc.addPage([595, 842]); y = 800; }
    page.drawText(ansi(text), { x: 40, y, size, font: f });
    y -= size + 5;
  };
  line('Abandoned-call audit (predictive dialing)', bold, 14);
  y -= 6;
  for (const [k, v] of summaryLines(a)) line(`${k}: ${v}`);
  y -= 8;
  line(`Abandoned calls in the last 30 days: ${a.abandoned.length}`, bold, 11);
  line(`${'number'.padEnd(18)}${'placed (UTC)'.padEnd(26)}${'person answered (UTC)'.padEnd(26)}${'ended (UTC)'.padEnd(26)}s after answer`, mono, 7);
  for (const x of a.abandoned) {
    line(`${x.number.padEnd(18)}${x.placedAt.padEnd(26)}${(x.liveAt ?? '').padEnd(26)}${(x.endedAt ?? '').padEnd(26)}${waitS(x)}`, mono, 7);
  }
  return doc.save();
}
