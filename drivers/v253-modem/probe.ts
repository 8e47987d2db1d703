/**
 * `kefu diagnose` for a serial modem: open the port, run the same probe the
 * driver runs, and explain problems in plain language.
 */
import { isKefuError } from '../../src/core/errors.ts';
import type { DeviceInfo } from '../../src/core/ports.ts';
import { ModemConnection } from './connection.ts';
import { silentLogger, type Logger } from './logger.ts';
import { probeDevice, type ProbeResult } from './probe-sequence.ts';

export interface ProbeProblem {
  /** What is wrong, in plain language. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

export interface ModemProbeReport {
  path: string;
  baudRate: number;
  /** The port opened and the modem answered AT commands. */
  responding: boolean;
  info: DeviceInfo | null;
  /** Details: identity strings, classes, voice formats, caller-ID attempts. */
  details: Omit<ProbeResult, 'info'> | null;
  problems: ProbeProblem[];
}

export interface ProbeOptions {
  openTimeoutMs?: number;
  commandTimeoutMs?: number;
  logger?: Logger;
}

/** Opens `path`, probes the modem, closes the port again. Never throws: failures become problems. */
export async function probeModem(path: string, baudRate = 115200, opts: ProbeOptions = {}): Promise<ModemProbeReport> {
  const report: ModemProbeReport = { path, baudRate, responding: false, info: null, details: null, problems: [] };
  let conn: ModemConnection;
  try {
    conn = await ModemConnection.open({
      path,
      baudRate,
      timeoutMs: opts.openTimeoutMs ?? 5000,
      commandTimeoutMs: opts.commandTimeoutMs ?? 3000,
      logger: opts.logger ?? silentLogger,
    });
  } catch (err) {
    report.problems.push({
      problem: `The port ${path} could not be opened (${(err as Error).message}).`,
      fix: 'Check that the modem is plugged in and the path is right (ls -l /dev/serial/by-id), and that kefu may use it (group dialout).',
    });
    return report;
  }
  conn.attach({ unsolicited: () => undefined, strayFinal: () => undefined, dle: () => undefined, audio: () => undefined, rxEnd: () => undefined, closed: () => undefined });
  try {
    const result = await probeDevice(conn);
    const { info, ...details } = result;
    report.responding = true;
    report.info = info;
    report.details = details;
    report.problems.push(...explain(result, baudRate));
  } catch (err) {
    if (isKefuError(err, 'MODEM_TIMEOUT')) {
      report.problems.push({
        problem: `The port opened but nothing answered AT commands (${(err as Error).message}).`,
        fix: 'Check the cable and the baud rate, and make sure no other program (ModemManager, another kefu, minicom) has the port open.',
      });
    } else {
      report.problems.push({ problem: `The modem stopped answering: ${(err as Error).message}.`, fix: 'Unplug and replug the modem, then run diagnose again.' });
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
  return report;
}

function explain(r: ProbeResult, baudRate: number): ProbeProblem[] {
  const out: ProbeProblem[] = [];
  if (!r.fclasses.includes('8')) {
    out.push({ problem: 'This device is data-only: it does not list voice class 8 (AT+FCLASS=?).', fix: 'Use a voice modem (V.253), for example a Conexant CX93010 or USR 5637 USB modem.' });
  } else if (!r.voiceFormat) {
    out.push({ problem: 'The modem has voice mode but no 8-bit 8 kHz format kefu can use (AT+VSM=?).', fix: 'Use a modem that offers 8-bit linear or u-law at 8000 Hz.' });
  }
  if (!r.info.callerIdCommand) {
    out.push({ problem: 'The modem refused every caller-ID command (AT+VCID=1, AT#CID=1, AT%CCID=1).', fix: 'Caller ID will not be shown; check that the line has caller ID and that the modem supports it.' });
  }
  if (r.quirks.preferredBaudRate && r.quirks.preferredBaudRate !== baudRate) {
    out.push({ problem: `This modem works best at ${r.quirks.preferredBaudRate} baud (configured: ${baudRate}).`, fix: `Set the line's baudRate to ${r.quirks.preferredBaudRate}.` });
  }
  return out;
}
