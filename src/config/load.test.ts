import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, loadConfig } from './load.ts';
import { isKefuError } from '../core/errors.ts';

const file = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'kefu-cfg-')), 'kefu.yaml');
  writeFileSync(p, yaml);
  return p;
};
const failure = (fn: () => unknown): string => {
  try { fn(); } catch (e) { if (isKefuError(e, 'CONFIG_INVALID')) return e.message; throw e; }
  throw new Error('expected CONFIG_INVALID');
};

describe('config', () => {
  it('defaults from config/default.yaml: loopback, port 8080, embedded database', () => {
    const c = loadConfig();
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080, trustProxy: false, bodyLimit: 1_048_576 });
    expect(c.database.url).toBe(`pglite://${join(process.cwd(), 'data/db')}`);
    expect(c.lines).toEqual([]);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('layers: file over defaults, environment over file, command line over environment', () => {
    const f = file('http: { port: 9000 }\nlog: { level: debug }\n');
    expect(loadConfig({ file: f }).http.port).toBe(9000);
    expect(loadConfig({ file: f, env: { KEFU_HTTP_PORT: '9100' } }).http.port).toBe(9100);
    expect(loadConfig({ file: f, env: { KEFU_HTTP_PORT: '9100' }, overrides: { http: { port: 9200 } } }).http.port).toBe(9200);
    expect(loadConfig({ env: { KEFU_CONFIG: f } }).log.level).toBe('debug');
    expect(envOverrides({ KEFU_NUMBERS_DEFAULTREGION: 'HK', KEFU_BOOTSTRAP_KEY: 'x', KEFU_NOPE: '1' })).toEqual({ numbers: { defaultRegion: 'HK' } });
  });

  it('statistics buckets are the office\'s days unless stats.timeZone says otherwise', () => {
    expect(loadConfig().stats.timeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ overrides: { timezone: 'Europe/London' } }).stats.timeZone).toBe('Europe/London');
    expect(loadConfig({ overrides: { timezone: 'Europe/London', stats: { timeZone: 'UTC' } } }).stats.timeZone).toBe('UTC');
  });

  it('fills line defaults', () => {
    const c = loadConfig({ file: file('lines:\n  - { id: office, driver: v253-modem, port: /dev/ttyACM0, inbound: { flow: main } }\n') });
    expect(c.lines[0]).toMatchObject({ baudRate: 115200, record: true, channels: 1, inbound: { flow: 'main', answerAfterRings: 2, ringGapMs: 8000 } });
  });

  it('names the key, the value and what was expected', () => {
    const m = failure(() => loadConfig({ file: file('http: { port: "eighty" }\n') }));
    expect(m).toContain('http.port = "eighty"');
    expect(m).toMatch(/integer/);
    expect(failure(() => loadConfig({ file: file('htp: { port: 1 }\n') }))).toContain('unknown key(s) "htp"');
    expect(failure(() => loadConfig({ file: file('lines:\n  - { id: Office!, driver: v253-modem, port: /dev/x }\n') }))).toContain('lines.0.id = "Office!"');
    expect(failure(() => loadConfig({ file: file('lines:\n  - { id: a, driver: v253-modem }\n') }))).toContain('lines.0.port: required for driver v253-modem');
    expect(failure(() => loadConfig({ file: file('lines:\n  - { id: a, driver: v253-modem, port: /x }\n  - { id: a, driver: v253-modem, port: /y }\n') }))).toContain('expected a unique line id');
    expect(failure(() => loadConfig({ file: file('database: { url: "mysql://x" }\n') }))).toContain('database.url');
    expect(failure(() => loadConfig({ file: file('http: [1, 2\n') }))).toContain('not valid YAML');
    expect(failure(() => loadConfig({ file: '/nonexistent/kefu.yaml' }))).toContain('cannot read config file');
  });

  it('cluster: off by default; on needs PostgreSQL, asterisk lines, renewS < leaseS / 2 and nodeFailS 1..3600, each named', () => {
    expect(loadConfig({}).cluster).toEqual({ enabled: false, renewS: 3, leaseS: 10, nodeFailS: 10, forwardTimeoutS: 10 });
    const ast = 'asterisk: { ari: { url: "http://127.0.0.1:8088" } }\nlines:\n  - { id: t, driver: asterisk, endpoint: PJSIP/trunk }\n';
    expect(failure(() => loadConfig({ file: file(`${ast}cluster: { enabled: true }\n`) }))).toContain('cluster.enabled = true: needs a PostgreSQL server');
    const pgUrl = 'database: { url: "postgres://u@127.0.0.1/k" }\n';
    const ok = loadConfig({ file: file(`${ast}${pgUrl}cluster: { enabled: true, leaseS: 4, renewS: 1 }\n`) });
    expect(ok.cluster).toMatchObject({ enabled: true, leaseS: 4, renewS: 1 });
    expect(failure(() => loadConfig({ file: file(`${ast}${pgUrl}cluster: { enabled: true, leaseS: 4, renewS: 2 }\n`) }))).toContain('cluster.renewS = 2: must be less than half of cluster.leaseS (4)');
    expect(failure(() => loadConfig({ file: file(`${pgUrl}cluster: { enabled: true }\n`) }))).toContain('cluster.enabled = true: needs asterisk lines');
    expect(failure(() => loadConfig({ file: file('cluster: { enable: true }\n') }))).toContain('unknown key(s) "enable"');
    // the dead-node sweeper's delay: a number of seconds, 1..3600
    expect(loadConfig({ file: file(`${ast}${pgUrl}cluster: { enabled: true, nodeFailS: 3 }\n`) }).cluster.nodeFailS).toBe(3);
    expect(failure(() => loadConfig({ file: file(`${ast}${pgUrl}cluster: { enabled: true, nodeFailS: 0 }\n`) }))).toContain('cluster.nodeFailS');
    expect(failure(() => loadConfig({ file: file(`${ast}${pgUrl}cluster: { enabled: true, nodeFailS: "soon" }\n`) }))).toContain('cluster.nodeFailS');
  });

  it('cluster.advertise: default from http.host (refused when a wildcard), else an http(s) origin, each named', () => {
    const base = 'asterisk: { ari: { url: "http://127.0.0.1:8088" } }\nlines:\n  - { id: t, driver: asterisk, endpoint: PJSIP/trunk }\ndatabase: { url: "postgres://u@127.0.0.1/k" }\n';
    const load = (more: string) => loadConfig({ file: file(`${base}${more}`) });
    expect(load('cluster: { enabled: true }\n').cluster.advertise).toBeUndefined();
    expect(failure(() => load('http: { host: 0.0.0.0, port: 8080 }\ncluster: { enabled: true }\n'))).toContain('cluster.advertise: required when http.host is 0.0.0.0');
    expect(load('http: { host: 0.0.0.0 }\ncluster: { enabled: true, advertise: "http://10.0.0.5:8080" }\n').cluster.advertise).toBe('http://10.0.0.5:8080');
    expect(load('cluster: { enabled: true, advertise: "https://kefu-2.example:8443/" }\n').cluster.advertise).toBe('https://kefu-2.example:8443/');
    const withSecret = failure(() => load('cluster: { enabled: true, advertise: "http://kefu:s3cretpw@10.0.0.5:8080" }\n'));
    expect(withSecret).toContain('cluster.advertise: expected no credentials');
    expect(withSecret).not.toContain('s3cretpw');
    for (const bad of ['10.0.0.5:8080', 'ftp://10.0.0.5', 'http://10.0.0.5:8080/api', 'http://10.0.0.5:8080?x=1']) {
      expect(failure(() => load(`cluster: { enabled: true, advertise: "${bad}" }\n`)), bad).toContain(`cluster.advertise = "${bad}"`);
    }
    // off: not checked (nothing is advertised)
    expect(load('http: { host: 0.0.0.0 }\n').cluster.enabled).toBe(false);
  });
});
