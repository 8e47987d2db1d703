/// <reference lib="dom" />
/**
 * The supervisor's side of the console in Debian's Chromium: every page
 * renders without console errors (screenshots saved), the wallboard follows
 * a call from waiting to answered, the language switches to English
 * and back, and a customer is called from their card on the demo line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';

const PAGES = ['desk', 'wallboard', 'ivr', 'screenpop', 'customers', 'contacts', 'blacklist', 'recordings', 'sms', 'reports', 'users'];

describe('console pages in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let events: ConsoleLab['events'];
  let tab: ConsolePage;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    ({ daemon, events } = lab);
    await daemon.api('POST', '/customers', { name: '李娜', company: '星辰贸易', phones: [{ number: '13900139000' }] });
    await daemon.api('POST', '/blacklist', { number: '4008001234', direction: 'inbound', reason: 'spam' });
    tab = await openPage(lab.browser, { locale: 'zh-CN' });
    await signIn(tab.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
  });

  afterAll(async () => { await lab?.close(); });

  it('renders every page without console errors (screenshots in test-results/screenshots)', async () => {
    for (const p of PAGES) {
      await tab.page.goto(`${daemon.url}/#/${p}`);
      await tab.page.waitForSelector(`nav a[href="#/${p}"][aria-current=page]`);
      await tab.page.waitForLoadState('networkidle');
      await tab.shot(`page-${p}`);
    }
    expect(tab.errors).toEqual([]);
  });

  it('wallboard: a waiting call, then answered; tablet width too', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/wallboard`);
    await page.waitForSelector('[data-testid=kpi-waiting]');
    expect(await page.textContent('[data-testid=kpi-waiting]')).toBe('0');
    expect((await daemon.api('POST', '/lines/demo/simulate/call', { number: '13900139000', hangupAfterMs: 20_000 })).status).toBe(202);
    const ringing = await events.waitFor((e) => e.type === 'call.ringing', 30_000);
    const callId = String(ringing.data.callId);
    await page.waitForSelector(`[data-testid=wall-call-${callId}][data-state=ringing]`, { timeout: 10_000 });
    expect(await page.textContent('[data-testid=kpi-waiting]')).toBe('1');
    await tab.shot('wallboard-waiting');
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    await page.waitForFunction((id) => {
      const row = document.querySelector(`[data-testid=wall-call-${id}]`);
      return row !== null && row.getAttribute('data-state') !== 'ringing' && row.getAttribute('data-state') !== 'answering';
    }, callId, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=kpi-active]')?.textContent === '1', undefined, { timeout: 10_000 });
    await tab.shot('wallboard-answered');
    await page.setViewportSize({ width: 800, height: 1100 });
    await tab.shot('wallboard-tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
    await daemon.api('POST', '/lines/demo/simulate/hangup');
    await page.waitForSelector(`[data-testid=wall-call-${callId}]`, { state: 'detached', timeout: 30_000 });
    expect(tab.errors).toEqual([]);
  });

  it('reports chart the day\'s call by line, with totals and a CSV export', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/reports`);
    await page.click('[data-testid=report-preset-today]');
    await page.selectOption('[data-testid=report-group]', 'line');
    await page.waitForSelector('[data-testid=report-row-demo]');
    expect(await page.$eval('[data-testid=report-row-demo] td', (td) => td.textContent)).toBe('1');
    expect(await page.$eval('[data-testid=chart-volume]', (c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
    const href = await page.getAttribute('[data-testid=report-csv]', 'href');
    expect(href).toContain('format=csv');
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
    expect(csv.split('\r\n')[0]).toMatch(/^key,total,answered/);
    expect(csv).toMatch(/\r\ndemo,1,/);
    await tab.shot('reports-by-line');
    expect(tab.errors).toEqual([]);
  });

  it('switches to English and back to Chinese', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/wallboard`);
    expect(await page.textContent('nav a[href="#/wallboard"]')).toBe('监控墙');
    await page.selectOption('[data-testid=language]', 'en');
    await page.waitForFunction(() => document.querySelector('nav a[href="#/wallboard"]')?.textContent === 'Wallboard');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await tab.shot('wallboard-en');
    await page.reload();
    await page.waitForSelector('nav a[href="#/wallboard"]');
    expect(await page.textContent('nav a[href="#/wallboard"]')).toBe('Wallboard');
    await page.selectOption('[data-testid=language]', 'zh-CN');
    await page.waitForFunction(() => document.querySelector('nav a[href="#/wallboard"]')?.textContent === '监控墙');
    expect(tab.errors).toEqual([]);
  });
  it('click-to-dial on the single line: Call on the customer card, Hang up, and the call in their history', async () => {
    const { page } = tab;
    const found = await daemon.api<{ items: Array<{ id: string }> }>('GET', '/customers?phone=13900139000');
    const customerId = found.body.items[0]!.id;
    await page.goto(`${daemon.url}/#/customers/${customerId}`);
    const since = Date.now();
    await page.click('[data-testid=customer-call-0]');
    const answered = await events.waitFor((e) => e.type === 'call.answered' && Date.parse(e.at) >= since && e.data.number === '+8613900139000', 30_000);
    const callId = String(answered.data.callId);
    await page.waitForSelector('[data-testid=customer-call-0-hangup]');
    await tab.shot('customer-dialling');
    await page.click('[data-testid=customer-call-0-hangup]');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    expect(ended.data.disposition).toBe('completed');
    await page.waitForSelector('[data-testid=customer-call-0]');
    await page.click('[data-testid=customer-calls-refresh]');
    await page.waitForSelector(`[data-testid=call-row-${callId}]`);
    const call = await daemon.api<{ direction: string; customerId: string; agentId: string | null }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ direction: 'outbound', customerId });
    expect(tab.errors).toEqual([]);
  });
});
