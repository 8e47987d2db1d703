/**
 * Soak: inbound calls on the Asterisk lab at `concurrent` (default 50) at
 * once, each new call placed as one ends, plus back-to-back modem calls on
 * the demo line (a simulated voice modem on a pty), for KEFU_SOAK_S seconds
 * (default 1800). Every `sampleS` it records the daemon's RSS and event-loop
 * delay; at the end, once every call has ended, it compares calls placed with
 * call records closed (they must be equal) and prints a table + JSON
 * (bench/results/soak.json).
 *
 *   npm run bench -- soak                      30 minutes
 *   KEFU_SOAK_S=60 npm run bench -- soak       a minute
 *   KEFU_SOAK_PBX=off ...                      the demo line only (no lab)
 *
 * The daemon runs in this process (its event loop is the one measured); the
 * lab needs `sudo bash scripts/asterisk-lab build` once. PostgreSQL when the
 * PG* environment names a server, else PGlite.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import { labDaemonConfig, startLab, type Lab } from '../../test/helpers/asterisk-lab.ts';
import { table } from './load.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const LAB_READY = '/var/cache/kefu/asterisk-root/.kefu-lab-ready';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => +(bytes / 1024 / 1024).toFixed(1);

interface Sample { atS: number; rssMb: number; heapMb: number; loopP99Ms: number; pbxActive: number; demoActive: number }

/** Keeps `target` calls up: a new one is placed each time one ends, until stopped. */
class Keeper {
  placed = 0;
  ended = 0;
  failedToPlace = 0;
  private readonly live = new Set<string>();
  private stopped = false;
  private filling = false;
  /** `gapMs`: pause before each new call (a modem line needs a moment after a hang-up). */
  constructor(private readonly name: string, private readonly target: number, private readonly place: (n: number) => Promise<string>, private readonly gapMs = 0) {}

  get active(): number { return this.live.size; }

  /** Fill up to the target (one call at a time, so a failure is seen at once). */
  async fill(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try { await this.fillNow(); } finally { this.filling = false; }
  }

