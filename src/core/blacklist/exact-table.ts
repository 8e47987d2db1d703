/**
 * A set of E.164 numbers with 2 flag bits each, in one Float64Array.
 *
 * An E.164 number has at most 15 digits, so its digits (without `+`) are an
 * integer below 10^15, and `digits * 4 + flags` (flags 1..3) is below 2^53:
 * it is stored exactly in one float64 slot. Slots form an open-addressing
 * hash table with linear probing; 0 marks an empty slot. Capacity is
 * `ceil(n / LOAD)`, so 10 M numbers take 10 M / 0.7 × 8 B ≈ 114 MB and a
 * lookup usually touches one cache line.
 *
 * Build with {@link ExactTableBuilder}; a finished table is immutable.
 */

/** Fill factor of a finished table. */
const LOAD = 0.7;
/** Rows buffered per chunk while building (8 MB each). */
const CHUNK = 1 << 20;
/** Largest digit value that fits (15 digits). */
export const MAX_E164_DIGITS_VALUE = 999_999_999_999_999;

/** Mixes a non-negative integer below 2^53 into a 31-bit hash. */
function hash(v: number): number {
  const lo = v >>> 0;
  const hi = (v / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & 0x7fffffff;
}

/**
 * Parses an E.164 key (`+` then 1–15 digits, first digit not 0) into its
 * digit value, or returns -1 when the key has another shape.
 */
export function e164Value(key: string): number {
  const len = key.length;
  if (len < 2 || len > 16 || key.charCodeAt(0) !== 43 /* + */) return -1;
  let v = 0;
  for (let i = 1; i < len; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v === 0 || key.charCodeAt(1) === 48 ? -1 : v;
}

/** An immutable hash set of E.164 digit values with 2 flag bits each. */
export class ExactTable {
  /** @internal use {@link ExactTableBuilder}. */
  constructor(
    private readonly slots: Float64Array,
    /** Distinct numbers held. */
    readonly size: number,
  ) {}

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  /** Flags stored for digit value `v` (0 when absent). */
  flags(v: number): number {
    const slots = this.slots;
    const cap = slots.length;
    const lo = v * 4;
    const hi = lo + 4;
    let i = hash(v) % cap;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) return 0;
      if (s >= lo && s < hi) return s - lo;
      if (++i === cap) i = 0;
    }
  }
}

/**
 * Collects rows into 8 MB chunks (no per-row objects), then builds the table
 * once, sized exactly, in {@link finish}. Peak memory while finishing is the
 * chunks plus the table (≈ 80 MB + 114 MB at 10 M rows).
 */
export class ExactTableBuilder {
  private chunks: Float64Array[] = [];
  private fill = CHUNK;
  private rows = 0;

  /** Rows added so far (duplicates included). */
  get count(): number {
    return this.rows;
  }

  /** Adds digit value `v` (1 ≤ v ≤ 10^15 − 1) with flags 1..3. */
  add(v: number, flags: number): void {
    if (this.fill === CHUNK) {
      this.chunks.push(new Float64Array(CHUNK));
      this.fill = 0;
    }
    this.chunks[this.chunks.length - 1]![this.fill++] = v * 4 + flags;
    this.rows++;
  }

  /** Builds the table; duplicates merge their flags. The builder is emptied. */
  finish(): ExactTable {
    const cap = Math.max(16, Math.ceil(this.rows / LOAD));
    const slots = new Float64Array(cap);
    let size = 0;
    const last = this.chunks.length - 1;
    for (let c = 0; c <= last; c++) {
      const chunk = this.chunks[c]!;
      const n = c === last ? this.fill : CHUNK;
      for (let j = 0; j < n; j++) {
        const enc = chunk[j]!;
        const flags = enc % 4;
        const lo = enc - flags;
        let i = hash(lo / 4) % cap;
        for (;;) {
          const s = slots[i]!;
          if (s === 0) {
            slots[i] = enc;
            size++;
            break;
          }
          if (s >= lo && s < lo + 4) {
            slots[i] = lo + ((s - lo) | flags);
            break;
          }
          if (++i === cap) i = 0;
        }
      }
      this.chunks[c] = new Float64Array(0);
    }
    this.chunks = [];
    this.fill = CHUNK;
    this.rows = 0;
    return new ExactTable(slots, size);
  }
}
