/**
 * Every response carries the security headers: the console and its assets,
 * the API (success and error), 404s, and /docs with its own relaxed policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDbKind } from '../helpers/db.ts';
import { CONSOLE_DIST_DIR as DIST_DIR } from '../../src/paths.ts';
import { startTestApp, type TestApp, type Res } from '../helpers/app.ts';

function expectHeaders(r: Res, what: string): void {
  expect(r.headers['x-frame-options'], what).toBe('DENY');
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['referrer-policy'], what).toBe('no-referrer');
  const csp = String(r.headers['content-security-policy']);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
}

/** The directive's sources, e.g. sources(csp, 'script-src') -> ["'self'"]. */
const sources = (csp: string, name: string): string[] =>
  csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1) ?? [];

describe(`security headers on ${testDbKind()}`, () => {
  let h: TestApp;
  beforeAll(async () => { h = await startTestApp(); });
  afterAll(async () => { await h?.close(); });

  it('on the API, its errors, 404s and the console page', async () => {
    expectHeaders(await h.call('GET', '/health', { key: null }), 'health');
    expectHeaders(await h.call('GET', '/customers'), 'list');
    expectHeaders(await h.call('GET', '/customers', { key: null }), '401');
    expectHeaders(await h.call('POST', '/customers', { body: '{broken', type: 'application/json' }), '400');
    expectHeaders(await h.call('GET', '/api/v1/nothing-here'), '404');
    const page = await h.call('GET', '/', { key: null, headers: { host: 'kefu.example:8080' } });
    expect(page.status).toBe(200);
    expectHeaders(page, 'console');
    const csp = String(page.headers['content-security-policy']);
    expect(sources(csp, 'script-src')).toEqual(["'self'"]);
    expect(sources(csp, 'connect-src')).toEqual(["'self'", 'ws://kefu.example:8080', 'wss://kefu.example:8080']);
    expect(sources(csp, 'media-src')).toContain('blob:');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('a Host header cannot write into the policy', async () => {
    const r = await h.call('GET', '/api/v1/health', { key: null, headers: { host: "x; script-src *" } });
    expect(String(r.headers['content-security-policy'])).not.toContain('script-src *');
  });

  it('the built console needs nothing the policy forbids: no inline script or style in index.html', () => {
    const index = join(DIST_DIR, 'index.html');
    expect(existsSync(index), 'npm test builds the release (web/dist) before the tests').toBe(true);
    const html = readFileSync(index, 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle=/);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
  });

  it('/docs has its own relaxed policy and the same frame and sniffing rules', async () => {
    const r = await h.call('GET', '/docs/', { key: null });
    expect(r.status).toBe(200);
    expectHeaders(r, 'docs');
    expect(sources(String(r.headers['content-security-policy']), 'style-src')).toContain("'unsafe-inline'");
  });
});
