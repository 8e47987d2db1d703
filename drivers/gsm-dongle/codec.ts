/**
 * SMS PDUs (3GPP 23.040) through node-pdu: SMS-SUBMIT out (split into
 * concatenated parts), SMS-DELIVER and SMS-STATUS-REPORT in.
 *
 * node-pdu traps (TESTING.md): its address detection is not anchored, so a
 * number is always handed over as E.164 with its `+`; it numbers parts with a
 * 16-bit reference (IE 08) while networks also send 8-bit ones (IE 00), and
 * both are read here.
 */
import { Deliver, Report, Submit, parse } from 'node-pdu';

export type SmsEncoding = 'gsm7' | 'ucs2' | '8bit';

export interface SubmitPart {
  /** Hex PDU with an empty SMSC field ("00": the SIM's SMS centre is used). */
  pdu: string;
  /** The length `AT+CMGS=<n>` wants: octets after the SMSC field. */
  tpduLength: number;
}

export interface EncodedSubmit {
  encoding: SmsEncoding;
  parts: SubmitPart[];
}

/** Concatenation info of one part (UDH IE 00 or 08). */
export interface PartInfo { ref: number; total: number; seq: number; refBits: 8 | 16 }

export interface DecodedDeliver {
  kind: 'deliver';
  /** Sender as the network gave it: E.164 with `+` for international numbers, else as is (alphanumeric senders too). */
  from: string;
  text: string;
  encoding: SmsEncoding;
  /** SMS-centre time stamp. */
  sentAt: string | null;
  part: PartInfo | null;
}

export interface DecodedStatusReport {
  kind: 'status-report';
  /** TP-MR of the message the report is about (what +CMGS answered). */
  reference: number;
  recipient: string;
  /** TP-ST: 0x00-0x1F delivered/forwarded, 0x20-0x3F still trying, 0x40+ failed. */
  status: number;
  outcome: 'delivered' | 'pending' | 'failed';
  dischargedAt: string | null;
}

export type DecodedPdu = DecodedDeliver | DecodedStatusReport;

/** Longest text we agree to encode (the API bounds it lower); about 10 UCS-2 parts. */
export const MAX_TEXT_CHARS = 1000;
/** Parts a message may be cut into (the reference field allows 255). */
export const MAX_PARTS = 16;

const encodingOf = (alphabet: number): SmsEncoding => (alphabet === 2 ? 'ucs2' : alphabet === 1 ? '8bit' : 'gsm7');

/**
 * Encodes `text` to `to` (E.164 with `+`). `ref` is the concatenation
 * reference for multipart messages (0-65535), `statusReport` asks the network
 * for a delivery report.
 */
export function encodeSubmit(to: string, text: string, opts: { statusReport: boolean; ref: number }): EncodedSubmit {
  if (!/^\+[1-9]\d{5,14}$/.test(to)) throw new RangeError(`recipient must be E.164 with +, got "${to}"`);
  if (text.length === 0 || text.length > MAX_TEXT_CHARS) throw new RangeError(`text must be 1..${MAX_TEXT_CHARS} characters`);
  const submit = new Submit(to, text);
  if (opts.statusReport) submit.type.setStatusReportRequest(1);
  // node-pdu picks a random reference; ours is given so the parts of one message share a known one.
  const parts = submit.getParts();
  if (parts.length > MAX_PARTS) throw new RangeError(`text needs ${parts.length} parts (at most ${MAX_PARTS})`);
  const refHex = (opts.ref & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  return {
    encoding: encodingOf(submit.dataCodingScheme.textAlphabet),
    parts: parts.map((p) => {
      let pdu = p.toString(submit);
      if (parts.length > 1) pdu = withConcatRef(pdu, refHex);
      return { pdu, tpduLength: pdu.length / 2 - 1 };
    }),
  };
}

/** Sets the 16-bit reference in the UDH of a SUBMIT PDU (empty SMSC field) that starts with the IE 08 header. */
function withConcatRef(pdu: string, refHex: string): string {
  const fo = parseInt(pdu.slice(2, 4), 16);
  const digits = parseInt(pdu.slice(6, 8), 16);
  const vpf = (fo >> 3) & 3;
  // SMSC(1) FO(1) MR(1) DA-len(1) DA-type(1) DA PID(1) DCS(1) VP UDL(1)
  const udh = 2 * (5 + Math.ceil(digits / 2) + 2 + (vpf === 2 ? 1 : vpf === 0 ? 0 : 7) + 1);
  if (pdu.slice(udh, udh + 6) !== '060804') throw new Error(`unexpected concatenation header in ${pdu.slice(0, udh + 14)}`);
  return pdu.slice(0, udh + 6) + refHex + pdu.slice(udh + 10);
}

const iso = (s: { getIsoString(): string } | undefined): string | null => {
  try { return s ? new Date(s.getIsoString()).toISOString() : null; } catch { return null; }
};

/** Reads the concatenation IE (8-bit: 00 03 ref total seq; 16-bit: 08 04 refHi refLo total seq) from a UDH. */
function partInfo(header: { getType(): number | undefined; getPointer(): number | undefined; getSegments(): number | undefined; getCurrent(): number | undefined } | null): PartInfo | null {
  if (!header) return null;
  const type = header.getType();
  const ref = header.getPointer(), total = header.getSegments(), seq = header.getCurrent();
  if ((type !== 0 && type !== 8) || ref === undefined || !total || !seq) return null;
  return { ref, total, seq, refBits: type === 0 ? 8 : 16 };
}

/** The sender as E.164 (`+` added for international numbers) or as given. */
function address(a: { phone: string | null; type: { type: number } }): string {
  const phone = a.phone ?? '';
  return a.type.type === 1 && /^\d+$/.test(phone) ? `+${phone}` : phone;
}

/** Decodes an SMS-DELIVER or SMS-STATUS-REPORT (with its SMSC field); throws RangeError for anything else or garbage. */
export function decodePdu(hex: string): DecodedPdu {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length % 2 !== 0 || hex.length > 400) throw new RangeError('not a PDU: expected even-length hex, at most 200 octets');
  let msg: ReturnType<typeof parse>;
  try { msg = parse(hex); } catch (err) { throw new RangeError(`not a PDU: ${(err as Error).message}`); }
  if (msg instanceof Deliver) {
    const part = msg.data.parts[0];
    return {
      kind: 'deliver', from: address(msg.address), text: msg.data.getText(), encoding: encodingOf(msg.dataCodingScheme.textAlphabet),
      sentAt: iso(msg.serviceCenterTimeStamp), part: partInfo(part?.header ?? null),
    };
  }
  if (msg instanceof Report) {
    const st = msg.status;
    return {
      kind: 'status-report', reference: msg.reference, recipient: address(msg.address), status: st,
      outcome: st < 0x20 ? 'delivered' : st < 0x40 ? 'pending' : 'failed', dischargedAt: iso(msg.discharge),
    };
  }
  throw new RangeError('not a PDU we receive: SMS-SUBMIT');
}
