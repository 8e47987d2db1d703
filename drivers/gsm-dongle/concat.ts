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
  /** Where the parts are stored on the device ("SM:3": memory and index), freed once the message is stored; empty when routed directly. */
  stored: string[];
}

/** A received message or part, and where the device stores it (null: routed directly, not stored). */
export type IncomingPart = DecodedDeliver & { storedAt?: string | null };

interface Pending {
  from: string;
  total: number;
  parts: Map<number, IncomingPart>;
  timer: NodeJS.Timeout;
  /** Storage slots of replaced duplicate parts. */
  extra: string[];
}

/** Mark put where a missing part would have been. */
export const GAP = '…';
/** Multipart messages waiting for parts at once; the oldest is delivered incomplete beyond this. */
export const MAX_PENDING = 256;

export class Concatenator {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: { timeoutMs: number; deliver(m: JoinedMessage): void }) {}

  /** Takes one received message or part; delivers a message as soon as it is whole. */
  add(msg: IncomingPart): void {
    const part = msg.part;
    const stored = msg.storedAt !== undefined && msg.storedAt !== null ? [msg.storedAt] : [];
    if (!part || part.total <= 1 || part.seq < 1 || part.seq > part.total) {
      // A single message, or a part whose header is corrupt (nothing to join it to): delivered as it is.
      this.opts.deliver({ from: msg.from, text: msg.text, encoding: msg.encoding, sentAt: msg.sentAt, parts: 1, received: 1, incomplete: false, stored });
      return;
    }
    const key = `${msg.from}|${part.refBits}|${part.ref}|${part.total}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= MAX_PENDING) this.flush(this.pending.keys().next().value as string);
      p = { from: msg.from, total: part.total, parts: new Map(), extra: [], timer: setTimeout(() => this.flush(key), this.opts.timeoutMs) };
      this.pending.set(key, p);
    }
    const before = p.parts.get(part.seq);
    // A repeated part replaces the earlier copy; both copies' slots are freed with the message.
    if (before?.storedAt !== undefined && before.storedAt !== null && before.storedAt !== msg.storedAt) p.extra.push(before.storedAt);
    p.parts.set(part.seq, msg);
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
    let first: IncomingPart | undefined;
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
      stored: [...[...p.parts.values()].flatMap((m) => (m.storedAt !== undefined && m.storedAt !== null ? [m.storedAt] : [])), ...p.extra],
    });
  }
}
