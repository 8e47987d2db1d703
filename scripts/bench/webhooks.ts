/**
 * Webhooks: events published on the daemon's bus -> signed POSTs taken by a
 * receiver on 127.0.0.1 (node http). The daemon runs in this process on the
 * embedded database (or KEFU_BENCH_DB_URL) with the default webhooks config.
 * 1. throughput: a burst of events (calls of 4 events each, and unordered
 *    ones) until the receiver has taken them all;
 * 2. delay from publish to receipt at a steady rate, p50/p99;
 * 3. a receiver outage: down (connections refused) while events keep coming,
 *    then up; loss (must be 0), order violations per call, and how long the
 *    backlog took to drain.
 *
 *   npm run bench -- webhooks
 *
 * Prints a table and writes bench/results/webhooks.json. Figures only.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { percentile, table } from './load.ts';
import { startReceiver, type Receiver } from '../../test/helpers/receiver.ts';
import { CALL_STEPS, orderProblems, parsed, publishCall } from '../../test/helpers/webhook-events.ts';

const KEY = 'bench-admin-key-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WebhookBenchOptions { burst?: number; rates?: number[]; steadyS?: number; outageS?: number; out?: string | null }

/** Publishes `calls` calls (4 events each, interleaved) and `other` unordered events; returns the events published. */
function publishMix(d: Daemon, calls: number, other: number): number {
  const ids = Array.from({ length: calls }, () => randomUUID());
  for (const step of [0, 1, 2, 3] as const) for (const c of ids) publishCall(d.ctx.bus, c, step);
  for (let i = 0; i < other; i++) d.ctx.bus.emit('sms.received', { id: `bench-${randomUUID()}`, text: 'bench' });
  return calls * 4 + other;
}

const taken = (rx: Receiver) => new Set(rx.taken().map((r) => String(r.headers['kefu-delivery-id']))).size;

async function waitTaken(rx: Receiver, n: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (taken(rx) < n) {
    if (Date.now() > end) throw new Error(`only ${taken(rx)} of ${n} deliveries taken in ${timeoutMs} ms`);
    await sleep(5);
  }
}

export async function run(opts: WebhookBenchOptions = {}) {
  const burst = opts.burst ?? 2000;
  const rates = opts.rates ?? [50, 150];
  const steadyS = opts.steadyS ?? 10;
  const outageS = opts.outageS ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-webhooks-'));
  const dbUrl = process.env.KEFU_BENCH_DB_URL ?? `pglite://${join(dir, 'db')}`;
  const config = loadConfig({ overrides: { http: { port: 0 }, database: { url: dbUrl }, dataDir: dir, log: { level: 'warn' } } });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  const rx = await startReceiver();
  const subscribe = async () => {
    const r = await daemon.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${KEY}` }, payload: { url: rx.url, events: ['call.*', 'sms.*'] } });
    if (r.statusCode !== 201) throw new Error(r.body);
    return (r.json() as { item: { id: string } }).item.id;
  };
  try {
    const hookId = await subscribe();
    // warm-up
    await waitTaken(rx, publishMix(daemon, 25, 0), 60_000);

    // 1. burst throughput
    rx.received.length = 0;
    const calls = Math.floor((burst * 0.8) / 4);
    const t0 = performance.now();
    const n = publishMix(daemon, calls, burst - calls * 4);
    await waitTaken(rx, n, 600_000);
    const burstMs = performance.now() - t0;
    const burstOrder = orderProblems(rx.received).length;

    // 2. steady rates: one call (4 events) every 4000/rate ms; delay from publish (the event's `at`) to receipt
    const steady = [];
    for (const rate of rates) {
      rx.received.length = 0;
      const tick = 4000 / rate;
      let steadyN = 0;
      const s0 = Date.now();
      for (let k = 0; Date.now() - s0 < steadyS * 1000; k++) {
        steadyN += publishMix(daemon, 1, 0);
        await sleep(Math.max(0, s0 + (k + 1) * tick - Date.now()));
      }
      const seconds = (Date.now() - s0) / 1000;
      await waitTaken(rx, steadyN, 120_000);
      const delays = rx.taken().map((r) => r.at - Date.parse(parsed(r).at)).sort((a, b) => a - b);
      steady.push({
        ratePerS: Math.round(steadyN / seconds), seconds: Math.round(seconds), events: steadyN, orderViolations: orderProblems(rx.received).length,
        p50DelayMs: Math.round(percentile(delays, 50)), p99DelayMs: Math.round(percentile(delays, 99)), maxDelayMs: Math.round(delays[delays.length - 1]!),
      });
    }

    // 3. outage: receiver down while events keep coming, then up
    rx.received.length = 0;
    await rx.down();
    let outageN = 0;
    const o0 = Date.now();
    while (Date.now() - o0 < outageS * 1000) {
      outageN += publishMix(daemon, 5, 5);
      await sleep(1000);
    }
    const retriesBefore = ((await daemon.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hookId}`, headers: { authorization: `Bearer ${KEY}` } })).json() as { pending: number }).pending;
    const up = performance.now();
    await rx.up();
    await waitTaken(rx, outageN, 600_000);
    const drainMs = performance.now() - up;
    const outageTaken = taken(rx);
    const outageOrder = orderProblems(rx.received).length;
    const dupes = rx.taken().length - outageTaken;

    const result = {
      bench: 'webhooks', cpus: cpus().length, loadAvg1m: +loadavg()[0]!.toFixed(1), db: dbUrl.startsWith('pglite') ? 'pglite' : 'postgres',
      config: { concurrency: config.webhooks.concurrency, perWebhook: config.webhooks.perWebhook, retry: config.webhooks.retry },
      burst: { events: n, ms: Math.round(burstMs), eventsPerS: Math.round((n / burstMs) * 1000), orderViolations: burstOrder },
      steady,
      outage: {
        seconds: outageS, published: outageN, pendingAtRecovery: retriesBefore, delivered: outageTaken, lost: outageN - outageTaken,
        duplicates: dupes, orderViolations: outageOrder, drainMs: Math.round(drainMs),
      },
      note: `receiver: node http on 127.0.0.1 answering 200 at once; events: calls of ${CALL_STEPS.length} events (kept in order per call) and unordered sms.received; delay: receipt time minus the event's "at" (ms clock)`,
    };
    console.log(table([
      { phase: 'burst', events: n, 'events/s': result.burst.eventsPerS, 'p50 ms': '–', 'p99 ms': '–', lost: 0, 'order violations': burstOrder },
      ...steady.map((x) => ({ phase: `steady ${x.ratePerS}/s`, events: x.events, 'events/s': x.ratePerS, 'p50 ms': x.p50DelayMs, 'p99 ms': x.p99DelayMs, lost: 0, 'order violations': x.orderViolations })),
      { phase: `outage ${outageS} s`, events: outageN, 'events/s': '–', 'p50 ms': '–', 'p99 ms': `drain ${result.outage.drainMs}`, lost: result.outage.lost, 'order violations': outageOrder },
    ]));
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/webhooks.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    await daemon.stop();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
