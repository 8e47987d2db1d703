/// <reference lib="dom" />
/**
 * The SMS page in Debian's Chromium against the daemon under --demo (the
 * simulated dongle): send from the form and watch the status reach
 * delivered, make the simulated network deliver one and see the thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';

describe('SMS page in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    ({ daemon } = lab);
    await until('demo dongle ready', async () => (await daemon.api<{ items: Array<{ state: string }> }>('GET', '/sms/dongles')).body.items[0]?.state === 'ready');
    tab = await openPage(lab.browser, { locale: 'zh-CN' });
    await signIn(tab.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
  });

  afterAll(async () => { await lab?.close(); });

  it('sends from the form: the message shows and reaches 已送达 (delivered)', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/sms`);
    await page.waitForSelector('[data-testid=sms-page]');
    await page.waitForSelector('[data-testid=sms-dongles] >> text=demo-sms: ready');
    await page.fill('input[name=sms-to]', '138 0013 8000');
    await page.fill('textarea[name=sms-text]', '您好，您的订单已发货。');
    await page.click('[data-testid=sms-send]');
    await page.waitForSelector('[data-testid=sms-messages] >> text=您好，您的订单已发货。');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid^=sms-status-]')).some((el) => el.textContent === '已送达'), undefined, { timeout: 20_000 });
    await tab.shot('sms-sent-delivered');
  });

  it('an SMS from the simulated network appears in its thread', async () => {
    const { page } = tab;
    await page.fill('input[name=sms-demo-from]', '13912345678');
    await page.fill('input[name=sms-demo-text]', '收到，谢谢');
    await page.click('[data-testid=sms-demo-inbound] button[type=submit]');
    await page.waitForSelector('[data-testid="sms-thread-+8613912345678"]', { timeout: 20_000 });
    await page.click('[data-testid="sms-thread-+8613912345678"]');
    await page.waitForSelector('[data-testid=sms-messages] >> text=收到，谢谢');
    expect(tab.errors).toEqual([]);
    await tab.shot('sms-thread');
  });
});