  private async fillNow(): Promise<void> {
    while (!this.stopped && this.live.size < this.target) {
      if (this.gapMs) await sleep(this.gapMs);
      if (this.stopped) return;
      const n = this.placed + this.failedToPlace;
      try {
        const key = await this.place(n);
        this.live.add(key);
        this.placed++;
      } catch (err) {
        this.failedToPlace++;
        console.warn(`${this.name}: placing call ${n} failed: ${(err as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /** A call of ours ended (by the number it was placed with). */
  ended_(key: string): boolean {
    if (!this.live.delete(key)) return false;
    this.ended++;
    if (!this.stopped) void this.fill();
    return true;
  }

  stop(): void { this.stopped = true; }
}

/** Least-squares slope of (seconds, MB) points, in MB per minute. */
function slopePerMin(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx ? +((sxy / sxx) * 60).toFixed(2) : 0;
}

async function closedCallRecords(daemon: Daemon): Promise<{ total: number; closed: number; open: number }> {
  const r = await daemon.ctx.db.query<{ total: number; closed: number }>('SELECT count(*)::int AS total, count(ended_at)::int AS closed FROM calls');
  const { total, closed } = r.rows[0]!;
  return { total, closed, open: total - closed };
}

export async function run(opts: { seconds?: number; concurrent?: number; sampleS?: number; out?: string | null } = {}) {
  const seconds = opts.seconds ?? Number(process.env.KEFU_SOAK_S ?? 1800);
  const concurrent = opts.concurrent ?? Number(process.env.KEFU_SOAK_CONCURRENT ?? 50);
  const withPbx = process.env.KEFU_SOAK_PBX !== 'off';
  if (withPbx && !existsSync(LAB_READY)) throw new Error(`the Asterisk lab is not built (${LAB_READY} missing): sudo bash scripts/asterisk-lab build, or KEFU_SOAK_PBX=off for the demo line alone`);
  const dir = mkdtempSync(join(tmpdir(), 'kefu-soak-'));
  const server = process.env.PGHOST && process.env.PGUSER ? await freshDatabase('postgres') : null;
  const url = server?.url ?? `pglite://${join(dir, 'db')}`;
  const lab: Lab | null = withPbx ? await startLab() : null;
  const config = loadConfig({ overrides: {
    http: { host: '127.0.0.1', port: 0 }, database: { url }, dataDir: dir, log: { level: 'warn' }, demo: true,
    ...(lab ? labDaemonConfig(lab, { channels: concurrent * 2, flow: 'soak' }) : {}),
  } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY, announcePassword: () => undefined });
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${daemon.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const samples: Sample[] = [];
  try {
    if (lab) {
      await api('POST', '/ivr/flows', {
        id: 'soak', name: 'Soak', entry: 'menu',
        nodes: {
          menu: { type: 'menu', prompt: { text: 'Thank you for calling. Press one for sales or two for support.', voice: 'en-us' }, options: { 1: 'bye', 2: 'bye' }, timeoutMs: 20000, retries: 1 },
          bye: { type: 'hangup', prompt: { text: 'Goodbye.', voice: 'en-us' } },
        },
      });
    }
    // Calls are told apart by the caller's number: unique per call placed.
    const pbx = new Keeper('pbx', lab ? concurrent : 0, async (n) => {
      const number = `137${String(n).padStart(8, '0')}`;
      await lab!.call({ number, preWaitS: 1, dtmf: n % 3 === 0 ? '' : String(1 + (n % 2)), holdS: 5 + (n % 11) });
      return `+86${number}`;
    });
    const demo = new Keeper('demo', 1, async (n) => {
      const number = `138${String(n).padStart(8, '0')}`;
      await api('POST', '/lines/demo/simulate/call', { number, digits: n % 2 ? '1' : '', hangupAfterMs: 6000 + (n % 5) * 1000 });
      return `+86${number}`;
    }, 2000);
    const off = daemon.ctx.bus.subscribe((e) => {
      if (e.type !== 'call.ended') return;
      const d = e.data as { number: string | null; lineId: string };
      if (!d.number) return;
      if (d.lineId === 'demo') demo.ended_(d.number); else pbx.ended_(d.number);
    });
    loop.enable();
    const t0 = performance.now();
    const rss0 = process.memoryUsage().rss;
    void pbx.fill();
    void demo.fill();
    const sampleS = opts.sampleS ?? Math.max(5, Math.min(60, Math.round(seconds / 60)));
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(Math.min(sampleS * 1000, seconds * 1000 - (performance.now() - t0)));
      const m = process.memoryUsage();
      samples.push({ atS: Math.round((performance.now() - t0) / 1000), rssMb: mb(m.rss), heapMb: mb(m.heapUsed), loopP99Ms: +(loop.percentile(99) / 1e6).toFixed(1), pbxActive: pbx.active, demoActive: demo.active });
      loop.reset();
    }
    pbx.stop();
    demo.stop();
    // Let every call end (the carrier hangs up after its hold, the demo caller after hangupAfterMs), then count records.
    for (let i = 0; i < 600 && pbx.active + demo.active > 0; i++) await sleep(100);
    for (let i = 0; i < 100 && (await closedCallRecords(daemon)).open > 0; i++) await sleep(100);
    off();
    loop.disable();
    const records = await closedCallRecords(daemon);
    const placed = pbx.placed + demo.placed;
    // Growth after a warm-up (the first tenth, at least 15 s: caches, the first prompts, the database's first pages).
    const warm = samples.filter((x) => x.atS >= Math.max(15, seconds / 10));
    const steady = warm.length >= 2 ? warm : samples;
    const first = steady[0]!;
    const last = steady.at(-1)!;
    const slope = slopePerMin(steady.map((x) => [x.atS, x.rssMb]));
    const result = {
      bench: 'soak', loadAverage: loadavg(), backend: server ? 'PostgreSQL' : 'PGlite', seconds, concurrent: lab ? concurrent : 0, pbx: !!lab,
      placed: { pbx: pbx.placed, demo: demo.placed, total: placed, failedToPlace: pbx.failedToPlace + demo.failedToPlace },
      endedEvents: pbx.ended + demo.ended, stillActive: pbx.active + demo.active,
      callRecords: records, equal: placed === records.closed && records.open === 0,
      rss: { startMb: mb(rss0), afterWarmUpMb: first.rssMb, afterWarmUpAtS: first.atS, endMb: last.rssMb, growthMb: +(last.rssMb - first.rssMb).toFixed(1), growthMbPerMin: slope, maxMb: Math.max(...samples.map((s) => s.rssMb)) },
      loopDelayP99Ms: { max: Math.max(...samples.map((s) => s.loopP99Ms)), median: [...samples.map((s) => s.loopP99Ms)].sort((a, b) => a - b)[Math.floor(samples.length / 2)] },
      samples,
    };
    console.log(table(samples.filter((_, i) => i % Math.ceil(samples.length / 20) === 0 || i === samples.length - 1) as unknown as Array<Record<string, unknown>>));
    console.log(table([{
      backend: result.backend, seconds, 'pbx calls placed': pbx.placed, 'demo calls placed': demo.placed, 'call records closed': records.closed, 'records open': records.open,
      'placed = closed': result.equal ? 'yes' : 'NO', [`RSS growth after ${first.atS} s, MB`]: result.rss.growthMb, 'RSS MB/min': slope, 'RSS max MB': result.rss.maxMb, 'loop delay p99 ms (worst sample)': result.loopDelayP99Ms.max,
    }]));
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/soak.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    await daemon.stop();
    await lab?.stop();
    await server?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
