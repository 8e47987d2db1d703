/**
 * The event log behind the bus (issue 14, docs/scale-out.md). The daemon runs
 * in this process on the embedded database (or KEFU_BENCH_DB_URL, e.g. a
 * PostgreSQL server) with the default events config.
 * 1. emit cost and throughput: a burst of events on a bare bus (no log: the
 *    cost before issue 14) and on the daemon's bus (every event written to
 *    event_log, one INSERT per tick), until every event reached a stream
 *    listener with its id;
 * 2. publish -> WebSocket latency at a steady rate, p50/p95/max, a console on
 *    /api/v1/events (the real socket, loopback).
 *
 *   npm run bench -- events
 *
 * Prints a table and writes bench/results/events.json. Figures only.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { EventBus, type LoggedEvent } from '../../src/core/events/bus.ts';
import { percentile, table } from './load.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EventsBenchOptions { burst?: number; rate?: number; steadyS?: number; out?: string | null }

/** Emits `n` events on `bus`; resolves with the emit loop's time and the time until the last reached a logged listener. */
async function burst(bus: EventBus, n: number, tag: string): Promise<{ emitMs: number; deliveredMs: number; ordered: boolean }> {
  let got = 0;
  let lastId = 0;
  let ordered = true;
  let done!: () => void;
  const all = new Promise<void>((r) => { done = r; });
  const off = bus.subscribeLogged((e: LoggedEvent) => {
    if ((e.data as { id?: string }).id?.startsWith(tag) !== true) return;
    if (e.id <= lastId) ordered = false;
    lastId = e.id;
    if (++got === n) done();
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bus.emit('sms.received', { id: `${tag}-${i}`, text: 'bench' });
  const emitMs = performance.now() - t0;
  await all;
  off();
  return { emitMs, deliveredMs: performance.now() - t0, ordered };
}

export async function run(opts: EventsBenchOptions = {}) {
  const n = opts.burst ?? 20_000;
  const rate = opts.rate ?? 200;
  const steadyS = opts.steadyS ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-events-'));
  const dbUrl = process.env.KEFU_BENCH_DB_URL ?? `pglite://${join(dir, 'db')}`;
  const config = loadConfig({ overrides: { http: { port: 0 }, database: { url: dbUrl }, dataDir: dir, log: { level: 'warn' } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  try {
    const bare = await burst(new EventBus(), n, 'bare');
    const logged = await burst(daemon.ctx.bus, n, 'logged');
    const log = daemon.ctx.eventLog!;

    // steady rate, publish -> WebSocket message
    const ws = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/api/v1/events?types=sms.received`, ['kefu', `kefu.bearer.${KEY}`]);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { data: { id: string } };
      const t = sentAt.get(m.data.id);
      if (t !== undefined) lat.push(performance.now() - t);
    });
    const total = rate * steadyS;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = `steady-${i}`;
      sentAt.set(id, performance.now());
      daemon.ctx.bus.emit('sms.received', { id, text: 'bench' });
    }
    const end = Date.now() + 30_000;
    while (lat.length < total && Date.now() < end) await sleep(10);
    ws.close();
    lat.sort((a, b) => a - b);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const result = {
      at: new Date().toISOString(), db: daemon.ctx.db.kind, cpus: cpus().length, loadavg: loadavg().map(r2),
      burst: {
        events: n,
        bare: { emitMs: r2(bare.emitMs), eventsPerS: Math.round(n / (bare.deliveredMs / 1000)), ordered: bare.ordered },
        logged: {
          emitMs: r2(logged.emitMs), emitPerS: Math.round(n / (logged.emitMs / 1000)), deliveredMs: r2(logged.deliveredMs),
          eventsPerS: Math.round(n / (logged.deliveredMs / 1000)), ordered: logged.ordered,
        },
        batches: log.stats.batches, written: log.stats.written,
      },
      steady: { rate, seconds: steadyS, sent: total, received: lat.length, p50Ms: r2(percentile(lat, 50)), p95Ms: r2(percentile(lat, 95)), maxMs: r2(lat[lat.length - 1] ?? NaN) },
    };
    console.log(table([
      { phase: `burst ${n}, bare bus (no log)`, 'emit ms': result.burst.bare.emitMs, 'events/s': result.burst.bare.eventsPerS, 'p50 ms': '–', 'p95 ms': '–', ordered: bare.ordered },
      { phase: `burst ${n}, event log (${result.db})`, 'emit ms': result.burst.logged.emitMs, 'events/s': result.burst.logged.eventsPerS, 'p50 ms': '–', 'p95 ms': '–', ordered: logged.ordered },
      { phase: `steady ${rate}/s → WebSocket`, 'emit ms': '–', 'events/s': rate, 'p50 ms': result.steady.p50Ms, 'p95 ms': result.steady.p95Ms, ordered: `${lat.length}/${total} received` },
    ]));
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/events.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
