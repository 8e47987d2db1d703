/**
 * Voice compression between kefu's telephone PCM (8 kHz s16le) and the
 * modem's +VSM methods. All methods used here carry one byte per sample, so
 * 8000 bytes are one second of audio on the serial line.
 */

export type Encoding = 'u8' | 's8' | 'ulaw' | 'alaw';

/** One line of an `AT+VSM=?` answer. */
export interface VsmMethod {
  /** The compression method id to put in `AT+VSM=<id>,8000`. */
  id: number;
  name: string;
  /** Sample rates listed for it (ranges are kept as [lo, hi]). */
  rates: Array<[number, number]>;
  /** What kefu can do with it, or null when unsupported. */
  encoding: Encoding | null;
}

/** The method chosen for a call and the command that selects it. */
export interface VoiceFormat {
  encoding: Encoding;
  methodId: number;
  /** e.g. 'AT+VSM=128,8000' */
  command: string;
}

const encodingOf = (name: string): Encoding | null => {
  const n = name.toUpperCase().replace(/[\s_]+/g, ' ');
  if (/U-?LAW|MU-?LAW|µ-?LAW/.test(n)) return 'ulaw';
  if (/A-?LAW/.test(n)) return 'alaw';
  if (/16/.test(n) || /ADPCM|GSM|CELP|G\.?7/.test(n)) return null;
  if (/UNSIGNED/.test(n)) return 'u8';
  if (/SIGNED/.test(n)) return 's8';
  // Conexant calls unsigned 8-bit PCM "8-BIT LINEAR"; USR says "UNSIGNED PCM".
  if (/8-?BIT LINEAR|LINEAR|PCM/.test(n)) return 'u8';
  return null;
};

/** Parses the lines of an `AT+VSM=?` answer. Unparseable lines are skipped. */
export function parseVsmList(lines: readonly string[]): VsmMethod[] {
  const out: VsmMethod[] = [];
  for (const raw of lines) {
    const line = raw.replace(/^\+VSM:\s*/i, '');
    const m = /^(\d+)\s*,\s*"([^"]*)"\s*(.*)$/.exec(line);
    if (!m) continue;
    const rates: Array<[number, number]> = [];
    for (const group of (m[3] as string).matchAll(/\(([^)]*)\)/g)) {
      for (const part of (group[1] as string).split(',')) {
        const r = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
        if (r) rates.push([Number(r[1]), Number(r[2] ?? r[1])]);
      }
    }
    out.push({ id: Number(m[1]), name: m[2] as string, rates, encoding: encodingOf(m[2] as string) });
  }
  return out;
}

const PREFERENCE: Encoding[] = ['u8', 'ulaw', 'alaw', 's8'];

const supports8k = (m: VsmMethod): boolean =>
  m.rates.length === 0 || m.rates.some(([lo, hi]) => lo <= 8000 && 8000 <= hi) ||
  // Some modems list only a rate index (0) instead of rates.
  m.rates.every(([lo, hi]) => lo === 0 && hi === 0);

/** Picks the best method: 8-bit unsigned linear first, then u-law, a-law, signed 8-bit. */
export function chooseVoiceFormat(methods: readonly VsmMethod[]): VoiceFormat | null {
  for (const enc of PREFERENCE) {
    const m = methods.find((x) => x.encoding === enc && supports8k(x));
    if (m) return { encoding: enc, methodId: m.id, command: `AT+VSM=${m.id},8000` };
  }
  return null;
}

/** The byte value of silence in an encoding (for padding and idle streams). */
export function silenceByte(enc: Encoding): number {
  return enc === 'u8' ? 0x80 : enc === 's8' ? 0x00 : enc === 'ulaw' ? 0xff : 0xd5;
}

// G.711 per ITU-T: mu-law with bias 0x84 and clip 32635; A-law segment coding with even-bit inversion (0x55).
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > 32635) s = 32635;
  s += BIAS;
  let exp = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (s >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exp = (u >> 4) & 0x07;
  const mant = u & 0x0f;
  const mag = (((mant << 3) + 0x84) << exp) - 0x84;
  return u & 0x80 ? -mag : mag;
}

function linearToAlaw(sample: number): number {
  let s = sample >> 3;
  let mask: number;
  if (s >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    s = -s - 1;
  }
  const ends = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let seg = 0;
  while (seg < 8 && s > (ends[seg] as number)) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (s >> 1) & 0x0f : (s >> seg) & 0x0f);
  return aval ^ mask;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** Telephone PCM (s16le) to modem bytes, one byte per sample. A trailing odd byte is ignored. */
export function encodePcm(pcm: Buffer, enc: Encoding): Buffer {
  const n = pcm.length >> 1;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const s = pcm.readInt16LE(i * 2);
    switch (enc) {
      case 'u8':
        out[i] = (s >> 8) + 128;
        break;
      case 's8':
        out[i] = (s >> 8) & 0xff;
        break;
      case 'ulaw':
        out[i] = linearToUlaw(s);
        break;
      case 'alaw':
        out[i] = linearToAlaw(s);
        break;
    }
  }
  return out;
}

/** Modem bytes to telephone PCM (s16le). */
export function decodeToPcm(data: Buffer, enc: Encoding): Buffer {
  const out = Buffer.alloc(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    let s: number;
    switch (enc) {
      case 'u8':
        s = (b - 128) << 8;
        break;
      case 's8':
        s = ((b << 24) >> 24) << 8;
        break;
      case 'ulaw':
        s = ulawToLinear(b);
        break;
      case 'alaw':
        s = alawToLinear(b);
        break;
    }
    out.writeInt16LE(s, i * 2);
  }
  return out;
}
