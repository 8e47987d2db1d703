/**
 * The delivery pump: runs due work with a bounded concurrency overall and per
 * owner (a subscription), never the same item twice at once, and sleeps until
 * the next item is due or it is woken (a new event, a replay, a finished run).
 *
 * It decides nothing about order: `due` gives the items that may go now (the
 * store returns only the head of each order key, so a later event of a call
 * waits while an earlier one is retrying) and the pump runs them.
 */

export interface PumpItem {
  id: string;
  /** Whose concurrency share the item uses (the subscription). */
  owner: string;
  /** When it is due (epoch ms). */
  dueAt: number;
  /**
   * False: not claimed for this pump (when `due` claims what it returns):
   * it only says when to look again and is never run from this answer, even
   * once its time has come by this clock (another daemon may have claimed it
   * meanwhile; running it too would send it twice).
   */
  claimed?: boolean;
}

export interface PumpOptions<T extends PumpItem> {
  /** Runs at once, in all. */
  concurrency: number;
  /** Runs at once for one owner. */
  perOwner: number;
  /** Longest sleep when nothing is due (a new event wakes the pump anyway). */
  idleMs: number;
  /**
   * Items that may go, soonest first, at most `limit`; none of `busy` (running)
   * and none of an owner in `fullOwners` (at its share). Items not due yet
   * may come after the due ones: the first of them says when to wake.
   */
  due(limit: number, busy: readonly string[], fullOwners: readonly string[]): Promise<T[]>;
  /**
   * Gives back items that were due but not started (no room: all slots or the
   * owner's share taken), when `due` claims what it returns. A rejection is
   * reported to onError (the claims then expire).
   */
  release?(items: readonly T[]): Promise<void>;
  /** Delivers one item (records its outcome); a rejection is reported to onError. */
  run(item: T): Promise<void>;
  onError(err: unknown): void;
  now?: () => number;
}

/** How soon an item due by this clock but not claimed (due by the store's clock a moment later) is looked at again. */
export const UNCLAIMED_AGAIN_MS = 10;

export class Pump<T extends PumpItem> {
  private readonly running = new Map<string, { owner: string; done: Promise<void> }>();
  private filling: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly o: PumpOptions<T>) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Look for due work now. */
  wake(): void {
    if (this.stopped) return;
    if (this.filling) { this.again = true; return; }
    this.filling = this.fill()
      .catch((err: unknown) => { this.o.onError(err); this.sleep(this.o.idleMs); })
      .finally(() => {
        this.filling = null;
        if (this.again) { this.again = false; this.wake(); }
      });
  }

  /** Stops taking work and waits for the runs under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.filling;
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Runs under way. */
  get busy(): number { return this.running.size; }

  private async fill(): Promise<void> {
    const slots = this.o.concurrency - this.running.size;
    if (slots <= 0) return; // a finished run wakes the pump
    const perOwner = new Map<string, number>();
    for (const r of this.running.values()) perOwner.set(r.owner, (perOwner.get(r.owner) ?? 0) + 1);
    const full = [...perOwner].filter(([, n]) => n >= this.o.perOwner).map(([o]) => o);
    const items = await this.o.due(slots + 1, [...this.running.keys()], full);
    const now = this.now();
    if (this.stopped) {
      // stopping: give back what was claimed for us (another daemon, or this one restarted, sends it now)
      const claimed = items.filter((i) => i.claimed !== false && i.dueAt <= now);
      if (claimed.length > 0 && this.o.release) await this.o.release(claimed).catch((err: unknown) => this.o.onError(err));
      return;
    }
    let started = 0;
    let nextAt: number | null = null;
    const unused: T[] = [];
    for (const item of items) {
      if (item.claimed === false || item.dueAt > now) {
        // unclaimed though due by this clock (the database's is a little behind): look again shortly, not in a busy loop
        const at = item.claimed === false ? Math.max(item.dueAt, now + UNCLAIMED_AGAIN_MS) : item.dueAt;
        nextAt = nextAt === null ? at : Math.min(nextAt, at);
        continue;
      }
      if (this.running.has(item.id)) continue;
      if (started >= slots || (perOwner.get(item.owner) ?? 0) >= this.o.perOwner) { unused.push(item); continue; }
      perOwner.set(item.owner, (perOwner.get(item.owner) ?? 0) + 1);
      started++;
      this.launch(item);
    }
    if (unused.length > 0 && this.o.release) await this.o.release(unused).catch((err: unknown) => this.o.onError(err));
    // more due than slots: a finished run wakes the pump; else sleep until the next is due
    if (started < slots) this.sleep(nextAt === null ? this.o.idleMs : Math.min(this.o.idleMs, Math.max(0, nextAt - now)));
  }

  private launch(item: T): void {
    const done = this.o.run(item)
      .catch((err: unknown) => this.o.onError(err))
      .finally(() => { this.running.delete(item.id); this.wake(); });
    this.running.set(item.id, { owner: item.owner, done });
  }

  private sleep(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.wake(); }, ms);
  }
}
