/**
 * What a Pbx reported, kept in order, and waits for events with deadlines
 * (for the contract suite; no fixed sleeps).
 */
import type { Pbx, PbxEvent } from '../../src/core/ports.ts';

type Of<T extends PbxEvent['type']> = Extract<PbxEvent, { type: T }>;

export class PbxEventLog {
  readonly all: PbxEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly off: () => void;

  constructor(pbx: Pbx) {
    this.off = pbx.on((e) => {
      this.all.push(e);
      for (const w of [...this.waiters]) w();
    });
  }

  close(): void { this.off(); }

  of<T extends PbxEvent['type']>(type: T, pred: (e: Of<T>) => boolean = () => true): Of<T>[] {
    return this.all.filter((e): e is Of<T> => e.type === type && pred(e as Of<T>));
  }

  /** The first event of `type` matching `pred` (already seen or still to come), or an error after `timeoutMs`. */
  wait<T extends PbxEvent['type']>(type: T, pred: (e: Of<T>) => boolean, timeoutMs: number): Promise<Of<T>> {
    const found = (): Of<T> | undefined => this.of(type, pred)[0];
    const now = found();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const e = found();
        if (!e) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${type} event within ${timeoutMs} ms; saw ${JSON.stringify(this.all.slice(-8))}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  legGone(legId: string, timeoutMs: number): Promise<Of<'legGone'>> { return this.wait('legGone', (e) => e.legId === legId, timeoutMs); }
  entered(legId: string, timeoutMs: number): Promise<Of<'legEntered'>> { return this.wait('legEntered', (e) => e.leg.id === legId, timeoutMs); }
}
