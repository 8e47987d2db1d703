/**
 * kefu diagnose / GET /diagnostics: each check says plainly what is wrong and
 * what to try. Checks: database reachable and migrated, serial ports present,
 * data and recordings folders writable and not nearly full, each configured modem line probed, Asterisk (AMI, ARI, modules, Stasis
 * app, endpoints) when configured, the cluster's lease and owner when
 * enabled, media tools present.
 */
import { existsSync } from 'node:fs';
import { faxSupport } from '../core/fax/classes.ts';
import { spawnSync } from 'node:child_process';
import type { Config } from '../config/schema.ts';
import { openDb, redactDbUrl } from '../db/open.ts';
import type { Db } from '../db/types.ts';
import { appliedVersions, listMigrations } from '../db/migrate.ts';
import { SQL_DIR } from '../paths.ts';
import { listSerialPorts } from './serial-ports.ts';
import { probeModem } from '../../drivers/v253-modem/probe.ts';
import { asteriskChecks } from './asterisk.ts';
import { storageChecks } from './storage.ts';
import { smsChecks } from './sms.ts';
import type { SmsDongleStatus } from '../core/sms/port.ts';
import { asrChecks } from './asr.ts';
import { cardScanChecks } from './card-scan.ts';
import { clusterChecks } from './cluster.ts';

import type { Check } from './check.ts';

export type { Check } from './check.ts';
export interface DiagnosticsReport { ok: boolean; at: string; checks: Check[] }

export interface DiagnoseOptions {
  /** Lines whose device the running daemon holds: probing them would fight the driver. */
  busyPorts?: ReadonlySet<string>;
  /** True when run by the daemon (its Stasis app should be registered). */
  appConnected?: boolean;
  /** The daemon's open database (PGlite allows one opener per folder). */
  db?: Db;
  /** The running daemon's SMS dongles: their live status instead of opening the port. */
  smsStatus?: (id: string) => SmsDongleStatus | null;
}

async function databaseCheck(config: Readonly<Config>, shared?: Db): Promise<Check> {
  const title = `database ${redactDbUrl(config.database.url)}`;
  try {
    const db = shared ?? await openDb(config.database.url);
    try {
      const applied = new Set(await appliedVersions(db));
      const pending = listMigrations(SQL_DIR).filter((m) => !applied.has(m.version));
      return pending.length === 0
        ? { id: 'database', title, ok: true, detail: `reachable (${db.kind}), schema up to date (${applied.size} migrations)`, fix: null }
        : { id: 'database', title, ok: false, detail: `reachable, ${pending.length} migration(s) not applied`, fix: 'run: kefu migrate' };
    } finally {
      if (!shared) await db.close();
    }
  } catch (err) {
    return { id: 'database', title, ok: false, detail: `cannot open: ${err instanceof Error ? err.message : String(err)}`,
      fix: config.database.url.startsWith('pglite') ? 'check that the data folder is writable and not used by another kefu process' : 'check that PostgreSQL runs, and the host, port, user and password in database.url' };
  }
}

/** Runs `fn` with the daemon's database, or one opened for it (null when it cannot be opened: the database check says why). */
async function withDb<T>(config: Readonly<Config>, shared: Db | undefined, fn: (db: Db | null) => Promise<T>): Promise<T> {
  if (shared) return fn(shared);
  if (!config.cluster.enabled) return fn(null);
  const db = await openDb(config.database.url).catch(() => null);
  try { return await fn(db); } finally { await db?.close(); }
}

function toolCheck(cmd: string, pkg: string, why: string): Check {
  const ok = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  return { id: `tool-${cmd}`, title: `${cmd} (${why})`, ok, detail: ok ? 'installed' : 'not found', fix: ok ? null : `install it: apt-get install ${pkg}` };
}

export async function runDiagnostics(config: Readonly<Config>, opts: DiagnoseOptions = {}): Promise<DiagnosticsReport> {
  const checks: Check[] = [await databaseCheck(config, opts.db), ...await storageChecks(config)];
  const ports = await listSerialPorts();
  checks.push({
    id: 'serial-ports', title: 'serial ports', ok: ports.ok, data: ports.ports,
    detail: ports.ok ? (ports.ports.length ? ports.ports.map((p) => `${p.path}${p.manufacturer ? ` (${p.manufacturer})` : ''}`).join(', ') : 'none found') : ports.error ?? 'cannot list',
    fix: ports.ok ? (ports.ports.length ? null : 'no USB modem seen: plug it in, then check `dmesg | tail` for ttyACM/ttyUSB') : 'install udev (apt-get install udev) so serial ports can be listed',
  });
  for (const line of config.lines) {
    if (line.driver !== 'v253-modem' || !line.port) continue;
    const title = `line ${line.id}: modem on ${line.port}`;
    if (opts.busyPorts?.has(line.port)) {
      checks.push({ id: `line-${line.id}`, title, ok: true, detail: 'held by the running daemon (see /api/v1/lines for its state)', fix: null });
      continue;
    }
    if (!existsSync(line.port)) {
      checks.push({ id: `line-${line.id}`, title, ok: false, detail: `${line.port} does not exist`, fix: 'plug the modem in, or set lines[].port to the device `kefu diagnose` lists under serial ports' });
      continue;
    }
    const r = await probeModem(line.port, line.baudRate);
    const ok = r.responding && r.problems.length === 0;
    const caps = r.info?.capabilities;
    const identity = [r.info?.manufacturer, r.info?.model, r.info?.revision].filter(Boolean).join(' ') || 'unknown modem';
    const detail = r.responding
      ? `${identity}; voice ${caps?.voice ? 'yes' : 'no'}, fax classes ${caps?.faxClasses.join('/') || 'none'} (${faxSupport(caps?.faxClasses ?? []).detail}), caller ID ${r.info?.callerIdCommand ?? 'not enabled'}`
        + (r.problems.length ? `; ${r.problems.map((p) => p.problem).join('; ')}` : '')
      : r.problems.map((p) => p.problem).join('; ') || 'no answer';
    checks.push({ id: `line-${line.id}`, title, ok, detail, fix: ok ? null : r.problems.map((p) => p.fix).join('; ') || null, data: r });
  }
  checks.push(...await smsChecks(config, opts.smsStatus));
  checks.push(...await asteriskChecks(config, { appConnected: opts.appConnected ?? false }));
  checks.push(...await withDb(config, opts.db, (db) => clusterChecks(config, db)));
  checks.push(toolCheck('espeak-ng', 'espeak-ng', 'text-to-speech prompts'), toolCheck('sox', 'sox', 'prompt audio conversion'));
  checks.push(toolCheck('gs', 'ghostscript', 'fax: PDF to fax pages'), toolCheck('tiff2pdf', 'libtiff-tools', 'fax: received pages as PDF'));
  checks.push(...await asrChecks(config));
  checks.push(...await cardScanChecks(config));
  return { ok: checks.every((c) => c.ok), at: new Date().toISOString(), checks };
}

export function printDiagnostics(report: DiagnosticsReport, write: (s: string) => void): void {
  for (const c of report.checks) {
    write(`${c.ok ? '✓' : '✗'} ${c.title}: ${c.detail}\n`);
    if (!c.ok && c.fix) write(`    fix: ${c.fix}\n`);
  }
  write(report.ok ? '\nall checks passed\n' : `\n${report.checks.filter((c) => !c.ok).length} check(s) failed\n`);
}
