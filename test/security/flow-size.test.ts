/** A huge or deeply nested IVR flow gets a proper answer from the API (it was a 500 from a stack overflow). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

/** A 20,000-node chain of goto nodes, written compactly so it stays under the 1 MiB body limit. */
function chainJson(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => (i === n - 1 ? `"n${i}":{"type":"hangup"}` : `"n${i}":{"type":"goto","target":"n${i + 1}"}`));
  return `{"id":"long","name":"Long","entry":"n0","nodes":{${nodes.join(',')}}}`;
}

describe(`flow size bounds on ${testDbKind()}`, () => {
  let h: TestApp;
  beforeAll(async () => { h = await startTestApp(); });
  afterAll(async () => { await h?.close(); });

  it('a 20,000-node chain: validate says why, create is a 4xx naming /nodes', async () => {
    const body = chainJson(20_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    const v = await h.call('POST', '/ivr/flows/validate', { body });
    expect(v.status).toBe(200);
    expect(v.body).toEqual({ valid: false, errors: [expect.objectContaining({ path: '/nodes', message: expect.stringMatching(/at most 1000/) })] });
    const c = await h.call('POST', '/ivr/flows', { body });
    expect([400, 422]).toContain(c.status);
    expect(c.body.error.message).toMatch(/at most 1000/);
  });

  it('a deeply nested flow is a 400, not a 500', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const r = await h.call('POST', '/ivr/flows', { body: `{"id":"deep","name":"Deep","entry":"a","nodes":{"a":{"type":"play","prompt":${deep},"next":"b"},"b":{"type":"hangup"}}}` });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/nested deeper than 32 levels/);
  });
});
