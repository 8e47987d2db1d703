import { normalizeNumber, requireNumber, toE164OrRaw, type NormalizedNumber } from '../core/numbers/normalize.ts';

/** Number normalisation bound to the configured default region. */
export class NumberService {
  constructor(private region: string) {}

  /** ISO region of numbers written without a country code (numbers.defaultRegion). */
  get defaultRegion(): string { return this.region; }

  /** The set-up wizard's "wrong country" fix: applies to numbers normalised from now on. */
  setDefaultRegion(region: string): void { this.region = region; }

  normalize(input: string): NormalizedNumber {
    return normalizeNumber(input, { defaultRegion: this.defaultRegion });
  }

  /** Storage key (E.164, or the digits of a short code); '' when there are no digits. */
  key(input: string): string {
    return toE164OrRaw(input, { defaultRegion: this.defaultRegion });
  }

  /** Key of a number that must be valid; BAD_REQUEST naming `field` otherwise. */
  require(input: string, field: string): string {
    return requireNumber(input, { defaultRegion: this.defaultRegion, field }).key;
  }
}
