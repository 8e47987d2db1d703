/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser):
 * headless, a fresh profile, no background networking (the machine has no
 * network beyond loopback). Pages collect console errors so a test can
 * require none; screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventClient, ROOT, startDaemonProcess, TEST_ADMIN_PASSWORD, type DaemonProcess } from './daemon.ts';
import { freshDatabase } from './db.ts';
import { waitForLineIdle } from './wait.ts';

export const CHROMIUM = process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsolePage { page: Page; errors: string[]; shot(name: string): Promise<void> }

/** A page at 1280×800 (or the given size) in its own context (own cookies), recording console errors. */
export async function openPage(browser: Browser, opts: { locale?: string; width?: number; height?: number } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, locale: opts.locale ?? 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SHOTS, { recursive: true });
  return { page, errors, shot: async (name) => { await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }); } };
}

export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
}

/** A fresh database, the daemon (with the given line), its event stream and a browser: what every console test starts from. */
export interface ConsoleLab {
  daemon: DaemonProcess;
  events: Awaited<ReturnType<typeof eventClient>>;
  browser: Browser;
  close(): Promise<void>;
}

export async function startConsoleLab(opts: { lineId: string; args?: string[]; config?: Record<string, unknown> }): Promise<ConsoleLab> {
  const db = await freshDatabase();
  const daemon = await startDaemonProcess({ databaseUrl: db.url, ...(opts.args ? { args: opts.args } : {}), ...(opts.config ? { config: opts.config } : {}) });
  const events = await eventClient(daemon.url);
  await waitForLineIdle(daemon, opts.lineId);
  const browser = await launchBrowser();
  return {
    daemon, events, browser,
    async close() {
      await browser.close();
      events.close();
      await daemon.stop();
      await db.drop();
    },
  };
}

/** `serve --demo` with the browser, and one tab signed in as admin in `locale`. */
export async function startDemoConsoleAsAdmin(locale = 'en'): Promise<{ lab: ConsoleLab; daemon: DaemonProcess; tab: ConsolePage }> {
  const lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
  const tab = await openPage(lab.browser, { locale });
  await signIn(tab.page, lab.daemon.url, 'admin', TEST_ADMIN_PASSWORD);
  return { lab, daemon: lab.daemon, tab };
}
