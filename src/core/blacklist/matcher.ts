/**
 * In-memory blacklist matcher: exact numbers and prefixes, per direction.
 *
 * Keys are storage keys from `toE164OrRaw` (`+8613800138000`, `95588`), and
 * prefix keys from `normalizePrefix` (`+86170`, `95`). E.164 exact numbers
 * live in an {@link ExactTable} (≈ 11.4 bytes each, no per-entry objects, no
 * ids); short codes and other raw keys live in a small Map with their ids.
 *
 * A matcher is immutable once built. On any change the blacklist service
 * builds a new one in the background (streaming rows into a
 * {@link BlacklistBuilder}) and swaps the reference; checks never wait.
 */
import { KefuError } from '../errors.ts';
import type { NormalizeOptions } from '../numbers/normalize.ts';
import { toE164OrRaw } from '../numbers/normalize.ts';
import { normalizePrefix } from '../numbers/prefix.ts';
import { ExactTable, ExactTableBuilder, e164Value } from './exact-table.ts';

/** Which calls an entry blocks. */
export type BlacklistDirection = 'inbound' | 'outbound' | 'both';
/** The direction of a call being checked. */
export type CallDirection = 'inbound' | 'outbound';

/** The entry that blocked a call. `id` is absent for E.164 exact entries: look it up by `value`. */
export interface BlacklistMatch {
  kind: 'exact' | 'prefix';
  /** The exact key or the prefix key that matched. */
  value: string;
  id?: string;
}

/** Result of {@link BlacklistMatcher.check}. */
export interface BlacklistCheck {
  blocked: boolean;
  match: BlacklistMatch | null;
}

/** Input row for {@link BlacklistMatcher.build}: one of `number` or `prefix`, in any written form. */
export interface BlacklistEntryInput {
  id: string;
  number?: string;
  prefix?: string;
  direction: BlacklistDirection;
}

/** Sizes of a built matcher. */
export interface BlacklistStats {
  /** Distinct E.164 exact numbers. */
  exact: number;
  /** Distinct raw exact keys (short codes, unparsable numbers). */
  raw: number;
  /** Distinct prefixes (E.164 and raw). */
  prefixes: number;
  /** Bytes held by the exact-number table. */
  tableBytes: number;
}

interface Entry {
  value: string;
  flags: number;
  inboundId: string | undefined;
  outboundId: string | undefined;
}

const NOT_BLOCKED: BlacklistCheck = Object.freeze({ blocked: false, match: null });

/** Flag bits: 1 inbound, 2 outbound. */
function flagsOf(direction: BlacklistDirection): number {
  if (direction === 'inbound') return 1;
  if (direction === 'outbound') return 2;
  if (direction === 'both') return 3;
  throw new KefuError('BAD_REQUEST', `Unknown blacklist direction "${String(direction)}": expected inbound, outbound or both`);
}

function merge<K>(map: Map<K, Entry>, k: K, value: string, flags: number, id?: string): void {
  let e = map.get(k);
  if (!e) {
    e = { value, flags: 0, inboundId: undefined, outboundId: undefined };
    map.set(k, e);
  }
  e.flags |= flags;
  if (flags & 1) e.inboundId ??= id;
  if (flags & 2) e.outboundId ??= id;
}

function hit(kind: 'exact' | 'prefix', e: Entry, bit: number): BlacklistCheck {
  const id = bit === 1 ? e.inboundId : e.outboundId;
  return { blocked: true, match: id === undefined ? { kind, value: e.value } : { kind, value: e.value, id } };
}

/**
 * Collects normalised keys row by row (no object per exact row), then
 * {@link finish}es into an immutable {@link BlacklistMatcher}. Single use.
 */
export class BlacklistBuilder {
  private exact: ExactTableBuilder | null = new ExactTableBuilder();
  private readonly raw = new Map<string, Entry>();
  private readonly prefixByLen: (Map<number, Entry> | undefined)[] = [];
  private readonly rawPrefixes = new Map<string, Entry>();

  /**
   * Adds an exact storage key (from `toE164OrRaw`). `id` is kept only for raw
   * keys (short codes). Returns false, adding nothing, for an empty key.
   */
  addExact(key: string, direction: BlacklistDirection, id?: string): boolean {
    const flags = flagsOf(direction);
    if (!this.exact) throw new KefuError('INTERNAL', 'BlacklistBuilder used after finish()');
    if (key === '') return false;
    const v = e164Value(key);
    if (v > 0) this.exact.add(v, flags);
    else merge(this.raw, key, key, flags, id);
    return true;
  }

  /**
   * Adds a prefix key (from `normalizePrefix`): `+` and 1–15 digits, or raw
   * digits for short codes. Returns false, adding nothing, for an empty key.
   */
  addPrefix(prefix: string, direction: BlacklistDirection, id?: string): boolean {
    const flags = flagsOf(direction);
    if (prefix === '') return false;
    const v = e164Value(prefix);
    if (v > 0) {
      const len = prefix.length - 1;
      const map = (this.prefixByLen[len] ??= new Map<number, Entry>());
      merge(map, v, prefix, flags, id);
    } else {
      merge(this.rawPrefixes, prefix, prefix, flags, id);
    }
    return true;
  }

