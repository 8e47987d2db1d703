/**
 * PDUs the simulated network sends: SMS-DELIVER (single or concatenated with
 * an 8-bit or 16-bit reference, GSM 7-bit or UCS-2) and SMS-STATUS-REPORT.
 * Built field by field (node-pdu cannot write 8-bit references or reports),
 * with node-pdu's alphabet helpers.
 */
import { utils } from 'node-pdu';

const { Helper, SCA, SCTS } = utils;
const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** True when every character is in the GSM 7-bit default alphabet (no extension table, no escape). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!Helper.ALPHABET_7BIT.includes(ch) || ch === '\x1b') return false;
  return true;
}

function address(number: string): string {
  if (/^\+?\d+$/.test(number)) return new SCA(false).setPhone(number.startsWith('+') ? number : number, true).toString();
  // Alphanumeric sender: type D0, length in semi-octets of the 7-bit packed text.
  const e = Helper.encode7Bit(number);
  return hex2(e.result.length) + 'D0' + e.result;
}

export interface DeliverSpec {
  from: string;
  text: string;
  /** Default: gsm7 when the text fits the default alphabet, else ucs2. */
  encoding?: 'gsm7' | 'ucs2';
  /** Concatenation reference width. Default 8. */
  refBits?: 8 | 16;
  ref?: number;
  sentAt?: Date;
}

/** The deliver PDUs (with an empty SMSC field) of a message, one per part, in order. */
export function deliverPdus(spec: DeliverSpec): string[] {
  const enc = spec.encoding ?? (isGsm7(spec.text) ? 'gsm7' : 'ucs2');
  const chars = [...spec.text];
  const single = enc === 'gsm7' ? 160 : 70;
  const chunk = enc === 'gsm7' ? 152 : 66; // leaves room for a 16-bit reference header too
  const chunks: string[] = [];
  if (chars.length <= single) chunks.push(spec.text);
  else for (let i = 0; i < chars.length; i += chunk) chunks.push(chars.slice(i, i + chunk).join(''));
  const multi = chunks.length > 1;
  const bits = spec.refBits ?? 8;
  const ref = (spec.ref ?? 0x2a) & (bits === 8 ? 0xff : 0xffff);
  const ts = new SCTS(spec.sentAt ?? new Date()).toString();
  return chunks.map((text, i) => {
    const udh = !multi ? '' : bits === 8
      ? `050003${hex2(ref)}${hex2(chunks.length)}${hex2(i + 1)}`
      : `060804${hex2(ref >> 8)}${hex2(ref & 0xff)}${hex2(chunks.length)}${hex2(i + 1)}`;
    const udhOctets = udh.length / 2;
    let udl: number, ud: string;
    if (enc === 'gsm7') {
      const headerSeptets = Math.ceil((udhOctets * 8) / 7);
      const fill = headerSeptets * 7 - udhOctets * 8;
      ud = Helper.encode7Bit(text, fill).result;
      udl = headerSeptets + [...text].length;
    } else {
      ud = Helper.encode16Bit(text).result;
      udl = udhOctets + ud.length / 2;
    }
    const fo = multi ? 0x44 : 0x04; // SMS-DELIVER, more-messages-to-send off, UDHI when concatenated
    return `00${hex2(fo)}${address(spec.from)}00${enc === 'gsm7' ? '00' : '08'}${ts}${hex2(udl)}${udh}${ud}`;
  });
}

/** An SMS-STATUS-REPORT for message reference `mr` to `recipient`, TP-ST `status` (0 delivered). */
export function statusReportPdu(mr: number, recipient: string, status: number, at = new Date()): string {
  const ts = new SCTS(at).toString();
  return `0006${hex2(mr & 0xff)}${address(recipient)}${ts}${ts}${hex2(status)}`;
}
