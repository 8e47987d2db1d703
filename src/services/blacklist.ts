/**
 * The blacklist as the daemon uses it: a big immutable {@link BlacklistMatcher}
 * for exact numbers, loaded from the database, plus a small delta of keys
 * changed since that snapshot, so a new or removed entry takes effect at once.
 * Changes schedule a debounced rebuild in the background; the new matcher is
 * swapped in and the delta entries it covers are dropped. Prefixes are few:
 * they live in a small matcher rebuilt on every prefix change.
 *
 * `check` is synchronous and never touches the database.
 */
import type { Logger } from 'pino';
import { KefuError } from '../core/errors.ts';
import { BlacklistMatcher, type BlacklistDirection, type CallDirection } from '../core/blacklist/matcher.ts';
import { normalizePrefix, prefixProblem } from '../core/numbers/prefix.ts';
import type { BlacklistRepo, NewEntry } from '../db/repos/blacklist.ts';
import type { BlacklistEntry, Direction } from '../core/blacklist/records.ts';
import type { NumberService } from './numbers.ts';
import { MAX_LISTED_ERRORS, Slicer, type ImportLimits, type ImportProgress } from './imports/slices.ts';

/** What blocked a number: an exact entry or the longest matching prefix (keys as stored). */
export interface BlacklistHit { kind: 'exact' | 'prefix'; value: string }
export interface BlacklistVerdict { blocked: boolean; match: BlacklistHit | null }

/** A new entry: exactly one of `number` or `prefix`, in any written form. */
export interface BlacklistAdd { number?: string | undefined; prefix?: string | undefined; direction: Direction; reason?: string | null | undefined }
/** A row of a bulk import; `line` (default: position + 1) is used in error reports. */
export interface BlacklistImportRow { number?: string | undefined; prefix?: string | undefined; direction?: Direction | undefined; reason?: string | null | undefined; line?: number }
export interface BlacklistImportResult { rows: number; inserted: number; duplicates: number; errors: Array<{ line: number; message: string }> }

export interface BlacklistStatsView {
  /** Exact keys in the snapshot matcher (E.164 and raw). */
  exact: number;
  prefixes: number;
  /** Keys changed since the snapshot, consulted before it. */
  pending: number;
  tableBytes: number;
  rebuilding: boolean;
  rebuilds: number;
  lastRebuildMs: number | null;
  lastRebuildAt: string | null;
}

export interface BlacklistServiceOptions {
  /** Quiet time after the last change before the matcher is rebuilt (ms). Default 2000. */
  debounceMs?: number;
  /** Rows per database round trip when loading. Default 50 000. */
  scanChunk?: number;
}

interface Delta { flags: number; seq: number }

const FLAGS: Record<Direction, number> = { inbound: 1, outbound: 2, both: 3 };
const DIRECTIONS: Record<number, BlacklistDirection | null> = { 0: null, 1: 'inbound', 2: 'outbound', 3: 'both' };
const NOT_BLOCKED: BlacklistVerdict = Object.freeze({ blocked: false, match: null });

export class BlacklistService {
  private exact = BlacklistMatcher.empty();
  private prefixBase = new Map<string, number>();
  private prefixMatcher = BlacklistMatcher.empty();
  private readonly exactDelta = new Map<string, Delta>();
  private readonly prefixDelta = new Map<string, Delta>();
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Settles (never rejects) when the running rebuild ends; null when none runs. */
  private running: Promise<void> | null = null;
  /** The last rebuild started (rejects when it failed). */
  private latest: Promise<void> = Promise.resolve();
  /** Rebuilds started so far. */
  private started = 0;
  private stopped = false;
  private rebuilds = 0;
  private lastRebuildMs: number | null = null;
  private lastRebuildAt: Date | null = null;
  private readonly debounceMs: number;
  private readonly scanChunk: number;

  constructor(private readonly repo: BlacklistRepo, private readonly numbers: NumberService, private readonly logger: Logger, opts: BlacklistServiceOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 2000;
    this.scanChunk = opts.scanChunk ?? 50_000;
  }

  /** Loads the matcher from the database (streamed). Resolves when it is in place. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.rebuildNow();
  }

  /** Cancels a pending rebuild and waits for a running one. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Checks a number in any written form. */
  check(input: string, direction: CallDirection): BlacklistVerdict {
    return this.checkKey(this.numbers.key(input), direction);
  }

  /** Checks a storage key (from NumberService.key). Exact entries win over prefixes; the longest prefix wins. */
  checkKey(key: string, direction: CallDirection): BlacklistVerdict {
    if (key === '') return NOT_BLOCKED;
    const bit = direction === 'inbound' ? 1 : 2;
    const d = this.exactDelta.get(key);
    if (d ? d.flags & bit : this.exact.check(key, direction).blocked) return { blocked: true, match: { kind: 'exact', value: key } };
    const p = this.prefixMatcher.check(key, direction);
    return p.match ? { blocked: true, match: { kind: 'prefix', value: p.match.value } } : NOT_BLOCKED;
  }

