/**
 * Sign-in under attack and behind a proxy: the attempt is counted before the
 * password is checked (parallel guesses cannot all be tried), one address
 * guessing does not lock the real user out, X-Forwarded-* is believed only
 * with http.trustProxy, the cookie is Secure behind HTTPS, and a malformed
 * cookie is a 401, not a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';

const PASSWORD = 'login-test-admin-pw';

describe(`sign-in limits on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  const daemons: Daemon[] = [];
  const start = async (trustProxy: boolean): Promise<Daemon> => {
    const config = loadConfig({ overrides: { database: { url: db.url }, dataDir: dir, http: { port: 0, trustProxy }, log: { level: 'silent' } } });
    const d = await startDaemon({ config, logger: pino({ level: 'silent' }), bootstrapKey: 'kefu_login_admin_key_0123456789', adminPassword: PASSWORD });
    daemons.push(d);
    return d;
  };
  const login = (d: Daemon, password: string, headers: Record<string, string> = {}) => fetch(`${d.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username: 'admin', password }),
  });

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'kefu-login-'));
  });
  afterAll(async () => {
    for (const d of daemons) await d.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts an attempt before checking the password; another address still signs in', async () => {
    const d = await start(true);
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(d, `guess-${i}-wrong`, { 'x-forwarded-for': '10.0.0.66' })));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // the right password from that address waits too; from the real user's address it works
    expect((await login(d, PASSWORD, { 'x-forwarded-for': '10.0.0.66' })).status).toBe(429);
    const real = await login(d, PASSWORD, { 'x-forwarded-for': '10.0.0.7' });
    expect(real.status).toBe(200);
    // no Secure flag over plain HTTP; Secure when the trusted proxy says the client used HTTPS
    expect(real.headers.get('set-cookie')).not.toMatch(/Secure/);
    const https = await login(d, PASSWORD, { 'x-forwarded-for': '10.0.0.8', 'x-forwarded-proto': 'https' });
    expect(https.status).toBe(200);
    expect(https.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('believes no X-Forwarded-* header without http.trustProxy', async () => {
    const d = await start(false);
    // every guess comes from 127.0.0.1 whatever the header says: the address limit applies to all of them
    for (let i = 0; i < 10; i++) await login(d, `wrong-${i}`, { 'x-forwarded-for': `10.1.0.${i}` });
    expect((await login(d, PASSWORD, { 'x-forwarded-for': '10.1.0.200' })).status).toBe(429);
    const https = await fetch(`${d.url}/api/v1/auth/session`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.status).toBe(200);
  });

  it('treats a malformed session cookie as no session (401, never 500)', async () => {
    const d = daemons[0]!;
    for (const cookie of ['kefu_session=%E0%A4%A', 'kefu_session=', 'kefu_session=a b', `kefu_session=${'x'.repeat(5000)}`, 'kefu_session=%00%00', '=;;=;kefu_session']) {
      const r = await fetch(`${d.url}/api/v1/customers`, { headers: { cookie } });
      expect(r.status, cookie).toBe(401);
      const s = await fetch(`${d.url}/api/v1/auth/session`, { headers: { cookie } });
      expect(s.status, cookie).toBe(200);
    }
  });
});
