/**
 * Work for one call runs in order, one step at a time (no process-wide lock):
 * each call owns a queue. A failing step is logged and does not stop the next.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** `wrap` runs each step (e.g. retried while the database is down: src/db/retry.ts). */
  constructor(private readonly onError: (err: unknown) => void, private readonly wrap: (fn: () => Promise<unknown>) => Promise<unknown> = (fn) => fn()) {}

  /** Queue fn after everything queued before; the returned promise never rejects. */
  run(fn: () => Promise<unknown>): Promise<void> {
    this.tail = this.tail.then(() => this.wrap(fn)).then(() => undefined, (e: unknown) => this.onError(e));
    return this.tail;
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.tail;
  }
}
