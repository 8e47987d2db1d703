/** Parsers for the 27.005/27.007 replies and unsolicited lines a dongle sends. Pure; never throw. */
import type { Registration, SimStatus } from '../../src/core/sms/port.ts';

/** `+CPIN: READY` / `SIM PIN` / `SIM PUK`... */
export function parseCpin(lines: string[]): SimStatus {
  const l = lines.find((x) => x.startsWith('+CPIN:'));
  if (!l) return 'unknown';
  const v = l.slice(6).trim().toUpperCase();
  if (v === 'READY') return 'ready';
  if (v === 'SIM PIN') return 'pin-required';
  if (v === 'SIM PUK') return 'puk-required';
  return 'error';
}

/** +CME ERROR codes that mean "no SIM" (27.007 §9.2: 10 not inserted, 13 failure, 15 wrong). */
export const isSimAbsent = (cme: string): boolean => cme === '10' || /not inserted/i.test(cme);

/** `+CSQ: <rssi>,<ber>`: rssi 0-31 (99 = unknown); dBm = -113 + 2·rssi. */
export function parseCsq(lines: string[]): { csq: number | null; dbm: number | null } {
  const m = lines.map((l) => /^\+CSQ:\s*(\d+)\s*,/.exec(l)).find(Boolean);
  const v = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(v) || v > 31) return { csq: null, dbm: null };
  return { csq: v, dbm: -113 + 2 * v };
}

const REG: Record<string, Registration> = { '0': 'not-registered', '1': 'home', '2': 'searching', '3': 'denied', '4': 'unknown', '5': 'roaming' };

/**
 * `+CREG: <n>,<stat>[,...]` (a reply to `?`) or `+CREG: <stat>[,"lac","ci"]`
 * (unsolicited); the same for +CGREG and +CEREG.
 */
export function parseReg(line: string): Registration | null {
  const m = /^\+C(?:E|G)?REG:\s*(\d)(?:\s*,\s*(\d)(?=\s*(?:,|$)))?/.exec(line);
  if (!m) return null;
  return REG[m[2] ?? m[1]!] ?? 'unknown';
}

/** Unsolicited registration lines have the status first: one number alone, or followed by a quoted area code. */
export const isUnsolicitedReg = (line: string): boolean => /^\+C(?:E|G)?REG:\s*\d\s*(?:$|,\s*")/.test(line);

/** `+CSCA: "+8613800100500",145` → +8613800100500 (type 145: international). */
export function parseCsca(lines: string[]): string | null {
  const m = lines.map((l) => /^\+CSCA:\s*"([^"]*)"\s*(?:,\s*(\d+))?/.exec(l)).find(Boolean);
  if (!m || !m[1]) return null;
  const n = m[1];
  return m[2] === '145' && !n.startsWith('+') ? `+${n}` : n;
}

/**
 * `+CPMS: "SM",3,30,"SM",3,30,"ME",5,100` (reply to `?`) → used and total of
 * the store new messages go to (the third, mem3; the first when only one is given).
 */
export function parseCpms(lines: string[]): { used: number; total: number } | null {
  const l = lines.find((x) => x.startsWith('+CPMS:'));
  if (!l) return null;
  const pairs = [...l.matchAll(/(?:"[^"]*"\s*,\s*)?(\d+)\s*,\s*(\d+)/g)];
  const m = pairs[2] ?? pairs[0];
  return m ? { used: Number(m[1]), total: Number(m[2]) } : null;
}

/** `+CMGL: <index>,<stat>,[<alpha>],<length>` followed by the PDU line: the stored messages. */
export function parseCmgl(lines: string[]): Array<{ index: number; pdu: string }> {
  const out: Array<{ index: number; pdu: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\+CMGL:\s*(\d+)\s*,/.exec(lines[i]!);
    const pdu = lines[i + 1];
    if (m && pdu !== undefined && /^[0-9A-Fa-f]+$/.test(pdu)) {
      out.push({ index: Number(m[1]), pdu });
      i++;
    }
  }
  return out;
}

/** `+CMGR: <stat>,[<alpha>],<length>` then the PDU line. */
export function parseCmgr(lines: string[]): string | null {
  const i = lines.findIndex((l) => l.startsWith('+CMGR:'));
  const pdu = i >= 0 ? lines[i + 1] : undefined;
  return pdu !== undefined && /^[0-9A-Fa-f]+$/.test(pdu) ? pdu : null;
}

/** `+CMTI: "SM",5` / `+CDSI: "SR",2` → the store and index to read. */
export function parseStoredIndication(line: string): { kind: 'message' | 'report'; mem: string; index: number } | null {
  const m = /^\+(CMTI|CDSI):\s*"([^"]*)"\s*,\s*(\d+)/.exec(line);
  return m ? { kind: m[1] === 'CMTI' ? 'message' : 'report', mem: m[2]!, index: Number(m[3]) } : null;
}

/** `+CMGS: <mr>` → the message reference. */
export function parseCmgs(lines: string[]): number | null {
  const m = lines.map((l) => /^\+CMGS:\s*(\d+)/.exec(l)).find(Boolean);
  return m ? Number(m[1]) : null;
}
