/// <reference lib="dom" />
/**
 * The IVR tree editor in Debian's Chromium: build a flow with a menu of two
 * branches, see the validation error of a missing prompt, fix it, run it in
 * the page's test runner, publish; then a real call on a modem line (our
 * simulator on the far side of a pty) pressing 2 follows branch 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';

describe('IVR editor in a real browser', () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let events: ConsoleLab['events'];
  let tab: ConsolePage;

  beforeAll(async () => {
    sim = await startSimulatedModem({ dialect: 'conexant' });
    // The line runs flow "e2e", which the test builds in the browser.
    lab = await startConsoleLab({ lineId: 'office', config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: 'e2e', answerAfterRings: 1 } }] } });
    ({ daemon, events } = lab);
    tab = await openPage(lab.browser, { locale: 'en-US' });
    await signIn(tab.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await lab?.close();
    await sim?.close();
  });

  it('builds a two-branch menu, shows and clears a missing-prompt error, publishes, and a call pressing 2 takes branch 2', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/ivr`);
    await page.fill('[data-testid=new-flow-id]', 'e2e');
    await page.click('[data-testid=new-flow]');
    await page.waitForSelector('[data-testid=node-start]');

    // The entry becomes a menu with a prompt.
    await page.click('[data-testid=node-start]');
    await page.selectOption('[data-testid=node-type]', 'menu');
    await page.fill('[data-testid=prompt-text]', 'Press one for sales, two for support.');
    // Branch 1 -> a new node, branch 2 -> another new node.
    for (const key of ['1', '2']) {
      await page.fill('[data-testid=option-key]', key);
      await page.click('[data-testid=add-option]');
      await page.waitForSelector(`[data-testid=option-target-${key}]`);
      await page.selectOption(`[data-testid=option-target-${key}]`, { label: '+ New node' });
    }
    const targets = await page.$$eval('[data-testid^=option-target-]', (els) => els.map((e) => (e as HTMLSelectElement).value));
    expect(targets).toHaveLength(2);
    const [sales, support] = targets as [string, string];
    expect(sales).not.toBe(support);

    // Branch 2's node: empty its prompt -> an inline validation error; save and publish are refused.
    await page.click(`[data-testid=node-${support}]`);
    await page.fill('[data-testid=prompt-text]', '');
    await page.waitForSelector('[data-testid=issues] li');
    const issues = await page.textContent('[data-testid=issues]');
    expect(issues).toContain(support);
    expect(await page.isDisabled('[data-testid=publish-flow]')).toBe(true);
    await tab.shot('ivr-editor-error');
    await page.fill('[data-testid=prompt-text]', 'Support will call you back.');
    await page.click(`[data-testid=node-${sales}]`);
    await page.fill('[data-testid=prompt-text]', 'Sales.');
    await page.waitForSelector('[data-testid=no-issues]');

    // The page's test runner walks the flow with typed digits.
    await page.fill('[data-testid=test-digits]', '2');
    await page.click('[data-testid=test-run]');
    await page.waitForSelector('[data-testid=test-path]');
    expect(await page.textContent('[data-testid=test-path]')).toContain(support);
    await tab.shot('ivr-editor');

    // Creating the flow published its v1 (the greeting); the editor's work becomes v2.
    await page.click('[data-testid=publish-flow]');
    await page.waitForSelector('[data-testid=dirty]', { state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid=published-version]')?.textContent?.includes('v2') === true);
    const flow = await daemon.api<{ publishedVersion: number; definition: { entry: string; nodes: Record<string, { type: string; options?: Record<string, string> }> } }>('GET', '/ivr/flows/e2e');
    expect(flow.body.publishedVersion).toBe(2);
    expect(flow.body.definition.nodes.start).toMatchObject({ type: 'menu', options: { 1: sales, 2: support } });
    expect(tab.errors).toEqual([]);

    // A real call on the line pressing 2 follows branch 2.
    const since = Date.now();
    void sim.simulator.ring({ number: '13700137000', rings: 4, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing', 30_000);
    const callId = String(ringing.data.callId);
    await sim.simulator.waitFor('vrx-start', { since, timeoutMs: 20_000 });
    await events.waitFor((e) => e.type === 'call.answered' && e.data.callId === callId, 20_000);
    await sim.simulator.pressDigits('2', { gapMs: 200 });
    await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    const call = await daemon.api<{ digits: string; flowId: string; ivrPath: Array<{ node: string }> }>('GET', `/calls/${callId}`);
    expect(call.body.flowId).toBe('e2e');
    expect(call.body.digits).toBe('2');
    expect(call.body.ivrPath.map((s) => s.node).slice(0, 2)).toEqual(['start', support]);
  });
});
