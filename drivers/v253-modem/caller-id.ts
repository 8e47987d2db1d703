/**
 * Caller-ID parsing. Modems print caller ID between the first and second RING
 * as `KEY=value` lines (some with spaces around '='), in any order:
 * DATE=MMDD, TIME=HHMM, NMBR=digits (P = private, O = unavailable), NAME=,
 * DDN_NMBR= (dialled-number style), and MESG= with the hex of an SDMF/MDMF
 * message or of parameters the modem did not decode itself.
 */
import type { CallerId } from '../../src/core/ports.ts';

export const emptyCallerId = (): CallerId => ({ number: null, name: null, withheld: null, date: null, time: null });

/** SDMF message type (single data message format, Bell 202). */
const SDMF = 0x04;
/** MDMF message type (multiple data message format). */
const MDMF = 0x80;
/** MDMF parameter types. */
const P_DATETIME = 0x01;
const P_NUMBER = 0x02;
const P_DIALABLE = 0x03;
const P_NUMBER_ABSENT = 0x04;
const P_NAME = 0x07;
const P_NAME_ABSENT = 0x08;

const withheldOf = (v: string): CallerId['withheld'] => (v === 'P' ? 'private' : v === 'O' ? 'unavailable' : null);

const ascii = (b: Buffer): string => {
  let s = '';
  for (const c of b) if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  return s.trim();
};

function applyNumber(cid: CallerId, value: string): void {
  const w = withheldOf(value);
  if (w) {
    cid.withheld = w;
    cid.number = null;
  } else if (value) {
    cid.number = value;
    cid.withheld = null;
  }
}

function applyName(cid: CallerId, value: string): void {
  // Name fields may also carry the P/O markers.
  const w = withheldOf(value);
  if (w) {
    if (!cid.number) cid.withheld = cid.withheld ?? w;
  } else if (value) cid.name = value;
}

function applyDateTime(cid: CallerId, mmddhhmm: string): void {
  if (!/^\d{8}$/.test(mmddhhmm)) return;
  cid.date = mmddhhmm.slice(0, 4);
  cid.time = mmddhhmm.slice(4, 8);
}

/** Hex text to bytes; null when it is not even-length hex. */
export function hexToBytes(hex: string): Buffer | null {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) return null;
  return Buffer.from(clean, 'hex');
}

/** Decodes MDMF parameters (type, length, value)* into `cid`. Stops at the first malformed parameter. */
function applyMdmfParams(cid: CallerId, params: Buffer): void {
  let i = 0;
  while (i + 2 <= params.length) {
    const type = params[i] as number;
    const len = params[i + 1] as number;
    const value = params.subarray(i + 2, i + 2 + len);
    if (value.length < len) return;
    const text = ascii(value);
    if (type === P_DATETIME) applyDateTime(cid, text);
    else if (type === P_NUMBER || type === P_DIALABLE) applyNumber(cid, text);
    else if (type === P_NUMBER_ABSENT) applyNumber(cid, text.slice(0, 1));
    else if (type === P_NAME) applyName(cid, text);
    else if (type === P_NAME_ABSENT && !cid.name) applyName(cid, text.slice(0, 1));
    i += 2 + len;
  }
}

/**
 * Decodes the bytes of a MESG= payload into `cid`. Accepts a whole SDMF or
 * MDMF message (type, length, body, optional checksum) or a bare MDMF
 * parameter list. Returns false when nothing could be decoded.
 */
export function applyCidMessage(cid: CallerId, msg: Buffer): boolean {
  const type = msg[0];
  const len = msg[1];
  if (type === undefined || len === undefined) return false;
  const body = msg.subarray(2, 2 + len);
  if (type === SDMF && body.length === len && len >= 9) {
    applyDateTime(cid, ascii(body.subarray(0, 8)));
    applyNumber(cid, ascii(body.subarray(8)));
    return true;
  }
  if (type === MDMF && body.length === len) {
    applyMdmfParams(cid, body);
    return true;
  }
  if (type >= P_DATETIME && type <= P_NAME_ABSENT) {
    applyMdmfParams(cid, msg);
    return true;
  }
  return false;
}

