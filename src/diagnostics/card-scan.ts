/**
 * `kefu diagnose`: business-card scanning — tesseract installed, and the
 * configured languages (chi_sim, eng) and orientation data (osd) present.
 */
import type { Config } from '../config/schema.ts';
import { createTextRecognizer } from '../ocr-engines.ts';
import type { Check } from './check.ts';

export async function cardScanChecks(config: Readonly<Config>): Promise<Check[]> {
  const title = `card scanning OCR (${config.cardScan.engine}, ${config.cardScan.tesseract.languages})`;
  const ocr = createTextRecognizer(config.cardScan);
  if (!ocr) return [{ id: 'card-scan', title, ok: true, detail: 'off (cardScan.engine: none): POST /contacts/scan answers 422', fix: null }];
  const c = await ocr.check();
  return [{ id: 'card-scan', title, ok: c.ok, detail: c.detail, fix: c.fix, data: { languages: c.languages } }];
}
