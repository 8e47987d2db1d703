/// <reference lib="dom" />
/**
 * The README's quick tour, step by step, in Debian's Chromium against
 * `kefu serve --demo`, once in Chinese and once in English: sign in as
 * admin, add a customer with a number under Customers, go to Desk, press
 * Ready, simulate an incoming call with the demo bar, the customer's card
 * pops (with a ring, a desktop notification and the call in the tab title),
 * take the call, the caller hangs up, save the wrap-up, and the call and its
 * recording are in the history (and on the Recordings page, by name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab } from '../helpers/browser.ts';
import { waitForRecordedAudio } from '../helpers/wait.ts';

/** What the page did with the browser's own APIs: notifications shown, oscillators started (the ring). */
interface Seen { notifications: Array<{ title: string; body: string }>; oscillators: number }
declare global { interface Window { kefuSeen: Seen } }

/** Watches the browser's Notification and WebAudio APIs (our code runs unchanged). */
const OBSERVE = `(() => {
  const seen = { notifications: [], oscillators: 0 };
  window.kefuSeen = seen;
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, opts) { super(title, opts); seen.notifications.push({ title, body: (opts && opts.body) || '' }); }
  };
  const osc = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { seen.oscillators++; return osc.call(this); };
})();`;

const RUNS = [
  { locale: 'zh-CN', customer: '王芳', number: '13800138000', typed: '138 0013 8000', ready: '就绪', idle: '空闲', sale: '成交' },
  { locale: 'en', customer: 'Li Lei', number: '13900139000', typed: '139 0013 9000', ready: 'Ready', idle: 'Idle', sale: 'Sale' },
] as const;

/** Bytes of the recording's file so far (recordings/calls/YYYY/MM/DD/<id>.wav under the data folder). */
describe('the README quick tour in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    daemon = lab.daemon;
  });
  afterAll(async () => { await lab?.close(); });

  for (const run of RUNS) {
    it(`works as written (${run.locale})`, async () => {
      // Each run starts where a newcomer starts: the admin's agent logged out.
      expect((await daemon.api('POST', '/agents/admin/state', { state: 'logged-out' })).status).toBe(200);
      const tab = await openPage(lab.browser, { locale: run.locale });
      const page: Page = tab.page;
      await page.context().grantPermissions(['notifications'], { origin: daemon.url });
      await page.addInitScript(OBSERVE);

      // Sign in as admin.
      await signIn(page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);

      // Add a customer with a number under Customers.
      await page.click('nav a[href="#/customers"]');
      await page.click('[data-testid=new-customer]');
      await page.fill('[data-testid=customer-name]', run.customer);
      await page.fill('[data-testid=customer-phone-0]', run.typed);
      await page.click('[data-testid=customer-save]');
      expect(await (await page.waitForSelector('[data-testid=customer-title]')).textContent()).toBe(run.customer);

      // Go to Desk, press Ready.
      await page.click('nav a[href="#/desk"]');
      await page.waitForSelector('[data-testid=agent-state][data-state=logged-out]');
      await page.click('[data-testid=go-ready]');
      const state = await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
      expect(await state.textContent()).toBe(run.ready);
      const titleBefore = await page.title();

      // The yellow demo bar: "Simulate incoming call". The card pops while the line rings.
      await page.fill('input[name=demo-number]', run.typed);
      await page.click('[data-testid=demo-panel] button[type=submit]');
      const pop = await lab.events.waitFor((e) => e.type === 'screenpop' && String(e.data.number).endsWith(run.number), 30_000);
      const callId = String(pop.data.callId);
      const name = await page.waitForSelector('[data-testid=customer-name]', { timeout: 30_000 });
      expect(await name.textContent()).toBe(run.customer);

      // The agent hears it: the tab title, a desktop notification, the ring.
      await page.waitForFunction((n) => document.title === `☎ ${n} – kefu`, run.customer);
      const seen = await page.waitForFunction(() => (window.kefuSeen.notifications.length > 0 && window.kefuSeen.oscillators > 0 ? window.kefuSeen : null));
      const s = (await seen.jsonValue()) as Seen;
      expect(s.notifications[0]).toEqual({ title: run.locale === 'en' ? 'Incoming call' : '来电', body: run.customer });
      await tab.shot(`tour-${run.locale}-pop`);

      // Take the call: the ring stops and the title comes back.
      await page.click('[data-testid=take-call]');
      await page.waitForSelector('[data-testid=agent-state][data-state=on-call]');
      await page.waitForFunction((t) => document.title === t, titleBefore);
      await lab.events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
      // Let the call run until half a second of it is recorded (8 kHz, 16 bit: 8000 bytes after the header), then the caller hangs up from the demo bar.
      await waitForRecordedAudio(daemon, callId, 500);
      await page.click('[data-testid=demo-panel] button[type=button]');

      // Save the wrap-up.
      await page.waitForSelector('[data-testid=wrap-up]', { timeout: 30_000 });
      await page.selectOption('[data-testid=wrap-outcome]', 'sale');
      await page.fill('[data-testid=wrap-notes]', run.locale === 'en' ? 'ordered two units' : '订购了两台设备');
      await page.click('[data-testid=wrap-save]');
      await page.waitForSelector('[data-testid=agent-state][data-state=ready]');

      // The call and its recording are in the history: who called, the outcome in words, a player.
      const row = await page.waitForSelector(`[data-testid=my-call-${callId}]:has(audio)`, { timeout: 30_000 });
      expect(await (await page.waitForSelector(`[data-testid=my-call-who-${callId}-name]`)).textContent()).toBe(run.customer);
      expect(await row.textContent()).toContain(run.sale);
      const call = await daemon.api<{ outcome: string; agentId: string; recordingId: string | null }>('GET', `/calls/${callId}`);
      expect(call.body).toMatchObject({ outcome: 'sale', agentId: 'admin' });
      expect(call.body.recordingId).toBeTruthy();
      await tab.shot(`tour-${run.locale}-history`);

      // Recordings lists it by the customer's name; the wallboard says the line is idle in words.
      await page.click('nav a[href="#/recordings"]');
      const who = await page.waitForSelector(`[data-testid=recording-who-${call.body.recordingId}-name]`);
      expect(await who.textContent()).toBe(run.customer);
      await page.click('nav a[href="#/wallboard"]');
      const line = await page.waitForSelector('[data-testid=wall-line-demo] [data-state=idle]');
      expect(await line.textContent()).toBe(run.idle);

      expect(tab.errors).toEqual([]);
      await page.context().close();
    });
  }
});
