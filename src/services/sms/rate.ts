/** A sliding-window rate limit: at most `max` takes in any `windowMs`. */
export class RateWindow {
  private readonly times: number[] = [];
  constructor(private readonly max: number, private readonly windowMs: number) {}

  private prune(now: number): void {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
  }

  allows(now: number): boolean {
    this.prune(now);
    return this.times.length < this.max;
  }

  take(now: number): void {
    this.prune(now);
    this.times.push(now);
  }

  /** When the next take is allowed, or null when it is allowed now. */
  nextFreeAt(now: number): number | null {
    this.prune(now);
    return this.times.length < this.max ? null : this.times[0]! + this.windowMs;
  }
}
