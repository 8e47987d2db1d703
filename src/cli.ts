/**
 * The kefu command: serve, migrate, keys create|list|revoke, diagnose, prune.
 * Exit codes: 0 ok, 1 failure (diagnose: a check failed), 2 bad config or usage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load.ts';
import { configSecrets } from './config/secrets.ts';
import { isKefuError } from './core/errors.ts';
import { createLogger } from './logger.ts';
import { openDb } from './db/open.ts';
import { openDatabase } from './open-database.ts';
import { migrate } from './db/migrate.ts';
import { CONSOLE_DIST_DIR, SQL_DIR } from './paths.ts';
import { KeyRepo, ROLES, type Role } from './db/repos/keys.ts';
import { installProcessGuards } from './process-guards.ts';

/** Files the daemon and its commands create (database, recordings, caches) are private to its user. */
const PRIVATE_UMASK = 0o077;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const USAGE = `usage:
  kefu serve [--config FILE] [--demo | --demo-device] [--host HOST] [--port PORT]
  kefu migrate [--config FILE]
  kefu keys create --role admin|supervisor|agent|integrator [--name NAME] [--agent AGENT_ID] [--config FILE]
  kefu keys list [--config FILE]
  kefu keys revoke KEY_ID [--config FILE]
  kefu users passwd USERNAME [--config FILE]   (KEFU_NEW_PASSWORD=... or a random one is printed)
  kefu diagnose [--json] [--config FILE]
  kefu prune [--config FILE]   (delete call records and recordings past calls/recording.retentionDays)`;

class UsageError extends Error {}

