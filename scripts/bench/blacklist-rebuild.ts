/**
 * BlacklistService rebuilds against a real database (PGlite, or the server
 * named by KEFU_TEST_DB=postgres and PG*): how long one background rebuild of
 * N stored numbers takes (scan + matcher), and how the debounce behaves when a
 * change lands while a rebuild runs that is slower than the debounce (the
 * scan is slowed by `slowScanMs` per chunk, standing for loaded cores).
 *
 *   node --import tsx scripts/bench/blacklist-rebuild.ts [entries]
 *
 * Prints a table and writes bench/results/blacklist-rebuild.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { freshDatabase } from '../../test/helpers/db.ts';
import { openDb } from '../../src/db/open.ts';
import { migrate } from '../../src/db/migrate.ts';
import { BlacklistRepo, type Direction } from '../../src/db/repos/blacklist.ts';
import { NumberService } from '../../src/services/numbers.ts';
import { BlacklistService } from '../../src/services/blacklist.ts';

export interface BlacklistRebuildOptions {
  /** Stored numbers. Default 10 000. */
  entries?: number;
  /** Timed rebuilds. Default 10. */
  rebuilds?: number;
  /** Debounce of the service under test (ms). Default 50, as in the integration tests. */
  debounceMs?: number;
  /** Extra time per scanned chunk in the churn case (ms). Default 150. */
  slowScanMs?: number;
  /** Give up waiting for the churn case to settle after this long (ms). Default 20 000. */
  settleLimitMs?: number;
  out?: string | null;
  log?: (line: string) => void;
}

export interface BlacklistRebuildResult {
  name: 'blacklist-rebuild';
  node: string;
  date: string;
  database: string;
  entries: number;
  rebuildMs: { p50: number; p90: number; max: number };
  churn: { debounceMs: number; slowScanMs: number; settled: boolean; settleMs: number; rebuilds: number; rebuildsInQuiet: number };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real repository with a slower scan. */
class SlowScanRepo extends BlacklistRepo {
  slowMs = 0;
  override async *scan(chunk?: number): AsyncGenerator<Array<{ kind: 'number' | 'prefix'; value: string; direction: Direction }>> {
    for await (const rows of super.scan(chunk)) {
      if (this.slowMs) await pause(this.slowMs);
      yield rows;
    }
  }
}

export async function run(opts: BlacklistRebuildOptions = {}): Promise<BlacklistRebuildResult> {
  const entries = opts.entries ?? 10_000;
  const debounceMs = opts.debounceMs ?? 50;
  const slowScanMs = opts.slowScanMs ?? 150;
  const settleLimitMs = opts.settleLimitMs ?? 20_000;
  const log = opts.log ?? ((l: string) => console.log(l));
  const fresh = await freshDatabase();
  const db = await openDb(fresh.url);
  try {
    await migrate(db);
    const repo = new SlowScanRepo(db);
    await repo.addMany(Array.from({ length: entries }, (_, i) => ({ kind: 'number' as const, value: `+86139${String(i).padStart(8, '0')}`, direction: 'both' as const })));
    const svc = new BlacklistService(repo, new NumberService('CN'), pino({ level: 'silent' }), { debounceMs });
    await svc.start();

    const times: number[] = [];
    for (let i = 0; i < (opts.rebuilds ?? 10); i++) {
      await svc.rebuildNow();
      times.push(svc.stats().lastRebuildMs ?? 0);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;

    // Churn: a change starts a rebuild after the debounce; a second change lands while it runs.
    repo.slowMs = slowScanMs;
    const before = svc.stats().rebuilds;
    const t0 = performance.now();
    await svc.add({ number: '13100131000', direction: 'both' });
    await pause(debounceMs + slowScanMs / 3);
    await svc.add({ number: '13100131001', direction: 'both' });
    let settled = false;
    while (performance.now() - t0 < settleLimitMs) {
      const st = svc.stats();
      if (st.rebuilds > before && st.pending === 0 && !st.rebuilding) { settled = true; break; }
      await pause(10);
    }
    const settleMs = Math.round(performance.now() - t0);
    const rebuilds = svc.stats().rebuilds - before;
    const quietFrom = svc.stats().rebuilds;
    await pause(2000);
    const rebuildsInQuiet = svc.stats().rebuilds - quietFrom;
    await svc.stop();

    const result: BlacklistRebuildResult = {
      name: 'blacklist-rebuild', node: process.version, date: new Date().toISOString(), database: fresh.url.split(':')[0]!, entries,
      rebuildMs: { p50: q(0.5), p90: q(0.9), max: times.at(-1)! },
      churn: { debounceMs, slowScanMs, settled, settleMs, rebuilds, rebuildsInQuiet },
    };
    log(`blacklist rebuild: ${entries.toLocaleString('en')} numbers on ${result.database}`);
    log(`  one rebuild (scan + matcher): p50 ${result.rebuildMs.p50} ms, p90 ${result.rebuildMs.p90} ms, max ${result.rebuildMs.max} ms`);
    log(`  a change during a rebuild (debounce ${debounceMs} ms, scan slowed ${slowScanMs} ms): ${settled ? `settled after ${settleMs} ms` : `NOT settled after ${settleMs} ms`}, ${rebuilds} rebuilds; ${rebuildsInQuiet} more in the next 2 s of quiet`);
    const out = opts.out === undefined ? resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results/blacklist-rebuild.json') : opts.out;
    if (out !== null) {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
      log(`wrote ${out}`);
    }
    return result;
  } finally {
    await db.close();
    await fresh.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const n = Number(process.argv[2]);
  run(n > 0 ? { entries: n } : {}).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
