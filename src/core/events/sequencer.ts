/**
 * Puts logged events back in id order before the stream sees them. Events
 * arrive from two places: this daemon's writer (right after its insert
 * commits) and the reader of the log (other daemons' events, by NOTIFY or
 * poll). Ids are given out by one sequence but transactions commit out of
 * order, so an id can show up before a smaller one: it waits until the
 * smaller one comes, at most `holeWaitMs` (a sequence value burnt by a failed
 * insert never comes), then the hole is skipped.
 *
 * States: not started (offers are dropped), running (next = the id the
 * stream waits for). Each event leaves exactly once, in increasing id order.
 */
import type { LoggedEvent } from './bus.ts';

export interface SequencerOptions {
  deliver(event: LoggedEvent): void;
  /** How long a missing id is waited for before it is skipped. */
  holeWaitMs: number;
  /** A hole appeared: look in the log now (the missing event may be committed already). */
  onHole?(): void;
}

export class EventSequencer {
  private next: number | null = null;
  private readonly pending = new Map<number, LoggedEvent>();
  private holeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Ids skipped because they never came in time (figures, tests). */
  skipped = 0;

  constructor(private readonly opts: SequencerOptions) {}

  /** Start after `lastId`: the first event delivered is lastId + 1 (or the next one that exists). */
  start(lastId: number): void {
    this.next = lastId + 1;
    this.drain();
  }

  /** The highest id delivered (or the start point). */
  get last(): number {
    return (this.next ?? 1) - 1;
  }

  /** Events waiting for a smaller id. */
  get waiting(): number {
    return this.pending.size;
  }

  offer(event: LoggedEvent): void {
    if (this.next === null || event.id < this.next || this.pending.has(event.id)) return;
    this.pending.set(event.id, event);
    this.drain();
  }

  stop(): void {
    if (this.holeTimer) clearTimeout(this.holeTimer);
    this.holeTimer = null;
    this.pending.clear();
    this.next = null;
  }

  private drain(): void {
    if (this.next === null) return;
    let moved = false;
    for (let e = this.pending.get(this.next); e; e = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.next++;
      moved = true;
      this.opts.deliver(e);
    }
    if (moved && this.holeTimer) { clearTimeout(this.holeTimer); this.holeTimer = null; }
    if (this.pending.size && !this.holeTimer) {
      this.holeTimer = setTimeout(() => this.skipHole(), this.opts.holeWaitMs);
      this.opts.onHole?.();
    }
  }

  private skipHole(): void {
    this.holeTimer = null;
    if (this.next === null || !this.pending.size) return;
    const first = Math.min(...this.pending.keys());
    this.skipped += first - this.next;
    this.next = first;
    this.drain();
  }
}
