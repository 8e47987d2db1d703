/**
 * POST /contacts/scan at the HTTP edge, on the test database (PGlite or
 * PostgreSQL): bad uploads answered by 400/413 naming the problem, keys and
 * roles, and a generated card read by the real tesseract and saved through
 * POST /contacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { cardSet } from '../fixtures/cards/data.ts';
import { renderCards } from '../fixtures/cards/render.ts';

describe('POST /contacts/scan', () => {
  let t: TestApp;
  let card: Buffer;
  const spec = cardSet().find((c) => c.id === 'zh-clean')!;

  beforeAll(async () => {
    t = await startTestApp({ config: { cardScan: { maxBytes: 2_000_000 } } });
    const browser = await launchBrowser();
    try { [card] = await renderCards(browser, [spec]) as [Buffer]; } finally { await browser.close(); }
  });
  afterAll(async () => { await t?.close(); });

  it('refuses what is not a JPEG, PNG or WebP photo, naming it', async () => {
    const pdf = await t.call('POST', '/contacts/scan', { body: Buffer.from('%PDF-1.4\n%...'), type: 'image/png' });
    expect(pdf.status).toBe(400);
    expect(pdf.body.error.message).toMatch(/^body\.image: expected a JPEG, PNG or WebP photo, got a PDF/);
    const text = await t.call('POST', '/contacts/scan', { body: 'name,phone\n', type: 'text/csv' });
    expect(text.status).toBe(400);
    expect(text.body.error.message).toMatch(/got text/);
    const json = await t.call('POST', '/contacts/scan', { body: { image: 'x' } });
    expect(json.status).toBe(400);
    expect(json.body.error.details.field).toBe('body.image');
    const gif = await t.call('POST', '/contacts/scan', { body: Buffer.from('GIF89a\x01\x00\x01\x00'), type: 'image/gif' });
    expect(gif.status).toBe(400);
    expect(gif.body.error.message).toMatch(/GIF/);
  });

  it('refuses a broken image and one too small to read', async () => {
    const broken = Buffer.concat([card.subarray(0, 64), Buffer.alloc(200, 7)]);
    const r = await t.call('POST', '/contacts/scan', { body: broken, type: 'image/png' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^body\.image: cannot be decoded/);
    const tiny = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#fff' } }).png().toBuffer();
    const s = await t.call('POST', '/contacts/scan', { body: tiny, type: 'image/png' });
    expect(s.status).toBe(400);
    expect(s.body.error.message).toMatch(/too small to read/);
  });

  it('answers an empty body with 400 and an oversized one with 413', async () => {
    const empty = await t.call('POST', '/contacts/scan', { body: Buffer.alloc(0), type: 'image/jpeg' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/^body\.image: the body is empty/);
    const none = await t.call('POST', '/contacts/scan');
    expect(none.status).toBe(400);
    const big = await t.call('POST', '/contacts/scan', { body: Buffer.concat([card, Buffer.alloc(2_000_001)]), type: 'image/png' });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('needs a key; every role may scan', async () => {
    const anon = await t.call('POST', '/contacts/scan', { key: null, body: card, type: 'image/png' });
    expect(anon.status).toBe(401);
    const bad = await t.call('POST', '/contacts/scan', { key: 'kefu_wrong', body: card, type: 'image/png' });
    expect(bad.status).toBe(401);
  });

  it('reads a generated card (agent key) and the draft saves as a contact', async () => {
    const r = await t.call('POST', '/contacts/scan', { key: t.agent, body: card, type: 'image/png' });
    expect(r.status).toBe(200);
    const d = r.body.draft;
    expect(d.name).toBe(spec.truth.name);
    expect(d.company).toBe(spec.truth.company);
    expect(d.email).toBe(spec.truth.email);
    expect(d.phones).toEqual(expect.arrayContaining([{ number: spec.truth.mobile, label: 'mobile' }, { number: spec.truth.fax, label: 'fax' }]));
    expect(r.body.fields.name.confidence).toBeGreaterThan(0);
    expect(r.body.image).toMatchObject({ type: 'png', rotated: 0 });
    expect(r.body.text).toContain(spec.truth.company);

    const saved = await t.call('POST', '/contacts', { key: t.agent, body: d });
    expect(saved.status).toBe(201);
    const found = await t.call('GET', `/contacts?phone=${encodeURIComponent(spec.printed.mobile)}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([saved.body.id]);
    expect(found.body.items[0]).toMatchObject({ name: spec.truth.name, company: spec.truth.company, notes: d.notes });
  });
});
