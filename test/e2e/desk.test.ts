/// <reference lib="dom" />
/**
 * The agent desktop in Debian's Chromium against the real daemon and its
 * demo line: sign in as an agent, go ready, a known customer calls, the card
 * pops (caller ID to card time measured in the page), take the call, the
 * caller hangs up, wrap-up with an outcome, the call is in the history with
 * a recording that plays in the page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { waitForRecordedAudio } from '../helpers/wait.ts';

describe('agent desk in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let events: ConsoleLab['events'];
  let tab: ConsolePage;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    ({ daemon, events } = lab);
    expect((await daemon.api('POST', '/customers', { name: 'Wang Fang', company: 'Acme Trading', tier: 'gold', phones: [{ number: '13800138000', label: 'mobile' }] })).status).toBe(201);
    expect((await daemon.api('POST', '/users', { username: 'zhang.wei', displayName: 'Zhang Wei', role: 'agent', password: 'agent-pass-1' })).status).toBe(201);
    tab = await openPage(lab.browser, { locale: 'zh-CN' });
  });

  afterAll(async () => { await lab?.close(); });

  it('pops the customer card, takes the call, saves the wrap-up, and plays the recording from the history', async () => {
    const { page } = tab;
    await signIn(page, daemon.url, 'zhang.wei', 'agent-pass-1');
    await page.waitForSelector('[data-testid=agent-state]');
    await page.click('[data-testid=go-ready]');
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]');

    // The newcomer's way: the demo panel makes the simulated line ring.
    await page.fill('input[name=demo-number]', '138 0013 8000');
    const clicked = Date.now();
    await page.click('[data-testid=demo-panel] button[type=submit]');
    const name = await page.waitForSelector('[data-testid=customer-name]', { timeout: 30_000 });
    const visibleAt = Date.now();
    expect(await name.textContent()).toBe('Wang Fang');
    const pop = await events.waitFor((e) => e.type === 'screenpop');
    const callId = String(pop.data.callId);
    await page.waitForSelector('[data-testid=screenpop][data-latency-ms]');
    const latencyMs = Number(await page.getAttribute('[data-testid=screenpop]', 'data-latency-ms'));
    expect(latencyMs).toBeGreaterThanOrEqual(0);
    await page.waitForSelector('[data-testid=customer-card] >> text=Acme Trading');
    await tab.shot('desk-screenpop');

    await page.click('[data-testid=take-call]');
    await page.waitForSelector('[data-testid=agent-state][data-state=on-call]');
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 30_000);
    await waitForRecordedAudio(daemon, callId, 750); // the history's player shows more than half a second
    await page.click('[data-testid=demo-panel] button[type=button]');

    await page.waitForSelector('[data-testid=wrap-up]', { timeout: 30_000 });
    // the state bar counts the wrap-up down to when the daemon makes the agent ready (agent.state's wrapUpUntil)
    const wrap = await events.waitFor((e) => e.type === 'agent.state' && e.data.state === 'wrap-up', 10_000);
    expect(typeof wrap.data.wrapUpUntil).toBe('string');
    const left = await page.waitForSelector('[data-testid=wrap-up-left]');
    expect(await left.getAttribute('data-until')).toBe(wrap.data.wrapUpUntil);
    const first = await left.textContent();
    expect(first).toMatch(/^\d+:\d\d 后自动就绪$/);
    await page.waitForFunction((was) => document.querySelector('[data-testid=wrap-up-left]')?.textContent !== was, first, { timeout: 5000 });
    await page.selectOption('[data-testid=wrap-outcome]', 'sale');
    await page.fill('[data-testid=wrap-notes]', '订购了两台设备');
    await tab.shot('desk-wrap-up');
    await page.click('[data-testid=wrap-save]');
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]');

    const call = await daemon.api<{ outcome: string; notes: string; agentId: string; recordingId: string | null }>('GET', `/calls/${callId}`);
    expect(call.body).toMatchObject({ outcome: 'sale', notes: '订购了两台设备', agentId: 'zhang-wei' });

    const player = await page.waitForSelector(`[data-testid=my-call-${callId}] audio`, { timeout: 30_000 });
    const durationS = await player.evaluate((a: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
      a.preload = 'auto';
      a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
      a.addEventListener('error', () => reject(new Error(`audio error ${a.error?.code}`)), { once: true });
      a.load();
    }));
    expect(durationS).toBeGreaterThan(0.5);
    await tab.shot('desk-history');
    expect(tab.errors).toEqual([]);

    const figures = { callerIdToCardMs: latencyMs, clickToCardMs: visibleAt - clicked, recordingSeconds: durationS };
    console.log(`desk e2e: screenpop event to card painted ${latencyMs} ms; demo click to card ${visibleAt - clicked} ms (includes rings); recording ${durationS.toFixed(1)} s`);
    writeFileSync(join(ROOT, 'test-results', 'desk-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  });
});
