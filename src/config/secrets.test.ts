import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { configSecrets, scrubSecrets } from './secrets.ts';
import { isKefuError } from '../core/errors.ts';

const file = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'kefu-cfg-')), 'kefu.yaml');
  writeFileSync(p, yaml);
  return p;
};
const failure = (fn: () => unknown): string => {
  try { fn(); } catch (e) { if (isKefuError(e, 'CONFIG_INVALID')) return `${e.message}\n${JSON.stringify(e.details)}`; throw e; }
  throw new Error('expected CONFIG_INVALID');
};

describe('config secrets never appear in config errors', () => {
  const AMI = 'ami-S3cret-value';
  const ARI = 'ari-Pa55word-value';
  const DB = 'db-pw-Zz9';

  it('a wrong type next to secrets, an unknown key in the secret object, a bad secret type', () => {
    const msg = failure(() => loadConfig({ file: file(`
asterisk:
  ami: { host: 127.0.0.1, port: "not a port", username: kefu, secret: ${AMI}, extra: 1 }
  ari: { url: http://127.0.0.1:8088, username: kefu, password: ${ARI}, app: kefu }
database: { url: "mysql://kefu:${DB}@db.example/kefu" }
`) }));
    expect(msg).toContain('asterisk.ami');
    expect(msg).toContain('database.url');
    for (const s of [AMI, ARI, DB]) expect(msg).not.toContain(s);
  });

  it('a secret of the wrong type is named without its value', () => {
    const msg = failure(() => loadConfig({ overrides: { asterisk: { ami: { secret: ['x', AMI] } } } }));
    expect(msg).toContain('asterisk.ami.secret');
    expect(msg).not.toContain(AMI);
  });

  it('from the environment too (KEFU_DATABASE_URL)', () => {
    const msg = failure(() => loadConfig({ env: { KEFU_DATABASE_URL: `mysql://u:${DB}@h/db` } }));
    expect(msg).toContain('database.url');
    expect(msg).not.toContain(DB);
  });

  it('broken YAML: the parser quotes the source line, the message does not', () => {
    const msg = failure(() => loadConfig({ file: file(`asterisk:\n  ami: { secret: ${AMI}: x: y }\n`) }));
    expect(msg).toContain('not valid YAML');
    expect(msg).not.toContain(AMI);
  });

  it('collects and scrubs: secret-named keys and URL passwords, %-encoded or not', () => {
    const secrets = configSecrets({ database: { url: 'postgres://u:p%40ss-word@h/db' }, asterisk: { ami: { secret: AMI } } });
    expect(secrets).toEqual(expect.arrayContaining([AMI, 'p%40ss-word', 'p@ss-word']));
    expect(scrubSecrets(`connect postgres://u:p@ss-word@h failed (${AMI}) and http://a:other@x/`, secrets)).toBe('connect postgres://u:[redacted]@h failed ([redacted]) and http://a:[redacted]@x/');
  });
});

describe('relative paths', () => {
  it('dataDir, recording.dir, tts.cacheDir and pglite:// resolve once against the starting folder', () => {
    const c = loadConfig({ cwd: '/srv/kefu', overrides: { recording: { dir: 'rec' }, tts: { cacheDir: '../cache' } } });
    expect(c.dataDir).toBe('/srv/kefu/data');
    expect(c.database.url).toBe('pglite:///srv/kefu/data/db');
    expect(c.recording.dir).toBe('/srv/kefu/rec');
    expect(c.tts.cacheDir).toBe('/srv/cache');
    expect(loadConfig({ cwd: '/srv/kefu', overrides: { dataDir: '/var/lib/kefu', database: { url: 'pglite://memory' } } })).toMatchObject({ dataDir: '/var/lib/kefu', database: { url: 'pglite://memory' } });
  });
});