function configFrom(values: { config?: string | undefined; demo?: boolean | undefined; 'demo-device'?: boolean | undefined; host?: string | undefined; port?: string | undefined }) {
  const overrides: Record<string, unknown> = {};
  if (values.demo) overrides.demo = true;
  if (values['demo-device']) { overrides.demo = true; overrides.demoAttach = false; }
  if (values.host || values.port) {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !Number.isInteger(port)) throw new UsageError(`--port "${values.port}": expected a whole number`);
    overrides.http = { ...(values.host ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) };
  }
  return loadConfig({ file: values.config, env: process.env, overrides });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string' }, demo: { type: 'boolean' }, 'demo-device': { type: 'boolean' }, host: { type: 'string' }, port: { type: 'string' } } });
    const config = configFrom(values);
    const logger = createLogger(config.log.level, undefined, { secrets: configSecrets(config) });
    // The console is built with the release (npm ci -> prepare -> npm run build); the daemon never builds it.
    if (config.console.enabled && !existsSync(join(CONSOLE_DIST_DIR, 'index.html'))) {
      logger.warn({ dir: CONSOLE_DIST_DIR }, 'web console not built: run "npm run build" in the kefu folder (npm ci does it); serving the API only');
    }
    process.umask(PRIVATE_UMASK); // after the console build: web/dist stays readable
    // PGlite opens in its worker thread while this thread loads the daemon's modules.
    const database = openDatabase(config, logger);
    database.catch(() => undefined); // startDaemon awaits it and reports the failure
    const { startDaemon } = await import('./main.ts');
    let daemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
    const unguard = installProcessGuards({
      logger,
      onFatal: () => {
        const stopped = daemon ? daemon.stop() : Promise.resolve();
        void Promise.race([stopped, new Promise((r) => setTimeout(r, 5000).unref())]).finally(() => process.exit(1));
      },
    });
    daemon = await startDaemon({
      config, logger, database, bootstrapKey: process.env.KEFU_BOOTSTRAP_KEY,
      announceKey: (key) => process.stdout.write(`\nkefu: first start. Admin API key (shown once, store it now):\n  ${key}\n\n`),
      adminPassword: process.env.KEFU_ADMIN_PASSWORD,
      announcePassword: (pw) => process.stdout.write(`\nkefu: first start. Console sign-in (shown once): user admin, password ${pw}\n\n`),
    });
    process.stdout.write(`kefu: console ${daemon.url}/  API ${daemon.url}/api/v1  docs ${daemon.url}/docs\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    logger.info('stopping');
    await daemon.stop();
    unguard();
    return 0;
  }
  if (command === 'migrate') {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
    const config = configFrom(values);
    process.umask(PRIVATE_UMASK);
    const db = await openDb(config.database.url);
    try {
      const applied = await migrate(db, SQL_DIR);
      process.stdout.write(applied.length ? `applied: ${applied.map((m) => `${m.version} ${m.name}`).join(', ')}\n` : 'database is up to date\n');
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'keys') {
    const [sub, ...more] = rest;
    if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new UsageError('keys: expected "keys create --role ROLE", "keys list" or "keys revoke ID"');
    const { values, positionals } = parseArgs({
      args: more, allowPositionals: sub === 'revoke',
      options: { role: { type: 'string' }, name: { type: 'string' }, agent: { type: 'string' }, config: { type: 'string' } },
    });
    if (sub === 'create' && (!values.role || !ROLES.includes(values.role as Role))) throw new UsageError(`--role "${values.role ?? ''}": expected one of ${ROLES.join(', ')}`);
    if (values.agent !== undefined && !/^[a-z0-9-]{1,64}$/.test(values.agent)) throw new UsageError(`--agent "${values.agent}": expected an agent id ([a-z0-9-]+)`);
    if (sub === 'revoke' && (positionals.length !== 1 || !UUID.test(positionals[0]!))) throw new UsageError('keys revoke: expected one key id (the id column of "kefu keys list")');
    const config = configFrom(values);
    process.umask(PRIVATE_UMASK);
    const db = await openDb(config.database.url);
    try {
      await migrate(db, SQL_DIR);
      const keys = new KeyRepo(db);
      if (sub === 'create') {
        const { key } = await keys.create(values.role as Role, values.name ?? `${values.role} key`, { agentId: values.agent ?? null });
        process.stdout.write(`${key}\n`);
      } else if (sub === 'list') {
        for (const k of await keys.list()) {
          process.stdout.write(`${k.id}  ${k.prefix}…  ${k.role.padEnd(10)} ${(k.agentId ?? '-').padEnd(12)} ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.name}\n`);
        }
      } else {
        if (!(await keys.revoke(positionals[0]!))) throw new UsageError(`keys revoke: no key ${positionals[0]}`);
        process.stdout.write(`key ${positionals[0]} revoked\n`);
      }
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'build-console') {
    throw new UsageError('build-console: the console is built with the release, by "npm run build" (npm ci does it)');
  }
  if (command === 'users') {
    const [sub, username, ...more] = rest;
    if (sub !== 'passwd' || !username) throw new UsageError('users: expected "users passwd USERNAME" (reads the new password from KEFU_NEW_PASSWORD or prints a random one)');
    const { values } = parseArgs({ args: more, options: { config: { type: 'string' } } });
    const config = configFrom(values);
    const { UserRepo } = await import('./db/repos/users.ts');
    const { hashPassword, newPassword, passwordProblem } = await import('./services/auth/passwords.ts');
    const given = process.env.KEFU_NEW_PASSWORD;
    const problem = given === undefined ? null : passwordProblem(given);
    if (problem) throw new UsageError(`KEFU_NEW_PASSWORD: ${problem}`);
    process.umask(PRIVATE_UMASK);
    const db = await openDb(config.database.url);
    try {
      await migrate(db, SQL_DIR);
      const users = new UserRepo(db);
      const found = await users.forLogin(username);
      if (!found) throw new UsageError(`no enabled user "${username}"`);
      const pw = given ?? newPassword();
      await users.update(found.user.id, { passwordHash: await hashPassword(pw) });
      process.stdout.write(given ? `password of ${username} changed; their sessions ended\n` : `new password of ${username}: ${pw}\n`);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'prune') {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
    const config = configFrom(values);
    process.umask(PRIVATE_UMASK);
    const { Retention } = await import('./services/retention.ts');
    const db = await openDb(config.database.url);
    try {
      await migrate(db);
      const r = await new Retention(db, config, createLogger(config.log.level, process.stderr, { secrets: configSecrets(config) })).prune();
      process.stdout.write(`pruned: ${r.calls} call records, ${r.recordings} recordings, ${r.files} files deleted${r.fileErrors ? `; ${r.fileErrors} files could not be deleted (kept for the next run)` : ''}\n`);
      return r.fileErrors ? 1 : 0;
    } finally {
      await db.close();
    }
  }
  if (command === 'diagnose') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, config: { type: 'string' } } });
    const config = configFrom(values);
    const { runDiagnostics, printDiagnostics } = await import('./diagnostics/run.ts');
    const report = await runDiagnostics(config);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printDiagnostics(report, (s) => process.stdout.write(s));
    return report.ok ? 0 : 1;
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`kefu: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (isKefuError(err, 'CONFIG_INVALID')) {
      process.stderr.write(`kefu: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`kefu: ${isKefuError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
