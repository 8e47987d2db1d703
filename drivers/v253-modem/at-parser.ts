/**
 * Streaming framer for AT command-mode traffic. Bytes go in with `push()`,
 * framed items come out with `next()`. It never throws, whatever the bytes.
 *
 * In command mode a modem may still send shielded DLE codes (for example a
 * ring or DTMF report in voice class, or events while the host transmits in
 * +VTX), so a DLE pair is framed as its own item.
 */

export const DLE = 0x10;
export const ETX = 0x03;

export type FinalCode =
  | 'OK'
  | 'ERROR'
  | 'CONNECT'
  | 'VCON'
  | 'NO CARRIER'
  | 'BUSY'
  | 'NO DIALTONE'
  | 'NO ANSWER'
  | 'CME ERROR'
  | 'CMS ERROR'
  | 'FCERROR';

export interface FinalResult {
  code: FinalCode;
  /** Text after the code, e.g. '9600' in 'CONNECT 9600' or '10' in '+CME ERROR: 10'. */
  detail: string;
}

export type AtItem =
  /** A final result code that ends a command. */
  | { kind: 'final'; text: string; result: FinalResult }
  /** A line the modem sends on its own (RING, caller-ID fields). */
  | { kind: 'unsolicited'; text: string }
  /** Any other line: a command's response text, or noise when no command is in flight. */
  | { kind: 'info'; text: string }
  /** A shielded DLE code received in command mode (the character after DLE). */
  | { kind: 'dle'; code: string };

/** Longest line kept; longer runs without a line end are cut into pieces. */
const MAX_LINE = 512;

const FINALS: ReadonlyArray<[RegExp, FinalCode]> = [
  [/^OK$/, 'OK'],
  [/^ERROR$/, 'ERROR'],
  [/^CONNECT(?:\s+(.*))?$/, 'CONNECT'],
  [/^VCON$/, 'VCON'],
  [/^NO CARRIER$/, 'NO CARRIER'],
  [/^BUSY$/, 'BUSY'],
  [/^NO DIAL ?TONE$/, 'NO DIALTONE'],
  [/^NO ANSWER$/, 'NO ANSWER'],
  [/^\+CME ERROR:?\s*(.*)$/, 'CME ERROR'],
  [/^\+CMS ERROR:?\s*(.*)$/, 'CMS ERROR'],
  [/^\+FCERROR$/, 'FCERROR'],
];

/** Caller-ID field names as modems print them ("NMBR = 123" or "NMBR=123"). */
const CID_LINE = /^(DATE|TIME|NMBR|NAME|DDN_NMBR|MESG|CALLER NUMBER|CALLER NAME)\s*[=:]/i;

/** Classifies one complete line of text. */
export function classifyLine(text: string): AtItem {
  for (const [re, code] of FINALS) {
    const m = re.exec(text);
    if (m) return { kind: 'final', text, result: { code, detail: (m[1] ?? '').trim() } };
  }
  if (text === 'RING' || text.startsWith('+CRING') || CID_LINE.test(text)) return { kind: 'unsolicited', text };
  return { kind: 'info', text };
}

/** True for caller-ID field lines (as opposed to RING). */
export const isCallerIdLine = (text: string): boolean => CID_LINE.test(text);

export class AtFramer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly out: AtItem[] = [];
  private scanned = 0;

  /** Appends received bytes; framed items become available from `next()`. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
  }

  /** The next framed item, or null when the buffered bytes hold no complete item yet. */
  next(): AtItem | null {
    const queued = this.out.shift();
    if (queued) return queued;
    while (this.scanned < this.buf.length) {
      const i = this.scanned;
      const b = this.buf[i] as number;
      if (b === DLE) {
        if (i + 1 >= this.buf.length) return null;
        const lineBefore = this.cut(i);
        const code = String.fromCharCode(this.buf[1] as number);
        this.buf = this.buf.subarray(2);
        this.scanned = 0;
        const dle: AtItem = { kind: 'dle', code };
        if (lineBefore) {
          this.out.push(dle);
          return lineBefore;
        }
        return dle;
      }
      if (b === 0x0d || b === 0x0a) {
        const line = this.cut(i);
        // CR LF counts as one line end, so nothing of it is left for a voice stream that follows.
        this.buf = this.buf.subarray(b === 0x0d && this.buf[1] === 0x0a ? 2 : 1);
        this.scanned = 0;
        if (line) return line;
        continue;
      }
      this.scanned++;
      if (this.scanned >= MAX_LINE) {
        const line = this.cut(this.scanned);
        if (line) return line;
      }
    }
    return null;
  }

  /** Removes and returns every byte not yet framed (used when the stream switches to voice data). */
  takeRest(): Buffer {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    this.scanned = 0;
    return rest;
  }

  /** True when the unframed bytes are a bare `>` prompt (27.005 text/PDU entry), nothing else. */
  pendingIsPrompt(): boolean {
    return this.out.length === 0 && /^[\r\n]*> ?$/.test(this.buf.toString('latin1'));
  }

  /** Drops buffered bytes and pending items. */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.out.length = 0;
    this.scanned = 0;
  }

  /** Takes bytes [0, end) as a line and returns its item, or null when it is blank. */
  private cut(end: number): AtItem | null {
    const raw = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end);
    this.scanned = 0;
    // Control bytes and 8-bit noise are dropped; modem text is 7-bit ASCII.
    let text = '';
    for (const c of raw) if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c);
    text = text.trim();
    return text ? classifyLine(text) : null;
  }
}
