/**
 * Layered configuration: config/default.yaml (documented defaults) <- the
 * user's file (--config or KEFU_CONFIG) <- KEFU_* environment overrides <- CLI
 * overrides. Validated once against the schema, then frozen. Nothing else in
 * the daemon reads process.env.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Value } from 'typebox/value';
import { ConfigSchema, type Config } from './schema.ts';
import { KefuError } from '../core/errors.ts';
import { configSecrets, maskSecretValues, scrubSecrets } from './secrets.ts';
import { resolveConfigPaths } from './paths.ts';
import { packagePath } from '../paths.ts';
import { isValidTimeZone } from '../core/ivr/time.ts';

export const DEFAULT_CONFIG_PATH = packagePath('config', 'default.yaml');

/** Environment variables that are not config overrides. */
const RESERVED_ENV = new Set(['KEFU_CONFIG', 'KEFU_BOOTSTRAP_KEY']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function readYaml(path: string): Obj {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KefuError('CONFIG_INVALID', `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    // The parser's message quotes the offending source lines, which may hold a secret: keep its first line (what and where).
    throw new KefuError('CONFIG_INVALID', `config file ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) throw new KefuError('CONFIG_INVALID', `config file ${path}: expected a mapping of keys at the top level`);
  return doc;
}

/** KEFU_HTTP_PORT=8081 -> { http: { port: 8081 } }; segments match schema keys case-insensitively. */
export function envOverrides(env: Record<string, string | undefined>): Obj {
  const out: Obj = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('KEFU_') || RESERVED_ENV.has(name) || raw === undefined) continue;
    const segments = name.slice(5).toLowerCase().split('_');
    let schema: unknown = ConfigSchema;
    const path: string[] = [];
    for (const seg of segments) {
      const props = isObj(schema) && isObj(schema.properties) ? schema.properties : null;
      const key = props && Object.keys(props).find((k) => k.toLowerCase() === seg);
      if (!props || !key) { path.length = 0; break; }
      path.push(key);
      schema = props[key];
    }
    if (path.length === 0) continue;
    let value: unknown = raw;
    try { value = parseYaml(raw); } catch { value = raw; }
    let cursor = out;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) cursor[key] = value;
      else cursor = (cursor[key] = isObj(cursor[key]) ? cursor[key] : {}) as Obj;
    }
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const pointerToKey = (p: string): string => p.replace(/^\//, '').replaceAll('/', '.') || '(top level)';

/**
 * Validate a merged document; throws CONFIG_INVALID naming each key, value and
 * expectation. Secrets (values of secret-named keys, passwords in URLs) never
 * appear in the message: they are masked by key and scrubbed from the text.
 */
export function validateConfig(doc: unknown, source: string): Config {
  const secrets = configSecrets(doc);
  const fail = (lines: string[]) => {
    const safe = lines.map((l) => scrubSecrets(l, secrets));
    return new KefuError('CONFIG_INVALID', `invalid configuration (${source}):\n  ${safe.join('\n  ')}`, { errors: safe });
  };
  const withDefaults = Value.Default(ConfigSchema, structuredClone(doc));
  // The statistics buckets are the office's days unless stats.timeZone says otherwise.
  if (isObj(withDefaults) && isObj(withDefaults.stats) && withDefaults.stats.timeZone === undefined) withDefaults.stats.timeZone = withDefaults.timezone;
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const e of errors) {
      if (e.keyword === 'boolean') continue; // duplicate of additionalProperties
      const key = pointerToKey(e.instancePath);
      let value: unknown = withDefaults;
      let last: string | null = null;
      for (const part of e.instancePath.split('/').filter(Boolean)) { value = isObj(value) || Array.isArray(value) ? (value as Obj)[part] : undefined; last = part; }
      value = maskSecretValues(value, last);
      let msg = e.message;
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
        msg = `unknown key(s) ${extra.map((k) => `"${k}"`).join(', ')}`;
      }
      const line = `${key} = ${JSON.stringify(value)?.slice(0, 80) ?? 'undefined'}: ${msg}`;
      if (!seen.has(line)) { seen.add(line); lines.push(line); }
    }
    throw fail(lines);
  }
  const config = withDefaults as Config;
  const problems = semanticProblems(config);
  if (problems.length > 0) throw fail(problems);
  return config;
}

