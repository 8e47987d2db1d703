/** KPI rows as CSV (UTF-8 with a BOM) or XLSX (exceljs); text never reaches a spreadsheet as a formula. */
import ExcelJS from 'exceljs';
import { neutraliseFormula, writeCsv } from '../../core/crm/csv.ts';

export const EXPORT_COLUMNS = [
  'bucket', 'key', 'offered', 'answered', 'abandoned', 'unanswered', 'answerRate', 'abandonRate', 'averageAbandonWaitMs',
  'rings', 'answeredWithinRings', 'answeredWithinRingsRate', 'serviceLevel', 'serviceLevelMet', 'averageSpeedOfAnswerMs',
  'averageTalkMs', 'averageHoldMs', 'averageWrapUpMs', 'averageHandleMs', 'loggedInMs', 'occupancy', 'utilisation',
] as const;

type Row = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

export function kpiCsv(rows: readonly Row[]): string {
  return writeCsv([[...EXPORT_COLUMNS], ...rows.map((r) => EXPORT_COLUMNS.map((c) => (r[c] === null ? '' : String(r[c]))))], { bom: true });
}

export async function kpiXlsx(rows: readonly Row[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'kefu';
  const ws = wb.addWorksheet(title.slice(0, 31).replace(/[\\/?*[\]:]/g, '-'));
  ws.addRow([...EXPORT_COLUMNS]);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(EXPORT_COLUMNS.map((c) => { const v = r[c]; return typeof v === 'string' ? neutraliseFormula(v) : v; }));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
