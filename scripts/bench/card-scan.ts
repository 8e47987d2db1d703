/**
 * Business-card scanning over the whole generated set (test/fixtures/cards:
 * 4 layouts × 8 variants = 32 cards, rendered in Chromium, degraded with
 * sharp) through the real scanner (Debian tesseract, chi_sim+eng). Prints the
 * field accuracy per layout, per variant and per field and the time per
 * card; writes bench/results/card-scan.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createCardScanner } from '../../src/ocr-engines.ts';
import { loadConfig } from '../../src/config/load.ts';
import { cardSet, FIELDS, LAYOUTS, VARIANTS } from '../../test/fixtures/cards/data.ts';
import { accuracy, scanCards } from '../../test/fixtures/cards/run.ts';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export async function run(): Promise<unknown> {
  const scanner = createCardScanner(loadConfig({ overrides: {} }).cardScan);
  if (!scanner) throw new Error('cardScan.engine is none');
  const results = await scanCards(scanner, cardSet(), (r) => {
    const wrong = FIELDS.filter((f) => !r.right[f]);
    console.log(`${r.card.id.padEnd(18)} ${String(r.ms).padStart(6)} ms  ${wrong.length === 0 ? 'all right' : `wrong: ${wrong.join(', ')}`}`);
  });
  const overall = accuracy(results);
  const byLayout = Object.fromEntries(LAYOUTS.map((l) => [l, accuracy(results.filter((r) => r.card.layout === l))]));
  const byVariant = Object.fromEntries(VARIANTS.map((v) => [v, accuracy(results.filter((r) => r.card.variant === v))]));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const timing = { meanMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length), medianMs: ms[Math.floor(ms.length / 2)]!, maxMs: ms.at(-1)! };

  console.log(`| layout | all | ${FIELDS.join(' | ')} |`);
  console.log(`|---|---|${FIELDS.map(() => '---').join('|')}|`);
  for (const [l, a] of Object.entries(byLayout)) console.log(`| ${l} | ${pct(a.all)} | ${FIELDS.map((f) => pct(a.byField[f])).join(' | ')} |`);
  console.log(`| **all** | ${pct(overall.all)} | ${FIELDS.map((f) => pct(overall.byField[f])).join(' | ')} |`);
  console.log(`\n| variant | all | ${FIELDS.join(' | ')} |`);
  console.log(`|---|---|${FIELDS.map(() => '---').join('|')}|`);
  for (const [v, a] of Object.entries(byVariant)) console.log(`| ${v} | ${pct(a.all)} | ${FIELDS.map((f) => pct(a.byField[f])).join(' | ')} |`);
  console.log(`\ntime per card: mean ${timing.meanMs} ms, median ${timing.medianMs} ms, max ${timing.maxMs} ms (${results.length} cards)`);
  const out = {
    cards: results.length, overall, byLayout, byVariant, timing,
    perCard: results.map((r) => ({ id: r.card.id, ms: r.ms, wrong: FIELDS.filter((f) => !r.right[f]).map((f) => ({ field: f, got: r.got[f], want: r.card.truth[f] })) })),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/card-scan.json', JSON.stringify(out, null, 2));
  return out;
}
