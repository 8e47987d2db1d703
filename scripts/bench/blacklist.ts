/**
 * Blacklist matcher benchmark: build time, memory and check latency at 1 M
 * and 10 M random Chinese numbers, against a plain `Set<string>` baseline.
 *
 *   node --expose-gc --import tsx scripts/bench/blacklist.ts [sizes...]
 *
 * Prints a table and writes bench/results/blacklist.json. Latency is measured
 * in batches (one lookup is below timer resolution): p50/p99 are over the
 * per-lookup means of the batches. Half the lookups hit, half miss.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { BlacklistMatcher } from '../../src/core/blacklist/matcher.ts';

/** Options for {@link run}. */
export interface BlacklistBenchOptions {
  /** Entry counts for the matcher. Default [1e6, 1e7]. */
  sizes?: number[];
  /** Entry count for the Set<string> baseline (0 to skip). Default 1e6. */
  baselineSize?: number;
  /** Prefix entries added to each matcher (walked on every check). Default 1000. */
  prefixes?: number;
  /** Lookups timed per case. Default 1e6. */
  lookups?: number;
  /** Lookups per timed batch. Default 1000. */
  batch?: number;
  /** JSON output path; null to skip writing. Default bench/results/blacklist.json. */
  out?: string | null;
  /** Line printer. Default console.log. */
  log?: (line: string) => void;
}

/** One measured case. */
export interface BlacklistBenchCase {
  impl: 'matcher' | 'Set<string>';
  entries: number;
  /** Prefix entries besides the exact ones (matcher only). */
  prefixes: number;
  /** Whole load: generating the key strings, addExact per row, finish(). */
  buildMs: number;
  /** finish() alone: building the hash table from the buffered rows. */
  finishMs: number;
  buildRowsPerSec: number;
  /** heapUsed + external + arrayBuffers growth after build, MB. */
  heapMB: number;
  rssMB: number;
  /** Process peak RSS so far (includes earlier cases and transient build buffers). */
  maxRssMB: number;
  bytesPerEntry: number;
  lookups: number;
  hitRate: number;
  p50ns: number;
  p99ns: number;
  meanNs: number;
}

/** What {@link run} returns (and writes as JSON). */
export interface BlacklistBenchResult {
  name: 'blacklist';
  node: string;
  date: string;
  gcExposed: boolean;
  cases: BlacklistBenchCase[];
}

const MB = 1024 * 1024;

/** A stateless 32-bit mix of (i, salt): key i can be regenerated at will. */
function mix(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const AREA3 = [755, 571, 512, 431, 351, 898, 991, 871, 591, 377];

/** Key of the i-th random number: 80 % mobiles, 20 % fixed lines, all +86. */
function numberKey(i: number): string {
  const a = mix(i, 0x51ed27);
  const b = mix(i, 0x2c1b3c6d);
  if (a % 5 !== 0) return `+861${3 + (a % 7)}${(b % 1e9).toString().padStart(9, '0')}`;
  const area = a % 3 === 0 ? '10' : a % 3 === 1 ? `2${a % 10}` : String(AREA3[a % AREA3.length]);
  const local = area.length === 2 ? (b % 1e8).toString().padStart(8, '0') : (b % 1e7).toString().padStart(7, '0');
  return `+86${area}${String(2 + (a % 8))}${local.slice(1)}`;
}

function getGc(): { gc: () => void; exposed: boolean } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return { gc: g, exposed: true };
  try {
    v8.setFlagsFromString('--expose-gc');
    return { gc: vm.runInNewContext('gc') as () => void, exposed: false };
  } catch {
    return { gc: () => undefined, exposed: false };
  }
}

