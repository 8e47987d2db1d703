/**
 * The probe every open runs (driver and `kefu diagnose` alike): reset,
 * identity, classes, voice formats, and caller-ID enabling with fallbacks.
 */
import type { DeviceInfo } from '../../src/core/ports.ts';
import { isKefuError } from '../../src/core/errors.ts';
import { chooseVoiceFormat, parseVsmList, type VoiceFormat, type VsmMethod } from './codec.ts';
import type { ModemConnection } from './connection.ts';
import { dleCode } from './dle.ts';

/** Caller-ID enabling commands, tried in this order; the first one answered OK is used. */
export const CALLER_ID_COMMANDS = ['AT+VCID=1', 'AT#CID=1', 'AT%CCID=1'] as const;

/** Behaviour differences found from the identity strings. */
export interface ModemQuirks {
  /** How many times to send the DLE sequence that stops +VRX/+VTX (Zoom 3095 needs it repeated). */
  stopRepeat: number;
  /** Preferred baud rate when known (USR 5637 works best at 115200). */
  preferredBaudRate: number | null;
}

export interface ProbeResult {
  info: DeviceInfo;
  identity: { ati: string | null; ati3: string | null; gmi: string | null; gmm: string | null; gmr: string | null };
  fclasses: string[];
  vsm: VsmMethod[];
  voiceFormat: VoiceFormat | null;
  vlsCodes: number[];
  quirks: ModemQuirks;
  callerIdTried: Array<{ command: string; result: string }>;
}

const stripPrefix = (line: string, cmd: string): string => line.replace(new RegExp(`^\\${cmd}:\\s*`, 'i'), '').trim();

/** The first response line of a command that answered OK, or null. */
async function ask(conn: ModemConnection, cmd: string): Promise<string | null> {
  try {
    const r = await conn.command(cmd);
    if (r.result.code !== 'OK' || r.lines.length === 0) return null;
    return r.lines.map((l) => stripPrefix(l, cmd.slice(2).replace(/\?$/, ''))).join(' ').trim() || null;
  } catch (err) {
    if (isKefuError(err, 'MODEM_TIMEOUT')) return null;
    throw err;
  }
}

/** Parses `AT+FCLASS=?` answers: "0,1,2,2.0,8" or "(0-2,8)". */
export function parseFclassList(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    for (const part of line.replace(/^\+FCLASS:\s*/i, '').replace(/[()]/g, '').split(',')) {
      const p = part.trim();
      const range = /^(\d+)-(\d+)$/.exec(p);
      if (range) for (let i = Number(range[1]); i <= Math.min(Number(range[2]), 255); i++) out.add(String(i));
      else if (/^\d+(\.\d+)?$/.test(p)) out.add(p);
    }
  }
  return [...out];
}

/** Parses `AT+VLS=?` answers: "(0-3,5)" or one V.253 configuration per line ('1,"T",B0000000,...'). */
export function parseVlsList(lines: readonly string[]): number[] {
  const out = new Set<number>();
  for (const line of lines) {
    const text = line.replace(/^\+VLS:\s*/i, '');
    const fields = text.includes('"') ? [text.split(',')[0] ?? ''] : text.replace(/[()]/g, '').split(',');
    for (const part of fields) {
      const range = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
      if (!range) continue;
      for (let i = Number(range[1]); i <= Math.min(Number(range[2] ?? range[1]), 99); i++) out.add(i);
    }
  }
  return [...out].sort((a, b) => a - b);
}

export function quirksFor(identity: ProbeResult['identity']): ModemQuirks {
  const all = Object.values(identity).filter(Boolean).join(' ');
  return {
    stopRepeat: /zoom|3095/i.test(all) ? 2 : 1,
    preferredBaudRate: /robotics|usr|5637/i.test(all) ? 115200 : null,
  };
}

/** Tries the caller-ID commands (only `preferred` when given); returns the one answered OK. */
export async function enableCallerId(conn: ModemConnection, preferred: string | null, tried?: ProbeResult['callerIdTried']): Promise<string | null> {
  for (const cmd of preferred ? [preferred] : CALLER_ID_COMMANDS) {
    try {
      const r = await conn.command(cmd);
      tried?.push({ command: cmd, result: r.result.code });
      if (r.result.code === 'OK') return cmd;
    } catch (err) {
      if (!isKefuError(err, 'MODEM_TIMEOUT')) throw err;
      tried?.push({ command: cmd, result: 'TIMEOUT' });
    }
  }
  return null;
}

/** Resets the modem to command mode with echo off. Throws MODEM_TIMEOUT naming the command when it stays silent. */
export async function resetModem(conn: ModemConnection): Promise<void> {
  // A modem left in a voice stream by an earlier run: DLE ! ends +VRX, DLE ETX ends +VTX.
  await conn.write(Buffer.concat([dleCode('!'), dleCode(0x03), Buffer.from('\r')]));
  await new Promise((r) => setTimeout(r, 100));
  let lastErr: unknown = null;
  for (let i = 0; i < 3; i++) {
    try {
      await conn.command('AT', { timeoutMs: 1000 });
      lastErr = null;
      break;
    } catch (err) {
      if (!isKefuError(err, 'MODEM_TIMEOUT')) throw err;
      lastErr = err;
    }
  }
  if (lastErr) throw lastErr;
  const z = await conn.command('ATZ', { timeoutMs: 5000 });
  if (z.result.code !== 'OK') await conn.run('AT&F', { timeoutMs: 5000 });
  await conn.command('ATE0');
}

/** Runs the whole probe on a freshly opened connection. */
export async function probeDevice(conn: ModemConnection): Promise<ProbeResult> {
  await resetModem(conn);
  const identity = {
    ati: await ask(conn, 'ATI'),
    ati3: await ask(conn, 'ATI3'),
    gmi: await ask(conn, 'AT+GMI'),
    gmm: await ask(conn, 'AT+GMM'),
    gmr: await ask(conn, 'AT+GMR'),
  };
  const fc = await conn.command('AT+FCLASS=?');
  const fclasses = fc.result.code === 'OK' ? parseFclassList(fc.lines) : [];
  let vsm: VsmMethod[] = [];
  let vlsCodes: number[] = [];
  const voiceClass = fclasses.includes('8');
  if (voiceClass) {
    // Many modems answer +VSM=? and +VLS=? only in voice class.
    await conn.command('AT+FCLASS=8');
    const v = await conn.command('AT+VSM=?');
    if (v.result.code === 'OK') vsm = parseVsmList(v.lines);
    const l = await conn.command('AT+VLS=?');
    if (l.result.code === 'OK') vlsCodes = parseVlsList(l.lines);
    await conn.command('AT+FCLASS=0');
  }
  const voiceFormat = chooseVoiceFormat(vsm);
  const callerIdTried: ProbeResult['callerIdTried'] = [];
  const callerIdCommand = await enableCallerId(conn, null, callerIdTried);
  const voice = voiceClass && voiceFormat !== null;
  return {
    info: {
      manufacturer: identity.gmi,
      model: identity.gmm ?? identity.ati3,
      revision: identity.gmr,
      callerIdCommand,
      capabilities: {
        voice,
        callerId: callerIdCommand !== null,
        faxClasses: fclasses.filter((c) => c !== '0' && c !== '8' && c !== '80'),
        dial: true,
        // +VLS configuration 3: local phone and modem both on the line (handset pass-through).
        handset: vlsCodes.includes(3),
        fullDuplex: false,
      },
    },
    identity,
    fclasses,
    vsm,
    voiceFormat,
    vlsCodes,
    quirks: quirksFor(identity),
    callerIdTried,
  };
}
