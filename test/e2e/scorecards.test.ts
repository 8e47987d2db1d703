/// <reference lib="dom" />
/**
 * Scorecards in Debian's Chromium on `serve --demo`: a supervisor builds a
 * scheme in the editor (a refused one shows the field), opens the month; an
 * agent gives their self-review; the supervisor computes, reviews, deducts,
 * publishes and sees the ranking chart; the agent sees only their own card,
 * appeals it, and sees the upheld appeal change the total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';

describe('scorecards pages in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let lead: ConsolePage;
  let agent: ConsolePage;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    ({ daemon } = lab);
    for (const [username, displayName] of [['li.na', 'Li Na'], ['wang.fang', 'Wang Fang']]) {
      expect((await daemon.api('POST', '/users', { username, displayName, role: 'agent', password: 'agent-pass-1' })).status).toBe(201);
    }
    lead = await openPage(lab.browser, { locale: 'en' });
    await signIn(lead.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
    agent = await openPage(lab.browser, { locale: 'en' });
    await signIn(agent.page, daemon.url, 'li.na', 'agent-pass-1');
  });
  afterAll(async () => { await lab?.close(); });

  it('the schemes editor: weights must sum to 100 (the refusal names the field); a month is opened', async () => {
    const { page } = lead;
    await page.goto(`${daemon.url}/#/scorecards`);
    await page.click('[data-testid=sc-tab-schemes]');
    await page.fill('[data-testid=sc-scheme-name]', 'Monthly');
    await page.fill('[data-testid=sc-item-target-0]', '10');
    await page.fill('[data-testid=sc-item-weight-0]', '50');
    expect(await page.textContent('[data-testid=sc-weights-sum]')).toContain('50');
    await page.click('[data-testid=sc-scheme-save]');
    await page.waitForSelector('[data-testid=sc-scheme-error]');
    expect(await page.textContent('[data-testid=sc-scheme-error]')).toContain('body.definition.items');
    await page.click('[data-testid=sc-add-item]');
    await page.selectOption('[data-testid=sc-item-kpi-1]', 'survey');
    await page.fill('[data-testid=sc-item-target-1]', '5');
    await page.fill('[data-testid=sc-item-weight-1]', '50');
    expect(await page.textContent('[data-testid=sc-weights-sum]')).toContain('100');
    await page.click('[data-testid=sc-scheme-save]');
    await page.waitForSelector('[data-testid=sc-scheme-Monthly]');
    await page.fill('[data-testid=sc-month]', '2026-11');
    await page.click('[data-testid=sc-scheme-Monthly] [data-testid=sc-open-month]');
    await until('the period opened', async () => ((await daemon.api<{ items: unknown[] }>('GET', '/scorecards/periods')).body.items.length === 1));
  });

  it('the agent gives a self-review; the supervisor computes, reviews, deducts, publishes; results with the chart', async () => {
    await agent.page.goto(`${daemon.url}/#/scorecards`);
    await agent.page.waitForSelector('[data-testid=sc-self-score]');
    await agent.page.fill('[data-testid=sc-self-score]', '80');
    await agent.page.click('[data-testid=sc-self-save]');
    await until('the self-review saved', async () => {
      const period = (await daemon.api<{ items: Array<{ id: string }> }>('GET', '/scorecards/periods')).body.items[0]!;
      return (await daemon.api<{ items: Array<{ agentId: string; kind: string; score: number }> }>('GET', `/scorecards/periods/${period.id}/reviews`)).body.items.some((r) => r.agentId === 'li-na' && r.score === 80);
    });

    const { page } = lead;
    await page.click('[data-testid=sc-tab-results]');
    await page.click('[data-testid=sc-step-compute]');
    await page.waitForSelector('[data-testid=sc-row-li-na]');
    await page.click('[data-testid=sc-tab-reviews]');
    await page.fill('[data-testid=sc-sup-li-na]', '90');
    await page.click('[data-testid=sc-sup-save-li-na]');
    await until('the supervisor review saved', async () => {
      const period = (await daemon.api<{ items: Array<{ id: string }> }>('GET', '/scorecards/periods')).body.items[0]!;
      return (await daemon.api<{ items: Array<{ agentId: string; kind: string; score: number }> }>('GET', `/scorecards/periods/${period.id}/reviews`)).body.items.some((r) => r.agentId === 'li-na' && r.kind === 'supervisor' && r.score === 90);
    });
    await page.selectOption('[data-testid=sc-deduct-agent]', 'wang-fang');
    await page.fill('[data-testid=sc-deduct-points]', '5');
    await page.fill('[data-testid=sc-deduct-reason]', 'late for three shifts');
    await page.click('[data-testid=sc-deduct-form] button[type=submit]');
    await until('the deduction recorded', async () => {
      const cards = (await daemon.api<{ items: Array<{ agentId: string; deductions: number }> }>('GET', '/scorecards?agentId=wang-fang')).body.items;
      return cards[0]?.deductions === 5;
    });
    await page.click('[data-testid=sc-tab-results]');
    await page.click('[data-testid=sc-step-close-reviews]');
    await page.waitForSelector('[data-testid=sc-step-publish]');
    await page.click('[data-testid=sc-step-publish]');
    await page.waitForFunction(() => document.querySelector('[data-testid=sc-state]')?.textContent === 'published');
    // li-na: KPI 0 (no calls, no surveys); review 0.3 × 80 + 0.7 × 90 = 87; total 0.3 × 87 = 26.1, rank 1; wang-fang 0 − 5.
    await page.waitForFunction(() => document.querySelector('[data-testid=sc-row-li-na]')?.textContent?.includes('26.1'));
    expect(await page.textContent('[data-testid=sc-row-li-na] td:first-child')).toBe('1');
    expect(await page.textContent('[data-testid=sc-row-wang-fang]')).toContain('−5');
    await page.waitForSelector('[data-testid=sc-chart-totals]');
    await page.waitForSelector('[data-testid=sc-chart-grades]');
    await lead.shot('scorecards-results');
    // Chromium logs the refusal the first test asked for (400) as a failed load; nothing else
    expect(lead.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it('the agent sees only their own card, appeals it; an upheld appeal changes the total they see', async () => {
    const { page } = agent;
    await page.goto(`${daemon.url}/#/desk`);
    await page.goto(`${daemon.url}/#/scorecards`);
    await page.waitForSelector('[data-testid=sc-card]');
    expect(await page.textContent('[data-testid=sc-card-total]')).toBe('26.1');
    expect(await page.$$('[data-testid=sc-my-card]')).toHaveLength(1);
    expect(await page.$('[data-testid=sc-tab-results]')).toBeNull();
    await page.fill('[data-testid=sc-appeal-reason]', 'my survey calls were not counted');
    await page.click('[data-testid=sc-appeal-send]');
    await page.waitForSelector('[data-testid=sc-my-appeal]');
    expect(await page.textContent('[data-testid=sc-my-appeal]')).toContain('waiting');
    const appealed = await lab.events.waitFor((e) => e.type === 'scorecard.appeal' && e.data.status === 'open', 30_000);
    expect(appealed.data).toMatchObject({ agentId: 'li-na' });

    const lp = lead.page;
    await lp.click('[data-testid=sc-tab-appeals]');
    await lp.waitForSelector('[data-testid=sc-answer]');
    await lp.fill('[data-testid=sc-answer]', 'survey calls re-counted');
    await lp.fill('[data-testid=sc-adjustment]', '10');
    await lp.click('[data-testid=sc-uphold]');
    await lab.events.waitFor((e) => e.type === 'scorecard.appeal' && e.data.status === 'upheld', 30_000);

    await page.reload();
    await page.waitForSelector('[data-testid=sc-card]');
    await page.waitForFunction(() => document.querySelector('[data-testid=sc-card-total]')?.textContent === '36.1');
    expect(await page.textContent('[data-testid=sc-my-appeal]')).toContain('upheld');
    expect(await page.textContent('[data-testid=sc-card]')).toContain('survey calls re-counted');
    await agent.shot('scorecards-mine');
    expect(agent.errors).toEqual([]);
    expect(lead.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