/** cluster.advertise: an http(s) origin other daemons can reach (forwarded requests go there). */
function advertiseProblems(config: Config): string[] {
  const a = config.cluster.advertise;
  if (a === undefined) {
    return ['0.0.0.0', '::', '[::]'].includes(config.http.host)
      ? [`cluster.advertise: required when http.host is ${config.http.host} (a wildcard is no address other daemons can reach); e.g. http://10.0.0.5:${config.http.port}`]
      : [];
  }
  let u: URL;
  try { u = new URL(a); } catch { return [`cluster.advertise = "${a}": expected a URL such as http://10.0.0.5:8080`]; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return [`cluster.advertise = "${a}": expected http:// or https://`];
  // the value is not echoed: it holds a secret
  if (u.username || u.password) return ['cluster.advertise: expected no credentials (user:password@) in the address'];
  if (u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    return [`cluster.advertise = "${a}": expected only scheme, host and port (no path, query or fragment)`];
  }
  return [];
}

/** Rules the schema cannot say: unique ids, fields a driver needs. */
function semanticProblems(config: Config): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  config.lines.forEach((line, i) => {
    if (ids.has(line.id)) out.push(`lines.${i}.id = "${line.id}": expected a unique line id`);
    ids.add(line.id);
    if ((line.driver === 'v253-modem') && !line.port) out.push(`lines.${i}.port: required for driver ${line.driver} (a serial device such as /dev/ttyACM0)`);
    if (line.driver === 'asterisk' && !line.endpoint) out.push(`lines.${i}.endpoint: required for driver asterisk (e.g. PJSIP/fxo-gw or DAHDI/1)`);
  });
  if (config.cluster.enabled) {
    if (!/^postgres(ql)?:\/\//.test(config.database.url)) out.push('cluster.enabled = true: needs a PostgreSQL server (database.url postgres://...); the embedded database (pglite) is single-node');
    if (config.cluster.renewS >= config.cluster.leaseS / 2) out.push(`cluster.renewS = ${config.cluster.renewS}: must be less than half of cluster.leaseS (${config.cluster.leaseS})`);
    if (!config.asterisk || !config.lines.some((l) => l.driver === 'asterisk')) out.push('cluster.enabled = true: needs asterisk lines (the lease is on an Asterisk node)');
    out.push(...advertiseProblems(config));
  }
  if (!isValidTimeZone(config.timezone)) out.push(`timezone = "${config.timezone}": expected an IANA time zone such as Asia/Shanghai`);
  return out;
}

export interface LoadOptions {
  /** The user's config file (else KEFU_CONFIG from `env`). */
  file?: string | undefined;
  /** Environment: KEFU_* overrides. Default: none (only the CLI passes process.env). */
  env?: Record<string, string | undefined>;
  /** Command-line overrides, merged last. */
  overrides?: Obj;
  /** Relative paths (dataDir, recording.dir, tts.cacheDir, pglite://) are resolved against this folder once. Default: process.cwd(). */
  cwd?: string;
}

/** Load, merge, validate and freeze the configuration. */
export function loadConfig(opts: LoadOptions = {}): Readonly<Config> {
  const env = opts.env ?? {};
  const file = opts.file ?? env.KEFU_CONFIG;
  let doc: unknown = readYaml(DEFAULT_CONFIG_PATH);
  const sources = ['config/default.yaml'];
  if (file) { doc = merge(doc, readYaml(file)); sources.push(file); }
  const fromEnv = envOverrides(env);
  if (Object.keys(fromEnv).length > 0) { doc = merge(doc, fromEnv); sources.push('KEFU_* environment'); }
  if (opts.overrides) { doc = merge(doc, opts.overrides); sources.push('command line'); }
  return deepFreeze(resolveConfigPaths(validateConfig(doc, sources.join(' <- ')), opts.cwd ?? process.cwd()));
}