function mem(gc: () => void): { heap: number; rss: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

/**
 * Half hits (inserted indices), half misses (indices beyond n), shuffled.
 * Keys are decoded from bytes, as a driver delivers them: flat strings with
 * no cached hash (template literals would give cons strings).
 */
function lookupKeys(n: number, count: number): string[] {
  const keys = new Array<string>(count);
  for (let j = 0; j < count; j++) {
    const r = mix(j, 0x7f4a7c15);
    keys[j] = Buffer.from(j % 2 === 0 ? numberKey(r % n) : numberKey(n + (r % 1e9)), 'latin1').toString('latin1');
  }
  return keys;
}

/** `count` prefixes of 7–9 national digits (each covers ≤ 10^4 numbers), mixed directions. */
function addPrefixes(b: ReturnType<typeof BlacklistMatcher.builder>, count: number): void {
  for (let j = 0; j < count; j++) {
    const k = numberKey(2e9 + j);
    b.addPrefix(k.slice(0, 10 + (j % 3)), j % 2 === 0 ? 'both' : 'outbound', `p${j}`);
  }
}

function timeLookups(
  keys: string[],
  batch: number,
  check: (k: string) => boolean,
): { p50ns: number; p99ns: number; meanNs: number; hitRate: number } {
  let hits = 0;
  for (let j = 0; j < Math.min(keys.length, 200_000); j++) if (check(keys[j]!)) hits++; // warm-up
  hits = 0;
  const per: number[] = [];
  let total = 0n;
  for (let s = 0; s + batch <= keys.length; s += batch) {
    const t0 = process.hrtime.bigint();
    for (let j = s; j < s + batch; j++) if (check(keys[j]!)) hits++;
    const dt = process.hrtime.bigint() - t0;
    total += dt;
    per.push(Number(dt) / batch);
  }
  per.sort((x, y) => x - y);
  const q = (p: number) => per[Math.min(per.length - 1, Math.floor(p * per.length))]!;
  const n = per.length * batch;
  return { p50ns: q(0.5), p99ns: q(0.99), meanNs: Number(total) / n, hitRate: hits / n };
}

function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

async function benchMatcher(n: number, o: Required<Omit<BlacklistBenchOptions, 'out' | 'log'>>, gc: () => void): Promise<BlacklistBenchCase> {
  const before = mem(gc);
  const t0 = performance.now();
  const b = BlacklistMatcher.builder();
  for (let i = 0; i < n; i++) b.addExact(numberKey(i), i % 4 === 0 ? 'inbound' : 'both');
  addPrefixes(b, o.prefixes);
  const t1 = performance.now();
  const m = b.finish();
  const buildMs = performance.now() - t0;
  const finishMs = performance.now() - t1;
  const after = mem(gc);
  await new Promise((r) => setImmediate(r));
  const keys = lookupKeys(n, o.lookups);
  const lat = timeLookups(keys, o.batch, (k) => m.check(k, 'inbound').blocked);
  const heap = after.heap - before.heap;
  return {
    impl: 'matcher', entries: n, prefixes: o.prefixes, buildMs: round(buildMs), finishMs: round(finishMs), buildRowsPerSec: Math.round(n / (buildMs / 1000)),
    heapMB: round(heap / MB), rssMB: round((after.rss - before.rss) / MB), maxRssMB: round(process.resourceUsage().maxRSS / 1024),
    bytesPerEntry: round(heap / n),
    lookups: o.lookups, hitRate: round(lat.hitRate, 3), p50ns: round(lat.p50ns), p99ns: round(lat.p99ns), meanNs: round(lat.meanNs),
  };
}

function benchSet(n: number, o: Required<Omit<BlacklistBenchOptions, 'out' | 'log'>>, gc: () => void): BlacklistBenchCase {
  const before = mem(gc);
  const t0 = performance.now();
  const set = new Set<string>();
  for (let i = 0; i < n; i++) set.add(numberKey(i));
  const buildMs = performance.now() - t0;
  const after = mem(gc);
  const keys = lookupKeys(n, o.lookups);
  const lat = timeLookups(keys, o.batch, (k) => set.has(k));
  const heap = after.heap - before.heap;
  return {
    impl: 'Set<string>', entries: n, prefixes: 0, buildMs: round(buildMs), finishMs: 0, buildRowsPerSec: Math.round(n / (buildMs / 1000)),
    heapMB: round(heap / MB), rssMB: round((after.rss - before.rss) / MB), maxRssMB: round(process.resourceUsage().maxRSS / 1024),
    bytesPerEntry: round(heap / n),
    lookups: o.lookups, hitRate: round(lat.hitRate, 3), p50ns: round(lat.p50ns), p99ns: round(lat.p99ns), meanNs: round(lat.meanNs),
  };
}

function table(cases: BlacklistBenchCase[]): string[] {
  const head = ['impl', 'entries', 'build ms', 'finish ms', 'rows/s', 'heap MB', 'RSS MB', 'peak RSS', 'B/entry', 'lookups', 'hits', 'p50 ns', 'p99 ns', 'mean ns'];
  const rows = cases.map((c) => [
    c.impl, c.entries.toLocaleString('en'), c.buildMs, c.finishMs, c.buildRowsPerSec.toLocaleString('en'), c.heapMB, c.rssMB, c.maxRssMB,
    c.bytesPerEntry, c.lookups.toLocaleString('en'), c.hitRate, c.p50ns, c.p99ns, c.meanNs,
  ].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)];
}

/** Runs the benchmark, prints a table, writes JSON, and returns the figures. */
export async function run(opts: BlacklistBenchOptions = {}): Promise<BlacklistBenchResult> {
  const o = {
    sizes: opts.sizes ?? [1e6, 1e7],
    baselineSize: opts.baselineSize ?? 1e6,
    prefixes: opts.prefixes ?? 1000,
    lookups: opts.lookups ?? 1e6,
    batch: opts.batch ?? 1000,
  };
  const log = opts.log ?? ((l: string) => console.log(l));
  const { gc, exposed } = getGc();
  const cases: BlacklistBenchCase[] = [];
  if (o.baselineSize > 0) cases.push(benchSet(o.baselineSize, o, gc));
  for (const n of o.sizes) cases.push(await benchMatcher(n, o, gc));
  const result: BlacklistBenchResult = { name: 'blacklist', node: process.version, date: new Date().toISOString(), gcExposed: exposed, cases };
  log(`blacklist: check(key, 'inbound') with ${o.prefixes} prefixes, ${o.batch}-lookup batches, ~50 % hits${exposed ? '' : ' (gc via v8 flag; run with --expose-gc)'}`);
  for (const l of table(cases)) log(l);
  const out = opts.out === undefined ? resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results/blacklist.json') : opts.out;
  if (out !== null) {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${out}`);
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  run(sizes.length ? { sizes } : {}).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
