/**
 * Secrets never leave in an error message or a log line: config errors,
 * the first start's admin password (once, on the terminal, never in a JSON
 * log line), the AMI secret and ARI password of a running daemon, and the
 * password of a PostgreSQL URL that cannot be opened.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { ROOT, startDaemonProcess } from '../helpers/daemon.ts';

const AMI = 'ami-Secret-4711';
const ARI = 'ari-Password-0815';
const DBPW = 'db-Password-42';

const kefu = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/kefu.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{'));

describe(`secrets on ${testDbKind()}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dir: string;
  const configFile = (doc: Record<string, unknown>) => {
    const p = join(dir, `kefu-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(p, stringify(doc));
    return p;
  };
  beforeAll(async () => { db = await freshDatabase(); dir = mkdtempSync(join(tmpdir(), 'kefu-secrets-')); });
  afterAll(async () => { await db.drop(); rmSync(dir, { recursive: true, force: true }); });

  it('an invalid config names the key, never the AMI secret, the ARI password or the database password', () => {
    const r = kefu(['serve', '--config', configFile({
      database: { url: `postgres://kefu:${DBPW}@127.0.0.1:1/kefu` }, dataDir: dir,
      asterisk: { ami: { port: 'not-a-port', secret: AMI, secrte: AMI }, ari: { password: ARI, username: 7 } },
    })]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('asterisk.ami.port');
    expect(r.stderr).toContain('asterisk.ari.username');
    for (const s of [AMI, ARI, DBPW]) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('a PostgreSQL URL that cannot be opened: the error names the server, not the password', () => {
    for (const url of [`postgres://kefu:${DBPW}@127.0.0.1:1/kefu`, `postgres://kefu:${DBPW}@[::1/kefu`, `postgresql://kefu:${encodeURIComponent(`${DBPW}@/`)}@127.0.0.1:99999/kefu`]) {
      const commands = url.includes('127.0.0.1:1/') ? [['migrate'], ['serve', '--config', configFile({ dataDir: dir, http: { port: 0 } })]] : [['migrate']];
      for (const args of commands) {
        const r = kefu(args, { KEFU_DATABASE_URL: url });
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toContain('DB_UNAVAILABLE');
        expect(r.stderr).toContain('kefu:[redacted]@');
        expect(r.stdout + r.stderr).not.toContain(DBPW);
      }
    }
  });

  it('first start: the admin password is printed once on the terminal and is in no log line; AMI/ARI secrets nowhere', async () => {
    const daemon = await startDaemonProcess({
      databaseUrl: db.url,
      env: { KEFU_ADMIN_PASSWORD: undefined },
      config: { log: { level: 'debug' }, asterisk: { ami: { username: 'kefu', secret: AMI }, ari: { username: 'kefu', password: ARI } } },
    });
    try {
      const m = /Console sign-in \(shown once\): user admin, password (\S+)/.exec(daemon.output());
      expect(m, daemon.output()).not.toBeNull();
      const pw = m![1]!;
      const login = await fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: pw }) });
      expect(login.status).toBe(200); // it is the real password
      await daemon.stop();
      const out = daemon.output();
      expect(out.split(pw).length - 1).toBe(1);
      const logs = jsonLines(out);
      expect(logs.length).toBeGreaterThan(2);
      for (const line of logs) expect(line).not.toContain(pw);
      for (const s of [AMI, ARI]) expect(out).not.toContain(s);
      const dbPassword = process.env.PGPASSWORD;
      if (dbPassword) expect(out).not.toContain(dbPassword);
    } finally {
      await daemon.stop();
    }
  });
});
