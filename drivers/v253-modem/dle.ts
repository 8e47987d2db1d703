/**
 * DLE shielding for V.253 voice data. In a voice data stream the byte 0x10
 * (DLE) introduces a code: DLE DLE is a literal 0x10, DLE ETX ends the
 * stream, any other DLE x reports an event (DTMF digit, call-progress tone,
 * hang-up). The codec never throws, whatever the bytes.
 */
import type { CallProgressTone } from '../../src/core/ports.ts';

export const DLE = 0x10;
export const ETX = 0x03;
/** DLE SUB: some modems send it for two literal DLE bytes. */
export const SUB = 0x1a;
/** DLE CAN: host asks the modem to clear its transmit buffer (+VTX). */
export const CAN = 0x18;

/** What a received DLE code means. */
export type DleEvent =
  | { type: 'dtmf'; digit: string }
  | { type: 'tone'; tone: CallProgressTone }
  /** The far end has gone: loop current dropped or broken. */
  | { type: 'hangup'; code: string }
  /** Buffer overrun/underrun reports, ring in voice class, and codes without a meaning here. */
  | { type: 'other'; code: string };

/** Maps the character after DLE to an event. */
export function dleEvent(code: string): DleEvent {
  if (/^[0-9*#A-D]$/.test(code)) return { type: 'dtmf', digit: code };
  switch (code) {
    case 'b':
      return { type: 'tone', tone: 'busy' };
    case 'd':
      return { type: 'tone', tone: 'dialtone' };
    case 'r':
      return { type: 'tone', tone: 'ringback' };
    case 's':
      return { type: 'tone', tone: 'silence' };
    case 'q':
      return { type: 'tone', tone: 'quiet' };
    case 'c':
    case 'e':
      // c: fax calling tone (1100 Hz); e: data calling tone (1300 Hz).
      return { type: 'tone', tone: code === 'c' ? 'fax' : 'modem' };
    case 'a':
    case 'f':
      // a: V.25 answer tone; f: Bell answer tone.
      return { type: 'tone', tone: 'modem' };
    case 'h':
    case 'H':
    case 'l':
    case 'L':
      // h/H: hang-up (loop-current drop); l/L: loop current break/interruption.
      return { type: 'hangup', code };
    default:
      return { type: 'other', code };
  }
}

export type DleItem =
  | { type: 'audio'; data: Buffer }
  | { type: 'event'; code: string; event: DleEvent }
  /** DLE ETX: the voice stream ended; `rest` is everything received after it (command-mode text). */
  | { type: 'end'; rest: Buffer };

/** Decodes a received voice stream into audio bytes and events, in wire order. */
export class DleDecoder {
  private pendingDle = false;

  /**
   * Decodes one chunk. When the chunk holds DLE ETX the last item is `end`
   * and the decoder is ready for a new stream.
   */
  push(chunk: Buffer): DleItem[] {
    const items: DleItem[] = [];
    let audio: number[] = [];
    const flush = (): void => {
      if (audio.length) items.push({ type: 'audio', data: Buffer.from(audio) });
      audio = [];
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.pendingDle) {
        if (b === DLE) this.pendingDle = true;
        else audio.push(b);
        continue;
      }
      this.pendingDle = false;
      if (b === DLE) audio.push(DLE);
      else if (b === SUB) audio.push(DLE, DLE);
      else if (b === ETX) {
        flush();
        items.push({ type: 'end', rest: Buffer.from(chunk.subarray(i + 1)) });
        return items;
      } else {
        flush();
        const code = String.fromCharCode(b);
        items.push({ type: 'event', code, event: dleEvent(code) });
      }
    }
    flush();
    return items;
  }

  reset(): void {
    this.pendingDle = false;
  }
}

/** Shields data for transmission: every DLE byte is doubled. */
export function shield(data: Buffer): Buffer {
  let n = 0;
  for (const b of data) if (b === DLE) n++;
  if (n === 0) return data;
  const out = Buffer.alloc(data.length + n);
  let j = 0;
  for (const b of data) {
    out[j++] = b;
    if (b === DLE) out[j++] = DLE;
  }
  return out;
}

/** Removes shielding from a transmitted stream (simulator side): returns data, codes, and whether DLE ETX ended it. */
export class DleUnshielder {
  private pendingDle = false;

  push(chunk: Buffer): { data: Buffer; codes: Array<{ code: number; offset: number }> } {
    const data: number[] = [];
    const codes: Array<{ code: number; offset: number }> = [];
    for (const b of chunk) {
      if (this.pendingDle) {
        this.pendingDle = false;
        if (b === DLE) data.push(DLE);
        else codes.push({ code: b, offset: data.length });
      } else if (b === DLE) this.pendingDle = true;
      else data.push(b);
    }
    return { data: Buffer.from(data), codes };
  }
}

/** DLE followed by a character, as bytes. */
export const dleCode = (code: string | number): Buffer =>
  Buffer.from([DLE, typeof code === 'number' ? code : code.charCodeAt(0)]);