  /**
   * Normalises `e` into a repository row. BAD_REQUEST naming the field
   * (`body.number`, `body.prefix`; plain `number` when `field` is '') otherwise.
   */
  entry(e: BlacklistAdd, field = 'body'): NewEntry {
    const f = (name: string) => (field ? `${field}.${name}` : name);
    const hasNumber = e.number !== undefined && e.number !== '';
    const hasPrefix = e.prefix !== undefined && e.prefix !== '';
    if (hasNumber === hasPrefix) {
      throw new KefuError('BAD_REQUEST', `${hasNumber ? 'both number and prefix given' : 'neither number nor prefix given'}: give exactly one`, { field: f(hasNumber ? 'prefix' : 'number') });
    }
    if (!(e.direction in FLAGS)) throw new KefuError('BAD_REQUEST', `${f('direction')} "${String(e.direction)}" must be one of inbound, outbound, both`, { field: f('direction') });
    const reason = e.reason ?? null;
    if (hasNumber) return { kind: 'number', value: this.numbers.require(e.number!, f('number')), direction: e.direction, reason };
    const opts = { defaultRegion: this.numbers.defaultRegion };
    const value = normalizePrefix(e.prefix!, opts);
    if (value === null) {
      throw new KefuError('BAD_REQUEST', prefixProblem(e.prefix!, { ...opts, field: f('prefix') }) ?? `${f('prefix')} is not a number prefix`, { field: f('prefix'), input: e.prefix });
    }
    return { kind: 'prefix', value, direction: e.direction, reason };
  }

  /** Adds one entry; it blocks at once. CONFLICT when the same entry exists. */
  async add(e: BlacklistAdd): Promise<BlacklistEntry> {
    const row = this.entry(e);
    const saved = await this.repo.add(row);
    this.merge(row.kind, row.value, FLAGS[row.direction]);
    this.changed(row.kind === 'prefix');
    return saved;
  }

  /** Removes an entry by id; it stops blocking at once. NOT_FOUND when absent. */
  async remove(id: string): Promise<void> {
    const gone = await this.repo.delete(id);
    const kind = gone.number !== null ? 'number' : 'prefix';
    const value = (gone.number ?? gone.prefix)!;
    // Other rows may still cover the same key (an `inbound` and a `both` row).
    const left = (await this.repo.find(kind, value)).reduce((f, r) => f | FLAGS[r.direction], 0);
    this.set(kind, value, left);
    this.changed(kind === 'prefix');
  }

  /**
   * Bulk add: invalid rows are reported by line, existing entries counted as
   * duplicates. Rows are read lazily and written `batchSize` at a time,
   * yielding to the event loop between slices (src/services/imports/slices.ts);
   * entries block as each batch is written.
   */
  async import(rows: Iterable<BlacklistImportRow | { line: number; error: string }>, opts: { limits?: ImportLimits; progress?: ImportProgress } = {}): Promise<BlacklistImportResult> {
    const limits = opts.limits ?? { maxRows: Number.MAX_SAFE_INTEGER, batchSize: 100, sliceMs: 20 };
    const slicer = new Slicer(limits.sliceMs);
    const errors: BlacklistImportResult['errors'] = [];
    let unique = new Map<string, NewEntry>();
    let valid = 0;
    let inserted = 0;
    let n = 0;
    const flush = async () => {
      const entries = [...unique.values()];
      unique = new Map();
      if (entries.length) inserted += await this.repo.addMany(entries);
      let prefixes = false;
      for (const e of entries) {
        this.merge(e.kind, e.value, FLAGS[e.direction]);
        prefixes ||= e.kind === 'prefix';
      }
      if (entries.length) this.changed(prefixes);
      opts.progress?.report(n, { imported: inserted, skipped: n - inserted });
      await slicer.yield();
    };
    for (const r of rows) {
      const line = r.line ?? n + 1;
      n++;
      if ('error' in r) errors.push({ line, message: r.error });
      else {
        try {
          const e = this.entry({ ...r, direction: r.direction ?? 'both' }, '');
          if (`${e.reason ?? ''}`.includes('\u0000')) throw new KefuError('BAD_REQUEST', 'reason contains a NUL character');
          valid++;
          unique.set(`${e.kind}\u0000${e.value}\u0000${e.direction}`, e);
        } catch (err) {
          errors.push({ line, message: err instanceof KefuError ? err.message : String(err) });
        }
      }
      if (unique.size >= limits.batchSize) await flush();
      else await slicer.tick();
    }
    await flush();
    errors.sort((a, b) => a.line - b.line);
    opts.progress?.report(n, { imported: inserted, skipped: n - inserted }, true);
    return { rows: n, inserted, duplicates: valid - inserted, errors: errors.slice(0, MAX_LISTED_ERRORS) };
  }

