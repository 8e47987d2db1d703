/**
 * Business-card scanning accuracy on a representative subset of the
 * generated set (every layout in its clean, quarter-turned, skewed and
 * photographed variants: 16 of the 32 cards; the bench runs all 32), through
 * the real scanner (Debian tesseract). Floors per layout are what the bench
 * measured, less a margin (docs/card-scan.md); not 100 % where it is not.
 */
import { describe, expect, it } from 'vitest';
import { createCardScanner } from '../../src/ocr-engines.ts';
import { loadConfig } from '../../src/config/load.ts';
import { CI_VARIANTS, cardSet, LAYOUTS, type CardLayout } from '../fixtures/cards/data.ts';
import { accuracy, scanCards } from '../fixtures/cards/run.ts';

// Measured on this subset (docs/card-scan.md): zh 0.86, en 1.00, bilingual 0.72, vertical 0.58.
const FLOOR: Record<CardLayout, number> = { zh: 0.7, en: 0.9, bilingual: 0.6, vertical: 0.45 };

describe('card scanning accuracy (generated cards, real tesseract)', () => {
  it('reads each layout at least as well as its floor', { timeout: 600_000 }, async () => {
    const scanner = createCardScanner(loadConfig({ overrides: {} }).cardScan)!;
    const cards = cardSet().filter((c) => CI_VARIANTS.includes(c.variant));
    expect(cards).toHaveLength(16);
    const results = await scanCards(scanner, cards);
    const measured = Object.fromEntries(LAYOUTS.map((l) => [l, accuracy(results.filter((r) => r.card.layout === l)).all]));
    console.log(`card-scan accuracy per layout (16 cards): ${JSON.stringify(measured)}`);
    for (const l of LAYOUTS) expect(measured[l], `${l}: ${JSON.stringify(measured)}`).toBeGreaterThanOrEqual(FLOOR[l]);
  });
});
