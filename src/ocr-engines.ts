/** Picks the OCR engine for `cardScan.engine` (a composition point like src/asr-engines.ts). One engine per folder under drivers/. */
import type { Config } from './config/schema.ts';
import type { TextRecognizer } from './core/ocr/types.ts';
import { TesseractRecognizer } from '../drivers/ocr-tesseract/engine.ts';
import { CardScanner } from './services/card-scan/scanner.ts';

/** The configured OCR engine, or null for `cardScan.engine: none`. */
export function createTextRecognizer(c: Config['cardScan']): TextRecognizer | null {
  switch (c.engine) {
    case 'none':
      return null;
    case 'tesseract':
      return new TesseractRecognizer({ binary: c.tesseract.binary, languages: c.tesseract.languages, timeoutMs: c.timeoutMs, maxConcurrent: c.maxConcurrent });
  }
}

/** The card scanner over the configured engine, or null when scanning is off. */
export function createCardScanner(c: Config['cardScan']): CardScanner | null {
  const ocr = createTextRecognizer(c);
  return ocr ? new CardScanner(ocr, { maxPixels: c.maxPixels, lowConfidence: c.lowConfidence }) : null;
}