  stats(): BlacklistStatsView {
    const s = this.exact.stats;
    let prefixes = this.prefixBase.size;
    for (const [k, d] of this.prefixDelta) prefixes += (d.flags ? 1 : 0) - (this.prefixBase.has(k) ? 1 : 0);
    return {
      exact: s.exact + s.raw, prefixes, pending: this.exactDelta.size + this.prefixDelta.size, tableBytes: s.tableBytes,
      rebuilding: this.running !== null, rebuilds: this.rebuilds, lastRebuildMs: this.lastRebuildMs, lastRebuildAt: this.lastRebuildAt?.toISOString() ?? null,
    };
  }

  /**
   * The table changed through another daemon (or SQL): rebuild now, unless
   * stopped. Changes that come during a rebuild share the next one.
   */
  async refresh(): Promise<void> {
    if (!this.stopped) await this.rebuildNow();
  }

  /**
   * Rebuilds now (or after the running rebuild) and resolves when a matcher
   * whose scan began after this call is in place. Callers that wait together
   * share one rebuild. A rebuild never schedules another by itself: only
   * changes do (one debounced rebuild per burst), so a rebuild that takes
   * longer than the debounce cannot chain rebuilds without end.
   */
  async rebuildNow(): Promise<void> {
    const wanted = this.started + 1;
    while (this.started < wanted) {
      if (!this.running) {
        this.begin();
        break;
      }
      await this.running;
    }
    await this.latest;
  }

  private begin(): void {
    // Every change made so far is written: the scan about to start sees it, so its pending timer is moot.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.started++;
    const run = this.rebuild();
    const done = () => { this.running = null; };
    this.latest = run;
    this.running = run.then(done, done);
  }

  private async rebuild(): Promise<void> {
    const t0 = performance.now();
    const startSeq = this.seq;
    const b = BlacklistMatcher.builder();
    const prefixes = new Map<string, number>();
    for await (const chunk of this.repo.scan(this.scanChunk)) {
      for (const r of chunk) {
        if (r.kind === 'number') b.addExact(r.value, r.direction);
        else prefixes.set(r.value, (prefixes.get(r.value) ?? 0) | FLAGS[r.direction]);
      }
    }
    this.exact = b.finish();
    this.prefixBase = prefixes;
    // Changes written before the scan began are in the snapshot; later ones stay in the delta.
    for (const delta of [this.exactDelta, this.prefixDelta]) for (const [k, d] of delta) if (d.seq <= startSeq) delta.delete(k);
    this.rebuildPrefixes();
    this.rebuilds++;
    this.lastRebuildMs = Math.round(performance.now() - t0);
    this.lastRebuildAt = new Date();
    this.logger.info({ ...this.exact.stats, prefixes: prefixes.size, pending: this.exactDelta.size + this.prefixDelta.size, ms: this.lastRebuildMs }, 'blacklist loaded');
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.rebuildNow().catch((err: unknown) => {
        this.logger.error({ err }, 'blacklist rebuild failed; the delta keeps changes in effect, retrying');
        this.schedule();
      });
    }, this.debounceMs);
    this.timer.unref();
  }

  private changed(prefix: boolean): void {
    if (prefix) this.rebuildPrefixes();
    this.schedule();
  }

  /** Current flags of a key: the delta when it has one, else the snapshot. */
  private flagsOf(kind: 'number' | 'prefix', key: string): number {
    if (kind === 'prefix') return this.prefixDelta.get(key)?.flags ?? this.prefixBase.get(key) ?? 0;
    const d = this.exactDelta.get(key);
    if (d) return d.flags;
    const hit = (dir: CallDirection) => this.exact.check(key, dir).match?.kind === 'exact';
    return (hit('inbound') ? 1 : 0) | (hit('outbound') ? 2 : 0);
  }

  private merge(kind: 'number' | 'prefix', key: string, flags: number): void {
    this.set(kind, key, this.flagsOf(kind, key) | flags);
  }

  private set(kind: 'number' | 'prefix', key: string, flags: number): void {
    (kind === 'number' ? this.exactDelta : this.prefixDelta).set(key, { flags, seq: ++this.seq });
  }

  private rebuildPrefixes(): void {
    const current = new Map(this.prefixBase);
    for (const [k, d] of this.prefixDelta) current.set(k, d.flags);
    const b = BlacklistMatcher.builder();
    for (const [k, flags] of current) {
      const dir = DIRECTIONS[flags];
      if (dir) b.addPrefix(k, dir);
    }
    this.prefixMatcher = b.finish();
  }
}