  /** Builds the matcher. The builder cannot be used afterwards. */
  finish(): BlacklistMatcher {
    if (!this.exact) throw new KefuError('INTERNAL', 'BlacklistBuilder.finish() called twice');
    const table = this.exact.finish();
    this.exact = null;
    const lens: number[] = [];
    this.prefixByLen.forEach((m, len) => {
      if (m && m.size > 0) lens.push(len);
    });
    const rawLens = [...new Set([...this.rawPrefixes.keys()].map((p) => p.length))].sort((a, b) => a - b);
    return new BlacklistMatcher(table, this.raw, this.prefixByLen, lens, this.rawPrefixes, rawLens);
  }
}

/** An immutable blacklist. Build with {@link BlacklistMatcher.builder} or {@link BlacklistMatcher.build}. */
export class BlacklistMatcher {
  private readonly maxPrefixLen: number;
  private readonly lenMask: number;

  /** @internal use {@link BlacklistBuilder.finish}. */
  constructor(
    private readonly table: ExactTable,
    private readonly raw: ReadonlyMap<string, Entry>,
    private readonly prefixByLen: readonly (Map<number, Entry> | undefined)[],
    prefixLens: readonly number[],
    private readonly rawPrefixes: ReadonlyMap<string, Entry>,
    private readonly rawPrefixLens: readonly number[],
  ) {
    this.maxPrefixLen = prefixLens.length ? Math.max(...prefixLens) : 0;
    this.lenMask = prefixLens.reduce((m, l) => m | (1 << l), 0);
  }

  /** A builder that accepts streamed rows; see {@link BlacklistBuilder}. */
  static builder(): BlacklistBuilder {
    return new BlacklistBuilder();
  }

  /** A matcher that blocks nothing. */
  static empty(): BlacklistMatcher {
    return new BlacklistBuilder().finish();
  }

  /**
   * Builds from entries whose `number`/`prefix` are in any written form; each
   * is normalised here (≈ µs per row: meant for small sets and tests; load
   * millions of stored keys through {@link builder}). Throws
   * `KefuError('UNPROCESSABLE')` naming the entry when it has neither field or
   * an unusable one.
   */
  static build(entries: Iterable<BlacklistEntryInput>, opts?: NormalizeOptions): BlacklistMatcher {
    const b = new BlacklistBuilder();
    for (const e of entries) {
      if (e.number !== undefined && e.number !== '') {
        if (!b.addExact(toE164OrRaw(e.number, opts), e.direction, e.id)) {
          throw new KefuError('UNPROCESSABLE', `Blacklist entry ${e.id}: number "${e.number}" has no digits`, { id: e.id });
        }
      } else if (e.prefix !== undefined && e.prefix !== '') {
        const key = normalizePrefix(e.prefix, opts);
        if (key === null) throw new KefuError('UNPROCESSABLE', `Blacklist entry ${e.id}: "${e.prefix}" is not a number prefix`, { id: e.id });
        b.addPrefix(key, e.direction, e.id);
      } else {
        throw new KefuError('UNPROCESSABLE', `Blacklist entry ${e.id}: expected a number or a prefix`, { id: e.id });
      }
    }
    return b.finish();
  }

  /** Sizes, for logs and the status page. */
  get stats(): BlacklistStats {
    let prefixes = this.rawPrefixes.size;
    for (const m of this.prefixByLen) prefixes += m?.size ?? 0;
    return { exact: this.table.size, raw: this.raw.size, prefixes, tableBytes: this.table.byteLength };
  }

  /**
   * Checks a storage key (from `toE164OrRaw`) for a call in `direction`.
   * An exact entry wins over prefixes; among prefixes the longest wins.
   * Allocation-free when nothing matches.
   */
  check(key: string, direction: CallDirection): BlacklistCheck {
    const bit = direction === 'inbound' ? 1 : 2;
    const v = e164Value(key);
    if (v > 0) {
      if (this.table.flags(v) & bit) return { blocked: true, match: { kind: 'exact', value: key } };
      if (this.lenMask === 0) return NOT_BLOCKED;
      let best: Entry | undefined;
      const end = Math.min(key.length - 1, this.maxPrefixLen);
      let p = 0;
      for (let len = 1; len <= end; len++) {
        p = p * 10 + (key.charCodeAt(len) - 48);
        if ((this.lenMask & (1 << len)) === 0) continue;
        const e = this.prefixByLen[len]!.get(p);
        if (e !== undefined && e.flags & bit) best = e;
      }
      return best ? hit('prefix', best, bit) : NOT_BLOCKED;
    }
    if (key === '') return NOT_BLOCKED;
    const e = this.raw.get(key);
    if (e !== undefined && e.flags & bit) return hit('exact', e, bit);
    let best: Entry | undefined;
    for (const len of this.rawPrefixLens) {
      if (len > key.length) break;
      const p = this.rawPrefixes.get(key.slice(0, len));
      if (p !== undefined && p.flags & bit) best = p;
    }
    return best ? hit('prefix', best, bit) : NOT_BLOCKED;
  }
}
