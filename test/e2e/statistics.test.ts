/// <reference lib="dom" />
/**
 * The statistics page in Debian's Chromium on `serve --demo`: a call on the
 * demo line ends, and the page shows it in today's live figures, in the KPI
 * table per line (from the rollups), in the chart, and in the CSV and Excel
 * exports it links to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { type DaemonProcess } from '../helpers/daemon.ts';
import { startDemoConsoleAsAdmin, type ConsoleLab, type ConsolePage } from '../helpers/browser.ts';

describe('statistics page in a real browser', () => {
  let lab: ConsoleLab;
  let daemon: DaemonProcess;
  let tab: ConsolePage;

  beforeAll(async () => {
    ({ lab, daemon, tab } = await startDemoConsoleAsAdmin());
  });
  afterAll(async () => { await lab?.close(); });

  it("a demo call shows in today's figures, the table per line, the chart and both exports", async () => {
    const { page } = tab;
    expect((await daemon.api('POST', '/lines/demo/simulate/call', { number: '13900139000', hangupAfterMs: 3000 })).status).toBe(202);
    const ringing = await lab.events.waitFor((e) => e.type === 'call.ringing', 30_000);
    await lab.events.waitFor((e) => e.type === 'call.ended' && e.data.callId === ringing.data.callId, 60_000);

    await page.goto(`${daemon.url}/#/statistics`);
    await page.waitForSelector('[data-testid=stats-live]');
    await page.click('[data-testid=stats-preset-today]');
    await page.selectOption('[data-testid=stats-dimension]', 'line');
    await page.selectOption('[data-testid=stats-bucket]', 'none');
    await page.waitForSelector('[data-testid=stats-row-all-demo]');
    expect(await page.$eval('[data-testid=stats-row-all-demo] td', (td) => td.textContent)).toBe('1');
    expect(await page.$eval('[data-testid=stats-totals] td', (td) => td.textContent)).toBe('1');
    expect(await page.$eval('[data-testid=stats-chart]', (c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=stats-live] .kpi b')).toBe('1');

    const csvHref = await page.getAttribute('[data-testid=stats-csv]', 'href');
    expect(csvHref).toContain('format=csv');
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), csvHref);
    const lines = csv.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toMatch(/^bucket,key,offered,answered/);
    expect(lines[1]).toMatch(/^,demo,1,/);
    const xlsxHref = await page.getAttribute('[data-testid=stats-xlsx]', 'href');
    const bytes = await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u!)).arrayBuffer())], xlsxHref);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const row = (wb.worksheets[0]!.getRow(2).values as unknown[]).slice(1);
    expect(row.slice(1, 3)).toEqual(['demo', 1]);

    await page.selectOption('[data-testid=stats-bucket]', 'hour');
    await page.selectOption('[data-testid=stats-dimension]', 'all');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^=stats-row-]').length === 24);
    await tab.shot('statistics-by-hour');
    expect(tab.errors).toEqual([]);
  });
});
