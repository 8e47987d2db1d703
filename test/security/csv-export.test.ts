/**
 * CSV exports never hand a spreadsheet a formula: call statistics grouped by
 * the agent's free-text outcome, and the address book.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDbKind } from '../helpers/db.ts';
import { parseCsv } from '../../src/core/crm/csv.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+SUM(1,2)', "-2+3+cmd|' /C calc'!A0", '@SUM(A1)'];

const cells = (text: string): string[] => parseCsv(text).flatMap((r) => r.fields);

describe(`CSV exports on ${testDbKind()}`, () => {
  let h: TestApp;
  beforeAll(async () => { h = await startTestApp(); });
  afterAll(async () => { await h?.close(); });

  it('GET /stats/calls?format=csv writes formula-looking keys with a leading quote', async () => {
    const startedAt = new Date(Date.now() - 3600_000);
    for (const outcome of FORMULAS) {
      const id = randomUUID();
      await h.repos.calls.create({ id, lineId: 'demo', direction: 'inbound', state: 'ended', number: '+8613800138000', startedAt });
      await h.repos.calls.update(id, { outcome, endedAt: new Date() });
    }
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const r = await h.call('GET', `/stats/calls?format=csv&groupBy=outcome&from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    const keys = parseCsv(r.text).slice(1).map((row) => row.fields[0]);
    for (const f of FORMULAS) expect(keys).toContain(`'${f}`);
    for (const c of cells(r.text)) expect(c, c).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('GET /contacts/export?format=csv does the same, and keeps phone numbers as they are', async () => {
    for (const [i, f] of FORMULAS.entries()) {
      expect((await h.call('POST', '/contacts', { body: { name: f, company: f, phones: [{ number: `+86 138 0013 800${i}` }] } })).status).toBe(201);
    }
    const r = await h.call('GET', '/contacts/export?format=csv');
    expect(r.status).toBe(200);
    const all = cells(r.text.replace(/^\ufeff/, ''));
    for (const f of FORMULAS) expect(all).toContain(`'${f}`);
    expect(all).toContain('+8613800138000');
    for (const c of all) expect(c, c).not.toMatch(/^[=\-@\t\r]|^\+\D/);
  });
});
