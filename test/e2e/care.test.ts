/// <reference lib="dom" />
/**
 * The care pages in Debian's Chromium on `serve --demo`: the desk lists the
 * agent's overdue and due-today follow-ups, a call placed from a task is
 * linked when it is completed; the tasks page shows them by owner, the care
 * plan editor makes a plan whose progress shows; complaints move through
 * their states from the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess } from '../helpers/daemon.ts';
import { startDemoConsoleAsAdmin, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';
import { addMonths, localDate } from '../../src/core/care/zoned.ts';

interface Task { id: string; status: string; callId: string | null; outcome: string | null }

describe('care pages in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;
  let customerId: string;

  beforeAll(async () => {
    ({ lab, daemon, tab } = await startDemoConsoleAsAdmin());
    customerId = (await daemon.api<{ id: string }>('POST', '/customers', { name: 'Zhang San', tier: 'vip', phones: [{ number: '138 0013 8000' }] })).body.id;
  });
  afterAll(async () => { await lab?.close(); });

  it('desk: an overdue call task, called from the desk and completed, is linked to that call', async () => {
    const { page } = tab;
    const task = (await daemon.api<Task>('POST', '/tasks', { kind: 'call', title: 'Renewal call', customerId, ownerId: 'admin', dueAt: new Date(Date.now() - 3_600_000).toISOString() })).body;
    await page.goto(`${daemon.url}/#/desk`);
    await page.waitForSelector(`[data-testid=task-${task.id}]`);
    expect(await page.textContent(`[data-testid=task-${task.id}]`)).toContain('overdue');
    await page.click(`[data-testid=task-call-${task.id}]`);
    const placed = await lab.events.waitFor((e) => e.type === 'call.ringing' || e.type === 'call.answered' || e.type === 'call.ended', 30_000);
    const callId = String(placed.data.callId);
    await daemon.api('POST', `/calls/${callId}/hangup`);
    await lab.events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    await page.fill(`#outcome-${task.id}`, 'renewed for a year');
    await page.click(`[data-testid=task-complete-${task.id}]`);
    const done = await until('the task done', async () => {
      const t = (await daemon.api<Task>('GET', `/tasks/${task.id}`)).body;
      return t.status === 'done' ? t : null;
    });
    expect(done).toMatchObject({ outcome: 'renewed for a year', callId });
    // gone from the list, or shown done when it fell due today
    await page.waitForFunction((id) => { const li = document.querySelector(`[data-testid=task-${id}]`); return !li || (li.textContent?.includes('done') && !li.querySelector('form')); }, task.id);
    expect(tab.errors).toEqual([]);
  });

  it('tasks page: due today by owner; the plan editor makes a quarterly VIP plan with its progress', async () => {
    const { page } = tab;
    const today = localDate(new Date(), 'Asia/Shanghai');
    await daemon.api('POST', '/tasks', { kind: 'visit', title: 'Site visit', customerId, ownerId: 'admin', dueAt: new Date(Date.now() + 60_000).toISOString() });
    await page.goto(`${daemon.url}/#/tasks`);
    await page.waitForSelector('[data-testid=tasks-page]');
    await page.selectOption('[data-testid=tasks-view]', 'overdue');
    await page.waitForFunction(() => !(document.querySelector('[data-testid=tasks-of-admin]')?.textContent ?? '').includes('Renewal call'));
    await page.selectOption('[data-testid=tasks-view]', 'today');
    await page.waitForFunction(() => document.querySelector('[data-testid=tasks-of-admin]')?.textContent?.includes('Site visit'));
    await page.fill('[data-testid=plan-name]', 'VIP quarterly');
    await page.fill('[data-testid=plan-tiers]', 'vip');
    await page.fill('[data-testid=plan-every]', '3');
    await page.selectOption('[data-testid=plan-unit]', 'month');
    await page.fill('[data-testid=plan-start]', addMonths(today, -1));
    await page.fill('[data-testid=plan-task-title]', 'Quarterly VIP call');
    await page.click('[data-testid=plan-save]');
    const plan = await until('the plan', async () => (await daemon.api<{ items: Array<{ id: string }> }>('GET', '/care-plans')).body.items[0]);
    await page.waitForFunction((id) => document.querySelector(`[data-testid=plan-progress-${id}]`)?.textContent?.includes('1 created'), plan.id);
    expect(await page.textContent(`[data-testid=plan-progress-${plan.id}]`)).toContain(addMonths(today, -1));
    await page.click(`[data-testid=plan-run-${plan.id}]`);
    await page.waitForSelector('text=0 tasks made');
    await tab.shot('care-tasks');
    expect(tab.errors).toEqual([]);
  });

  it('complaints: recorded from the page, moved to investigating, its history shown', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/complaints`);
    await page.fill('[data-testid=complaint-summary]', 'Waited on hold for 20 minutes');
    await page.fill('[data-testid=complaint-agent]', 'admin');
    await page.click('[data-testid=complaint-create]');
    const c = await until('the complaint', async () => (await daemon.api<{ items: Array<{ id: string }> }>('GET', '/complaints')).body.items[0]);
    await page.click(`[data-testid=complaint-to-investigating-${c.id}]`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid=complaint-status-${id}]`)?.textContent === 'investigating', c.id);
    await page.click(`[data-testid=complaint-${c.id}] button.link`);
    await page.waitForSelector(`[data-testid=complaint-history-${c.id}] li >> nth=1`);
    await tab.shot('care-complaints');
    expect(tab.errors).toEqual([]);
  });
});
