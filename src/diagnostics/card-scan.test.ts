import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { cardScanChecks } from './card-scan.ts';

describe('card scanning diagnostics', () => {
  it('finds Debian tesseract with chi_sim, eng and osd', async () => {
    const [c] = await cardScanChecks(loadConfig({ overrides: {} }));
    expect(c).toMatchObject({ id: 'card-scan', ok: true, fix: null });
    expect((c!.data as { languages: string[] }).languages).toEqual(expect.arrayContaining(['chi_sim', 'eng', 'osd']));
  });

  it('names the package of a missing language and of a missing binary', async () => {
    const lang = await cardScanChecks(loadConfig({ overrides: { cardScan: { tesseract: { languages: 'chi_sim+jpn' } } } }));
    expect(lang[0]).toMatchObject({ ok: false, fix: 'apt-get install tesseract-ocr-jpn' });
    expect(lang[0]!.detail).toMatch(/languages missing: jpn/);
    const bin = await cardScanChecks(loadConfig({ overrides: { cardScan: { tesseract: { binary: 'tesseract-not-here' } } } }));
    expect(bin[0]).toMatchObject({ ok: false, fix: 'apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng' });
    expect(bin[0]!.detail).toMatch(/not installed \(install the Debian package "tesseract-ocr"\)/);
  });

  it('says when scanning is off', async () => {
    const [c] = await cardScanChecks(loadConfig({ overrides: { cardScan: { engine: 'none' } } }));
    expect(c).toMatchObject({ ok: true, detail: expect.stringMatching(/^off/) });
  });
});
