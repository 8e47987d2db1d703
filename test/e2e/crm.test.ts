/// <reference lib="dom" />
/**
 * The CRM pages in Debian's Chromium on `serve --demo`: the customer info card
 * edited with a custom field, the roster filtered and exported, and two
 * customers sharing a number merged from the duplicates list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, type DaemonProcess } from '../helpers/daemon.ts';
import { openPage, signIn, startConsoleLab, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';
import { until } from '../helpers/wait.ts';

interface C { id: string; name: string; custom: Record<string, unknown>; basic: Record<string, unknown>; characteristics: Record<string, unknown>; transaction: Record<string, unknown> }

describe('CRM pages in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;
  let card: C;
  let dupA: C;
  let dupB: C;

  beforeAll(async () => {
    lab = await startConsoleLab({ lineId: 'demo', args: ['--demo'] });
    ({ daemon } = lab);
    expect((await daemon.api('POST', '/customers/fields', { key: 'channel', label: '渠道', type: 'choice', options: ['phone', 'wechat'] })).status).toBe(201);
    card = (await daemon.api<C>('POST', '/customers', { name: 'Card Customer', characteristics: { region: 'east-e2e' } })).body;
    dupA = (await daemon.api<C>('POST', '/customers', { name: 'Dup One', phones: [{ number: '139 1234 5678' }] })).body;
    dupB = (await daemon.api<C>('POST', '/customers', { name: 'Dup Two', phones: [{ number: '+86 13912345678' }], tags: ['dup'] })).body;
    tab = await openPage(lab.browser, { locale: 'en' });
    await signIn(tab.page, daemon.url, 'admin', TEST_ADMIN_PASSWORD);
    tab.page.on('dialog', (d) => { void d.accept(); });
  });
  afterAll(async () => { await lab?.close(); });

  it('edits the info card, custom field included, and shows it', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/customers/${card.id}`);
    await page.waitForSelector('[data-testid=crm-card]');
    await page.click('[data-testid=crm-card-edit]');
    await page.selectOption('[data-testid="crm-in-basic.kind"]', 'company');
    await page.fill('[data-testid="crm-in-basic.legalRepresentative"]', '王强');
    await page.fill('[data-testid="crm-in-basic.founded"]', '2003-05-18');
    await page.selectOption('[data-testid="crm-in-characteristics.potential"]', 'high');
    await page.fill('[data-testid="crm-in-transaction.credit.limit"]', '200000');
    await page.selectOption('[data-testid="crm-in-transaction.credit.overdue"]', 'true');
    await page.selectOption('[data-testid="crm-in-custom.channel"]', 'wechat');
    await page.click('[data-testid=crm-card-save]');
    await page.waitForSelector('[data-testid=crm-card] [data-field="custom.channel"]');
    expect(await page.textContent('[data-testid=crm-card] [data-field="basic.legalRepresentative"]')).toBe('王强');
    expect(await page.textContent('[data-testid=crm-card] [data-field="custom.channel"]')).toBe('wechat');
    const stored = (await daemon.api<C>('GET', `/customers/${card.id}`)).body;
    expect(stored).toMatchObject({ basic: { kind: 'company', legalRepresentative: '王强', founded: '2003-05-18' }, characteristics: { region: 'east-e2e', potential: 'high' },
      transaction: { credit: { limit: 200000, overdue: true } }, custom: { channel: 'wechat' } });
    await tab.shot('crm-card');
  });

  it('filters the roster by region and exports what it shows', async () => {
    const { page } = tab;
    await page.goto(`${daemon.url}/#/customers`);
    await page.waitForSelector(`[data-testid=customer-row-${dupA.id}]`);
    await page.fill('[data-testid=roster-region]', 'east-e2e');
    await page.press('[data-testid=roster-region]', 'Enter');
    await page.waitForSelector(`[data-testid=customer-row-${dupA.id}]`, { state: 'detached' });
    expect(await page.locator('[data-testid^=customer-row-]').count()).toBe(1);
    const href = await page.getAttribute('[data-testid=roster-export-csv]', 'href');
    expect(href).toContain('region=east-e2e');
    const csv = await page.evaluate(async (u) => { const r = await fetch(u!); return { status: r.status, text: await r.text() }; }, href);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('Card Customer');
    expect(csv.text).not.toContain('Dup One');
    await tab.shot('crm-roster');
  });

  it('finds the two customers sharing a number and merges them', async () => {
    const { page } = tab;
    await page.fill('[data-testid=roster-region]', '');
    await page.press('[data-testid=roster-region]', 'Enter');
    await page.click('[data-testid=dups-find]');
    await page.waitForSelector('[data-testid="dup-+8613912345678"]');
    await page.check(`[data-testid=dup-keep-${dupA.id}]`);
    await page.click('[data-testid="dup-merge-+8613912345678"]');
    await until('the second record merged away', async () => ((await daemon.api('GET', `/customers/${dupB.id}`)).status === 404 ? true : null), { timeoutMs: 15_000 });
    await page.waitForSelector('[data-testid=dups-none]');
    const kept = (await daemon.api<C & { tags: string[] }>('GET', `/customers/${dupA.id}`)).body;
    expect(kept.tags).toEqual(['dup']);
    expect(tab.errors).toEqual([]);
  });
});