/** Builds an MDMF message (with checksum) from caller ID; used by the simulator and tests. */
export function encodeMdmf(cid: Partial<CallerId>): Buffer {
  const params: Buffer[] = [];
  const param = (t: number, v: string): void => {
    const b = Buffer.from(v, 'latin1');
    params.push(Buffer.from([t, b.length]), b);
  };
  if (cid.date && cid.time) param(P_DATETIME, cid.date + cid.time);
  if (cid.withheld) param(P_NUMBER_ABSENT, cid.withheld === 'private' ? 'P' : 'O');
  else if (cid.number) param(P_NUMBER, cid.number);
  if (cid.name) param(P_NAME, cid.name);
  const body = Buffer.concat(params);
  const msg = Buffer.concat([Buffer.from([MDMF, body.length]), body]);
  let sum = 0;
  for (const c of msg) sum = (sum + c) & 0xff;
  return Buffer.concat([msg, Buffer.from([(0x100 - sum) & 0xff])]);
}

/** Splits 'KEY = value' into [KEY, value]; null when the line is no caller-ID field. */
export function splitCidLine(line: string): [string, string] | null {
  const m = /^\s*([A-Z_ ]+?)\s*[=:]\s*(.*?)\s*$/i.exec(line);
  if (!m) return null;
  return [(m[1] as string).toUpperCase().replace(/\s+/g, ' '), m[2] as string];
}

/**
 * Applies one caller-ID line to `cid`. Returns false when the line is not a
 * caller-ID field this parser knows.
 */
export function applyCidLine(cid: CallerId, line: string): boolean {
  const kv = splitCidLine(line);
  if (!kv) return false;
  const [key, value] = kv;
  switch (key) {
    case 'DATE':
      if (/^\d{4}$/.test(value)) cid.date = value;
      else if (/^\d{8}$/.test(value)) cid.date = value.slice(0, 4);
      return true;
    case 'TIME':
      if (/^\d{4}$/.test(value)) cid.time = value;
      return true;
    case 'NMBR':
    case 'DDN_NMBR':
    case 'CALLER NUMBER':
      applyNumber(cid, value);
      return true;
    case 'NAME':
    case 'CALLER NAME':
      applyName(cid, value);
      return true;
    case 'MESG': {
      const bytes = hexToBytes(value);
      if (bytes) applyCidMessage(cid, bytes);
      return true;
    }
    default:
      return false;
  }
}

/** Parses a whole block of caller-ID lines (other lines, such as RING, are skipped). */
export function parseCallerIdBlock(lines: readonly string[]): CallerId | null {
  const cid = emptyCallerId();
  let any = false;
  for (const line of lines) if (applyCidLine(cid, line)) any = true;
  return any ? cid : null;
}

/**
 * Gathers the caller-ID lines of one call. `add()` takes each line; `take()`
 * hands the result once (null when nothing usable came).
 */
export class CallerIdCollector {
  private cid = emptyCallerId();
  private fields = 0;

  private oneShot = false;
  private nameSeen = false;
  private rawLines: string[] = [];

  /** The recognised lines of the block so far, as the device printed them. */
  get raw(): string[] {
    return [...this.rawLines];
  }

  add(line: string): boolean {
    const ok = applyCidLine(this.cid, line);
    if (ok) {
      if (this.rawLines.length < 20) this.rawLines.push(line);
      this.fields++;
      if (/^\s*(MESG|DDN_NMBR)\s*=/i.test(line)) this.oneShot = true;
      if (/^\s*NAME\s*=/i.test(line)) this.nameSeen = true;
    }
    return ok;
  }

  get pending(): boolean {
    return this.fields > 0;
  }

  /**
   * Nothing more will come for this call: a number (or a reason it is
   * withheld) and a name, or a one-line format (MESG, DDN_NMBR). A block
   * without a name is only known complete after a quiet time.
   */
  get complete(): boolean {
    const who = this.cid.number !== null || this.cid.withheld !== null;
    return (who && this.nameSeen) || this.oneShot;
  }

  take(): CallerId | null {
    const had = this.fields > 0 && (this.cid.number !== null || this.cid.withheld !== null || this.cid.name !== null);
    const out = had ? this.cid : null;
    this.cid = emptyCallerId();
    this.fields = 0;
    this.oneShot = false;
    this.nameSeen = false;
    this.rawLines = [];
    return out;
  }
}
