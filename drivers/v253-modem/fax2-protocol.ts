/**
 * Service class 2 / 2.0 fax (EIA SP-2388 / ITU T.32) on the wire, pure:
 * the modem does T.30; the computer (DTE) sends AT+F commands, reads +F
 * reports and moves page data (T.4, DLE-framed) with AT+FDT / AT+FDR.
 *
 * Reports (class 2.0 name / class 2 name): +FCO / +FCON connected as fax,
 * +FCS / +FDCS negotiated session (VR,BR,WD,LN,DF,EC,BF,ST), +FTI / +FTSI
 * the remote transmitter's id, +FCI / +FCSI the remote called station's id,
 * +FPS / +FPTS page status (1 good, 2 bad, 3 retrain...), +FET the
 * post-page message received (0 MPS: more pages, 1 EOM, 2 EOP: last page),
 * +FHS / +FHNG the hang-up status (0: normal end).
 *
 * Page data both ways: a DLE (0x10) in the data is doubled; DLE ETX ends a
 * page. In direct bit order (AT+FBO=0) the first bit on the line is each
 * octet's least significant bit: TIFF FillOrder 2.
 */
export const DLE = 0x10;
export const ETX = 0x03;
/** DC2: the DTE is ready for received page data (class 2, after CONNECT to AT+FDR). */
export const DC2 = 0x12;

export type Fax2Report =
  | { kind: 'connect' }
  | { kind: 'session'; params: number[] }
  | { kind: 'remoteId'; id: string }
  | { kind: 'pageStatus'; status: number }
  | { kind: 'postPage'; message: number }
  | { kind: 'hangup'; status: number };

/** A +F report line as a typed value; null for lines that are none. */
export function parseFax2Report(line: string): Fax2Report | null {
  const m = /^\+F([A-Z]{2,4})(?::\s*(.*))?$/.exec(line.trim());
  if (!m) return null;
  const [, name, rest = ''] = m;
  const nums = () => rest.split(',').map((s) => Number.parseInt(s.trim(), 16)).filter((n) => Number.isFinite(n));
  const quoted = () => rest.replace(/^\s*"?/, '').replace(/"?\s*$/, '').trim();
  switch (name) {
    case 'CO': case 'CON': return { kind: 'connect' };
    case 'CS': case 'DCS': return { kind: 'session', params: nums() };
    case 'TI': case 'TSI': case 'CI': case 'CSI': return { kind: 'remoteId', id: quoted() };
    case 'PS': case 'PTS': return { kind: 'pageStatus', status: nums()[0] ?? 0 };
    case 'ET': return { kind: 'postPage', message: nums()[0] ?? 2 };
    case 'HS': case 'HNG': return { kind: 'hangup', status: nums()[0] ?? 0 };
    default: return null;
  }
}

/** What +FHS / +FHNG codes mean (T.32 table 23, the common ones). */
export function hangupText(status: number): string {
  if (status === 0) return 'normal end of the fax';
  if (status === 1) return 'ring detected without a successful handshake';
  if (status === 2) return 'call aborted by the DTE';
  if (status === 3) return 'no loop current';
  if (status === 0x10) return 'unspecified phase A error';
  if (status === 0x11) return 'no answer (T.30 T1 time-out)';
  if (status >= 0x20 && status < 0x40) return 'phase B error: the fax machines could not agree';
  if (status >= 0x40 && status < 0x50) return 'phase C error: page data';
  if (status >= 0x50 && status < 0x70) return 'phase D error: post-page exchange';
  return `fax error ${status.toString(16).padStart(2, '0')}`;
}

/** Page data for the wire: DLE doubled, DLE ETX at the end. */
export function dleFrame(data: Buffer): Buffer {
  let extra = 0;
  for (const b of data) if (b === DLE) extra++;
  const out = Buffer.alloc(data.length + extra + 2);
  let o = 0;
  for (const b of data) { out[o++] = b; if (b === DLE) out[o++] = DLE; }
  out[o++] = DLE; out[o] = ETX;
  return out;
}

/**
 * Reads DLE-framed page data as it arrives in chunks. `push` returns true
 * once DLE ETX came; `data` then holds the page and `rest` what followed.
 * Bounded: more than `maxBytes` of page data is an error.
 */
export class DleDeframer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dle = false;
  done = false;
  rest: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): boolean {
    if (this.done) { this.rest = Buffer.concat([this.rest, chunk]); return true; }
    const out = Buffer.alloc(chunk.length);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.dle) {
        this.dle = false;
        if (b === DLE) out[o++] = DLE;
        else if (b === ETX) { this.done = true; this.rest = chunk.subarray(i + 1); break; }
        // any other DLE pair (e.g. DLE SUB) carries no page data
      } else if (b === DLE) this.dle = true;
      else out[o++] = b;
    }
    this.size += o;
    if (this.size > this.maxBytes) throw new Error(`page data over ${this.maxBytes} bytes`);
    this.chunks.push(out.subarray(0, o));
    return this.done;
  }

  get data(): Buffer { return Buffer.concat(this.chunks); }
}

const REVERSED = Buffer.from(Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}));

/** Each octet's bits reversed (TIFF FillOrder 1 <-> 2). */
export function reverseBits(data: Buffer): Buffer {
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = REVERSED[data[i]!]!;
  return out;
}
