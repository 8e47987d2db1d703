/** /ivr/flows and /customers through the running daemon: validation with every error and its path, versions, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';

const flow = (over: Record<string, unknown> = {}) => ({
  id: 'two-way', name: 'Two way', entry: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { text: 'Press 1 or 2', voice: 'en-us' }, options: { 1: 'a', 2: 'b' } },
    a: { type: 'play', prompt: { text: 'A', voice: 'en-us' }, next: 'bye' },
    b: { type: 'play', prompt: { text: 'B', voice: 'en-us' }, next: 'bye' },
    bye: { type: 'hangup' },
  },
  ...over,
});

describe(`flows and customers API on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let d: DaemonProcess;
  beforeAll(async () => { db = await freshDatabase(); d = await startDaemonProcess({ databaseUrl: db.url }); });
  afterAll(async () => { await d.stop(); await db.drop(); });

  it('the default flow ships and is published', async () => {
    const r = await d.api<{ items: Array<{ id: string; publishedVersion: number }> }>('GET', '/ivr/flows');
    expect(r.body.items).toContainEqual(expect.objectContaining({ id: 'main', publishedVersion: 1 }));
  });

  it('validate returns every error with its path', async () => {
    const bad = flow();
    (bad.nodes as Record<string, unknown>).a = { type: 'play', prompt: { text: '', voice: 'en-us' }, next: 'nowhere' };
    (bad.nodes as Record<string, unknown>).menu = { type: 'menu', prompt: { text: 'x', voice: 'en-us' }, options: { 1: 'a', 2: 'missing' } };
    const r = await d.api<{ valid: boolean; errors: Array<{ path: string; message: string }> }>('POST', '/ivr/flows/validate', bad);
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    const paths = r.body.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/nodes/a/next', '/nodes/menu/options/2']));
    expect(r.body.errors.some((e) => e.path.startsWith('/nodes/a/prompt') && /required|empty/i.test(e.message))).toBe(true);
    expect((await d.api<{ valid: boolean }>('POST', '/ivr/flows/validate', flow())).body.valid).toBe(true);
  });

  it('a handset node may name only configured seats (this daemon has none)', async () => {
    const withSeats = flow({ nodes: { ...flow().nodes, b: { type: 'handset', seats: ['desk-9'], fallback: 'bye' } } });
    const r = await d.api<{ valid: boolean; errors: Array<{ path: string; message: string }> }>('POST', '/ivr/flows/validate', withSeats);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors).toEqual([{ path: '/nodes/b/seats/0', message: 'no seat "desk-9" is configured (seats: none)' }]);
    expect((await d.api('POST', '/ivr/flows', { ...withSeats, id: 'with-seats' })).status).toBe(400);
  });

  it('create refuses an invalid flow with 400 and the errors; versions publish and roll back', async () => {
    const refused = await d.api<{ error: { code: string; details: { errors: unknown[] } } }>('POST', '/ivr/flows', flow({ entry: 'nope' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.errors.length).toBeGreaterThan(0);
    expect((await d.api('POST', '/ivr/flows', flow())).status).toBe(201);
    expect((await d.api('POST', '/ivr/flows', flow())).status).toBe(409);
    const v2 = await d.api<{ currentVersion: number; publishedVersion: number }>('PUT', '/ivr/flows/two-way?publish=false', flow({ name: 'Two way v2' }));
    expect(v2.body).toMatchObject({ currentVersion: 2, publishedVersion: 1 });
    expect((await d.api<{ version: number }>('GET', '/ivr/flows/two-way?version=published')).body.version).toBe(1);
    expect((await d.api<{ publishedVersion: number }>('POST', '/ivr/flows/two-way/publish', { version: 2 })).body.publishedVersion).toBe(2);
    expect((await d.api('PUT', '/ivr/flows/two-way', flow({ id: 'other' }))).status).toBe(400);
    expect((await d.api<{ items: unknown[] }>('GET', '/ivr/flows/two-way/versions')).body.items).toHaveLength(2);
  });

  it('customers: 400 names the field; any written number form finds the customer; 404 and pages', async () => {
    const bad = await d.api<{ error: { code: string; message: string } }>('POST', '/customers', { name: 'X', phones: [{ number: 'call me' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.phones.0.number');
    const missing = await d.api<{ error: { message: string } }>('POST', '/customers', { company: 'No name' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('body.name');
    const extra = await d.api<{ error: { message: string } }>('POST', '/customers', { name: 'Y', colour: 'red' });
    expect(extra.body.error.message).toContain('body.colour');
    const c = await d.api<{ id: string; phones: Array<{ number: string }> }>('POST', '/customers', { name: '李雷', phones: [{ number: '010-8888 8888' }, { number: '+86 138-0013-8001' }] });
    expect(c.body.phones.map((p) => p.number)).toEqual(['+861088888888', '+8613800138001']);
    for (const form of ['(010) 8888 8888', '861088888888', '01088888888', '１３８００１３８００１']) {
      const r = await d.api<{ items: Array<{ id: string }> }>('GET', `/customers?phone=${encodeURIComponent(form)}`);
      expect(r.body.items.map((x) => x.id), form).toEqual([c.body.id]);
    }
    expect((await d.api('GET', '/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await d.api<{ error: { code: string } }>('GET', '/customers/not-a-uuid')).status).toBe(400);
    expect((await d.api('GET', '/customers?limit=0')).status).toBe(400);
    expect((await d.api('GET', '/customers?cursor=garbage')).status).toBe(400);
  });
});
