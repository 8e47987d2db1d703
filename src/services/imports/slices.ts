/**
 * Long imports share the event loop: PGlite runs queries on it, and a chain of
 * awaited queries resolves in microtasks without ever letting HTTP in. An
 * import calls `tick()` per record; every `sliceMs` of work it waits one
 * setImmediate turn, so timers and sockets run between slices.
 */
import { KefuError } from '../../core/errors.ts';
import type { EventBus } from '../../core/events/bus.ts';

export interface ImportLimits {
  /** More records than this: the import is refused whole (config imports.maxRows). */
  maxRows: number;
  /** Records written per transaction (config imports.batchSize). */
  batchSize: number;
  /** Work between yields to the event loop, ms (config imports.sliceMs). */
  sliceMs: number;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Slicer {
  private since = performance.now();
  constructor(private readonly sliceMs: number) {}

  /** Yields when this slice has run long enough. */
  async tick(): Promise<void> {
    if (performance.now() - this.since >= this.sliceMs) await this.yield();
  }

  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.since = performance.now();
  }
}

export type ImportKind = 'customers' | 'contacts' | 'blacklist';

/** `import.progress` on the bus: at most every `everyMs`, and once at the end (`finished: true`). */
export class ImportProgress {
  private last = 0;
  constructor(
    private readonly bus: EventBus | null,
    readonly importId: string,
    readonly kind: ImportKind,
    readonly total: number,
    private readonly everyMs = 500,
  ) {}

  report(done: number, counts: { imported: number; skipped: number }, finished = false): void {
    const now = performance.now();
    if (!this.bus || (!finished && now - this.last < this.everyMs)) return;
    this.last = now;
    this.bus.emit('import.progress', { importId: this.importId, kind: this.kind, done, total: this.total, ...counts, finished });
  }
}

/** Refuses a file over the row cap before anything is written. */
export function checkRowCap(rows: number, limits: ImportLimits, what: string): void {
  if (rows > limits.maxRows) {
    throw new KefuError('BAD_REQUEST', `body: ${rows} ${what}; an import takes at most ${limits.maxRows} (imports.maxRows): split the file`, { field: 'body', rows, maxRows: limits.maxRows });
  }
}

/** At most this many per-record errors are listed in a result; the counts stay exact. */
export const MAX_LISTED_ERRORS = 1000;
