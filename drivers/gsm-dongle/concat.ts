/**
 * Joins the parts of concatenated SMS (23.040 UDH IE 00 / 08). Parts may come
 * in any order; when one never comes, what did come is delivered after
 * `timeoutMs`, marked incomplete. Keys: sender + reference + part count, so an
 * 8-bit and a 16-bit reference never mix.
 */
import type { DecodedDeliver, SmsEncoding } from './codec.ts';

export interface JoinedMessage {
  from: string;
  text: string;
  encoding: SmsEncoding;
  sentAt: string | null;
  /** Parts the message was sent in. */
  parts: number;
  /** Parts that arrived (equal to `parts` unless incomplete). */
  received: number;
  /** A part never came: `text` holds the parts that did, in order, with a gap mark between them. */
  incomplete: boolean;
}

interface Pending {
  from: string;
  total: number;
  parts: Map<number, DecodedDeliver>;
  timer: NodeJS.Timeout;
}

/** Mark put where a missing part would have been. */
export const GAP = '…';
/** Multipart messages waiting for parts at once; the oldest is delivered incomplete beyond this. */
export const MAX_PENDING = 256;

export class Concatenator {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: { timeoutMs: number; deliver(m: JoinedMessage): void }) {}

  /** Takes one received message or part; delivers a message as soon as it is whole. */
  add(msg: DecodedDeliver): void {
    const part = msg.part;
    if (!part || part.total <= 1) {
      this.opts.deliver({ from: msg.from, text: msg.text, encoding: msg.encoding, sentAt: msg.sentAt, parts: 1, received: 1, incomplete: false });
      return;
    }
    if (part.seq < 1 || part.seq > part.total) return; // a corrupt header: nothing to join it to
    const key = `${msg.from}|${part.refBits}|${part.ref}|${part.total}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= MAX_PENDING) this.flush(this.pending.keys().next().value as string);
      p = { from: msg.from, total: part.total, parts: new Map(), timer: setTimeout(() => this.flush(key), this.opts.timeoutMs) };
      this.pending.set(key, p);
    }
    p.parts.set(part.seq, msg); // a repeated part replaces the earlier copy
    if (p.parts.size === p.total) this.flush(key);
  }

  /** Multipart messages still waiting for parts. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Delivers everything still waiting (incomplete) and stops the timers. */
  drain(): void {
    for (const key of [...this.pending.keys()]) this.flush(key);
  }

  private flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    const texts: string[] = [];
    let first: DecodedDeliver | undefined;
    for (let seq = 1; seq <= p.total; seq++) {
      const m = p.parts.get(seq);
      if (m) {
        first ??= m;
        texts.push(m.text);
      } else if (texts[texts.length - 1] !== GAP) texts.push(GAP);
    }
    const complete = p.parts.size === p.total;
    this.opts.deliver({
      from: p.from, text: texts.join(''), encoding: first!.encoding, sentAt: first!.sentAt,
      parts: p.total, received: p.parts.size, incomplete: !complete,
    });
  }
}
