/// <reference lib="dom" />
/**
 * The set-up wizard in Debian's Chromium against the real daemon started
 * with `--demo-device` (the simulated modem on a pty, no line): from "no
 * line" to "first call popped" in Chinese, the first steps in English, and
 * the hardware page showing the pulled demo device as ✗ and back as ✓.
 * Prints the time from a fresh database to the first screen pop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventClient, startDaemonProcess, TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { freshDatabase } from '../helpers/db.ts';
import { launchBrowser, openPage, signIn } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';

describe('set-up wizard in a real browser', () => {
  let t0 = 0;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let browser: Browser;
  let devicePath = '';

  beforeAll(async () => {
    t0 = Date.now();
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, args: ['--demo-device'] });
    console.log(`wizard: fresh database → daemon ready ${Date.now() - t0} ms`);
    events = await eventClient(daemon.url);
    browser = await launchBrowser();
    devicePath = (await daemon.api<{ demo: { devicePath: string } }>('GET', '/setup/status')).body.demo.devicePath;
  });
  afterAll(async () => { await browser?.close(); events?.close(); await daemon?.stop(); await db?.drop(); });

  it('zh-CN: no line → probe the simulated modem → add the line → a call from a mobile pops → hours, greeting, publish', async () => {
    const tab = await openPage(browser, { locale: 'zh-CN' });
    const { page } = tab;
    const opened = Date.now();
    await signIn(page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
    await page.waitForSelector('[data-testid=wizard][data-step=port]');
    expect(await page.textContent('[data-testid=wizard] h1')).toBe('安装向导');
    const port = `[data-testid=port][data-path="${devicePath}"]`;
    await page.waitForSelector(port);
    expect(await page.textContent(port)).toContain('模拟调制解调器');
    await page.click(`${port} [data-testid=probe]`);
    await page.waitForSelector(`${port} [data-testid=probe-result][data-ok=true]`, { timeout: 30_000 });
    expect(await page.textContent(`${port} [data-testid=probe-cid]`)).toBe('AT+VCID=1');
    await tab.shot('wizard-probe-zh');
    await page.click(`${port} [data-testid=use-modem]`);
    expect(await page.inputValue(`${port} input[name=line-id]`)).toBe('demo');
    await page.click(`${port} [data-testid=add-line] button[type=submit]`);
    await page.waitForSelector('[data-testid=wizard][data-step=call]');
    await until('line idle', async () => (await daemon.api<{ state: string }>('GET', '/lines/demo')).body.state === 'idle');

    await page.fill('input[name=wizard-number]', '138 0013 8000');
    await page.click('[data-testid=wizard-simulate]');
    await page.waitForSelector('[data-testid=setup-pop]', { timeout: 30_000 });
    const popMs = Date.now() - t0;
    console.log(`wizard: fresh database → first screen pop ${popMs} ms (sign-in → pop through the wizard ${Date.now() - opened} ms)`);
    expect(await page.textContent('[data-testid=setup-pop]')).toContain('新来电者');
    await page.waitForSelector('[data-testid=recognised][data-ok=true]');
    expect(await page.textContent('[data-testid=raw-cid]')).toContain('NMBR');
    expect(await page.textContent('[data-testid=normalised]')).toContain('+8613800138000');
    expect(Number(await page.textContent('[data-testid=rings]'))).toBeGreaterThanOrEqual(1);
    await tab.shot('wizard-call-zh');
    await events.waitFor((e) => e.type === 'call.ended' && e.data.lineId === 'demo', 60_000);

    await page.click('[data-testid=wizard-next]');
    await page.waitForSelector('[data-testid=flow-step]');
    expect(await page.inputValue('textarea[name=greeting]')).toContain('欢迎致电');
    await page.click('[data-testid=listen]');
    await page.waitForSelector('[data-testid=greeting-audio]', { timeout: 30_000 });
    await page.click('[data-testid=publish]');
    await page.waitForSelector('[data-testid=wizard-done]');
    const flow = await daemon.api<{ definition: { nodes: Record<string, { type: string; prompt?: { text: string }; schedule?: Record<string, unknown> }> } }>('GET', '/ivr/flows/main?version=published');
    const nodes = Object.values(flow.body.definition.nodes);
    expect(nodes.some((n) => n.type === 'play' && n.prompt?.text.includes('欢迎致电'))).toBe(true);
    expect(nodes.find((n) => n.type === 'hours')?.schedule).toEqual({ mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] });
    await tab.shot('wizard-done-zh');
    expect(tab.errors).toEqual([]);
    await page.context().close();
  });

  it('en: the wizard\'s first steps in English, on the line it added', async () => {
    const tab = await openPage(browser, { locale: 'en' });
    const { page } = tab;
    await signIn(page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${daemon.url}/#/setup`);
    await page.waitForSelector('[data-testid=wizard][data-step=port]');
    expect(await page.textContent('[data-testid=wizard] h1')).toBe('Set-up wizard');
    const port = `[data-testid=port][data-path="${devicePath}"]`;
    await page.waitForSelector(port);
    expect(await page.textContent(port)).toContain('used by line demo');
    await page.click(`${port} button.primary`);
    await page.waitForSelector('[data-testid=call-step]');
    expect(await page.textContent('[data-testid=call-step]')).toContain('call this line from a mobile');
    await page.fill('input[name=wizard-number]', '139 0013 9000');
    await page.click('[data-testid=wizard-simulate]');
    await page.waitForSelector('[data-testid=setup-pop]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid=setup-pop]')).toContain('New caller');
    await page.waitForSelector('[data-testid=recognised][data-ok=true]');
    await tab.shot('wizard-call-en');
    await events.waitFor((e) => e.type === 'call.ended' && e.data.lineId === 'demo' && e.data.number === '+8613900139000', 60_000);
    expect(tab.errors).toEqual([]);
    await page.context().close();
  });

  it('hardware page: the pulled demo device shows ✗ with the fix, and ✓ once it is back', async () => {
    const tab = await openPage(browser, { locale: 'zh-CN' });
    const { page } = tab;
    await signIn(page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${daemon.url}/#/hardware`);
    await page.waitForSelector('[data-testid=check][data-check=line-demo][data-ok=true]');
    await page.waitForSelector('[data-testid=hw-line][data-line=demo][data-online=true]');
    expect(await page.textContent('[data-testid=hw-line][data-line=demo]')).toContain('139 0013 9000');
    await page.click('[data-testid=demo-unplug]');
    await page.waitForSelector('[data-testid=check][data-check=line-demo][data-ok=false]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=hw-line][data-line=demo][data-online=false]');
    expect(await page.textContent('[data-testid=check][data-check=line-demo] .fix')).toBeTruthy();
    await tab.shot('hardware-pulled');
    await page.click('[data-testid=demo-replug]');
    await page.waitForSelector('[data-testid=check][data-check=line-demo][data-ok=true]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=hw-line][data-line=demo][data-online=true]');
    await page.click('[data-testid=hw-line][data-line=demo] [data-testid=reprobe]');
    await page.waitForSelector('[data-testid=hw-line][data-line=demo][data-online=true]');
    await tab.shot('hardware-back');
    expect(tab.errors).toEqual([]);
  });
});
