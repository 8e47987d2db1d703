import { normalizeNumber, requireNumber, type NormalizedNumber } from '../core/numbers/normalize.ts';
import { Lru } from '../core/lru.ts';

/** Distinct written forms remembered (libphonenumber costs tens of µs a parse; a caller-ID lookup parses on every request). */
const CACHED_FORMS = 10_000;

/** Number normalisation bound to the configured default region, with the last results remembered. */
export class NumberService {
  private readonly cache = new Lru<string, Readonly<NormalizedNumber>>(CACHED_FORMS);

  constructor(private region: string) {}

  /** ISO region of numbers written without a country code (numbers.defaultRegion). */
  get defaultRegion(): string { return this.region; }

  /** The set-up wizard's "wrong country" fix: applies to numbers normalised from now on. */
  setDefaultRegion(region: string): void { this.region = region; this.cache.clear(); }

  normalize(input: string): NormalizedNumber {
    return { ...this.cached(input) };
  }

  /** Storage key (E.164, or the digits of a short code); '' when there are no digits. */
  key(input: string): string {
    return this.cached(input).key;
  }

  /** Key of a number that must be valid; BAD_REQUEST naming `field` otherwise. */
  require(input: string, field: string): string {
    if (typeof input === 'string') {
      const n = this.cached(input);
      if (n.valid) return n.key;
    }
    return requireNumber(input, { defaultRegion: this.defaultRegion, field }).key; // throws, saying why
  }

  private cached(input: string): Readonly<NormalizedNumber> {
    let n = this.cache.get(input);
    if (!n) {
      n = normalizeNumber(input, { defaultRegion: this.region });
      this.cache.set(input, n);
    }
    return n;
  }
}
