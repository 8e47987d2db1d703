/// <reference lib="dom" />
/**
 * "Scan a card" on the contacts page in Debian's Chromium: a generated card
 * uploaded (the file input also offers the camera on phones), the draft
 * shown with the fields read, saved, and the contact exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess } from '../helpers/daemon.ts';
import { startDemoConsoleAsAdmin, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';
import { cardSet } from '../fixtures/cards/data.ts';
import { renderCards } from '../fixtures/cards/render.ts';

describe('card scanning in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;
  const spec = cardSet().find((c) => c.id === 'en-clean')!;

  beforeAll(async () => {
    ({ lab, daemon, tab } = await startDemoConsoleAsAdmin());
  });
  afterAll(async () => { await lab?.close(); });

  it('uploads a card, shows the draft, saves it as a contact', async () => {
    const [png] = await renderCards(lab.browser, [spec]);
    const { page } = tab;
    await page.goto(`${daemon.url}/#/contacts`);
    await page.click('[data-testid=scan-card]');
    expect(await page.getAttribute('[data-testid=card-scan-file]', 'capture')).toBe('environment');
    await page.setInputFiles('[data-testid=card-scan-file]', { name: 'card.png', mimeType: 'image/png', buffer: png! });
    await page.waitForSelector('[data-testid=card-scan-draft]', { timeout: 90_000 });
    expect(await page.inputValue('[data-testid=card-field-name] input')).toBe(spec.truth.name);
    expect(await page.inputValue('[data-testid=card-field-email] input')).toBe(spec.truth.email);
    expect(await page.inputValue('[data-testid=card-field-company] input')).toBe(spec.truth.company);
    await tab.shot('card-scan-draft');
    await page.click('[data-testid=card-scan-save]');
    const found = await until('the scanned contact saved', async () => {
      const r = await daemon.api<{ items: Array<{ name: string; email: string; phones: Array<{ number: string; label?: string }> }> }>('GET', `/contacts?phone=${encodeURIComponent(spec.truth.mobile)}`);
      return r.body.items[0] ?? null;
    }, { timeoutMs: 30_000 });
    expect(found).toMatchObject({ name: spec.truth.name, email: spec.truth.email });
    expect(found.phones).toEqual(expect.arrayContaining([{ number: spec.truth.mobile, label: 'mobile' }]));
    expect(tab.errors).toEqual([]);
  });
});
