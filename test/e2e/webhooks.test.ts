/// <reference lib="dom" />
/**
 * The webhooks page in Debian's Chromium on `serve --demo`, with a real
 * receiver on 127.0.0.1: a subscription made on the page shows its secret
 * once; the receiver refuses the demo call's events until they are dead
 * letters in the delivery log; "Replay all dead letters" sends them again
 * and the receiver takes them, signed with that secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { until } from '../helpers/wait.ts';
import { parsed, signatureValid } from '../helpers/webhook-events.ts';

describe('webhooks page in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'], config: { webhooks: { retry: { initialDelayMs: 50, maxAttempts: 2 } } } });
    ({ daemon } = lab);
    tab = await openPage(lab.browser, { locale: 'en' });
    await signIn(tab.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
  });
  afterAll(async () => { await lab?.close(); await rx?.close(); });

  it('creates a webhook (secret shown once), lists dead letters, replays them', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/webhooks`);
    await page.click('[data-testid=webhook-new]');
    await page.fill('[data-testid=webhook-url]', rx.url);
    await page.fill('[data-testid=webhook-events]', 'call.ringing, call.ended');
    await page.fill('[data-testid=webhook-description]', 'CRM');
    await page.click('[data-testid=webhook-save]');
    const secret = (await page.textContent('[data-testid=webhook-secret]'))!;
    expect(secret).toMatch(/^whsec_/);
    await page.waitForSelector('[data-testid^=webhook-row-]');
    expect(await page.textContent('[data-testid=webhook-table]')).toContain('call.ringing call.ended');
    await tab.shot('webhooks-secret-once');
    await page.click('[data-testid=webhook-secret-done]');
    expect(await page.$('[data-testid=webhook-secret]')).toBeNull();

    // the receiver refuses: the demo call's two events become dead letters after two attempts each
    rx.respond(() => 500);
    expect((await daemon.api('POST', '/lines/demo/simulate/call', { number: '13900139000', hangupAfterMs: 1000 })).status).toBe(202);
    await page.click('[data-testid^=webhook-deliveries-]');
    await page.click('[data-testid=delivery-filter-dead]');
    await until('two dead letters on the page', async () => {
      await page.click('[data-testid=delivery-refresh]');
      return (await page.$$('[data-testid^=delivery-row-][data-status=dead]')).length === 2;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(await page.textContent('[data-testid=delivery-table]')).toContain('500');
    await tab.shot('webhooks-dead-letters');

    rx.respond(() => 200);
    await page.click('[data-testid=delivery-replay-dead]');
    await until('both taken by the receiver', () => rx.taken().length === 2);
    expect(rx.taken().map((r) => parsed(r).type)).toEqual(['call.ringing', 'call.ended']);
    expect(rx.taken().every((r) => signatureValid(r, secret))).toBe(true);
    await page.click('[data-testid=delivery-filter-succeeded]');
    await until('two delivered on the page', async () => {
      await page.click('[data-testid=delivery-refresh]');
      return (await page.$$('[data-testid^=delivery-row-][data-status=succeeded]')).length === 2;
    }, { intervalMs: 500 });
    expect(tab.errors).toEqual([]);
  });
});
