/**
 * The event log behind the bus (issue 14, docs/scale-out.md). The daemon runs
 * in this process on the embedded database (or KEFU_BENCH_DB_URL, e.g. a
 * PostgreSQL server) with the default events config.
 * 1. emit cost and throughput: a burst of events on a bare bus (no log: the
 *    cost before issue 14) and on the daemon's bus (every event written to
 *    event_log, one INSERT per tick), until every event reached a stream
 *    listener with its id;
 * 2. publish -> WebSocket latency at a steady rate, p50/p95/max, a console on
 *    /api/v1/events (the real socket, loopback);
 * 3. consoles that fall behind and catch up (KEFU_BENCH_BEHIND consoles,
 *    default 50, with http.events.maxBufferedBytes at 64 KiB): they stop
 *    reading while 2 KiB events flow at 100/s, then read again; how long each
 *    takes to get every event it missed (replayed from the log), whether it
 *    missed or repeated any, and a reading console's latency before and while
 *    they catch up.
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

export interface EventsBenchOptions { burst?: number; rate?: number; steadyS?: number; behind?: number; out?: string | null }

/** A console on the stream: the ids it got (in order), and each bench message's latency from emit. */
interface Reader { ws: WebSocket; ids: number[]; seen: Map<string, number>; pause(): void; resume(): void }

async function reader(url: string, sentAt: Map<string, number>): Promise<Reader> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events?types=sms.received`, ['kefu', `kefu.bearer.${KEY}`]);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const r: Reader = {
    ws, ids: [], seen: new Map(),
    // the client's socket stops (and starts) reading: the daemon's send buffer for it fills
    pause: () => { (ws as unknown as { _socket: { pause(): void } })._socket.pause(); },
    resume: () => { (ws as unknown as { _socket: { resume(): void } })._socket.resume(); },
  };
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { id?: number; data: { id: string } };
    if (m.id !== undefined) r.ids.push(m.id);
    const t = sentAt.get(m.data.id);
    if (t !== undefined) r.seen.set(m.data.id, performance.now() - t);
  });
  return r;
}

/** Emits `rate`/s for `seconds`, each event `bytes` of text, ids `${tag}-i`; returns the ids. */
async function steady(bus: EventBus, sentAt: Map<string, number>, tag: string, rate: number, seconds: number, bytes: number): Promise<string[]> {
  const text = 'x'.repeat(bytes);
  const ids: string[] = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `${tag}-${i}`;
    ids.push(id);
    sentAt.set(id, performance.now());
    bus.emit('sms.received', { id, text });
  }
  return ids;
}

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
  // a small send buffer per console, so the consoles of phase 3 fall behind after a few events (a reading console never has 64 KiB
  // unsent); phase 3's consoles all use the bench's one key
  const config = loadConfig({ overrides: { http: { port: 0, events: { maxBufferedBytes: 65_536, maxSocketsPerPrincipal: 1000 } }, database: { url: dbUrl }, dataDir: dir, log: { level: 'warn' } } });
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

    // consoles that fall behind and catch up, beside one that reads throughout
    const k = opts.behind ?? Number(process.env.KEFU_BENCH_BEHIND ?? 50);
    const sent3 = new Map<string, number>();
    const live = await reader(daemon.url, sent3);
    const before = await steady(daemon.ctx.bus, sent3, 'before', 100, 5, 2048);
    const behind = await Promise.all(Array.from({ length: k }, () => reader(daemon.url, sent3)));
    for (const b of behind) b.pause();
    const missed = await steady(daemon.ctx.bus, sent3, 'paused', 100, 8, 2048);
    const resumedAt = performance.now();
    for (const b of behind) b.resume();
    const caughtUp = new Array<number | null>(k).fill(null);
    const watch = setInterval(() => { behind.forEach((b, i) => { if (caughtUp[i] === null && missed.every((id) => b.seen.has(id))) caughtUp[i] = performance.now() - resumedAt; }); }, 5);
    const during = await steady(daemon.ctx.bus, sent3, 'during', 100, 8, 2048);
    const deadline = Date.now() + 60_000;
    while (caughtUp.some((c) => c === null) && Date.now() < deadline) await sleep(20);
    clearInterval(watch);
    // the last events of the run still on their way
    const got = (r: Reader) => [...missed, ...during].every((id) => r.seen.has(id));
    while (!(during.every((id) => live.seen.has(id)) && behind.every(got)) && Date.now() < deadline) await sleep(20);
    const lateOf = (ids: string[]) => ids.map((id) => live.seen.get(id)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    const [liveBefore, liveDuring] = [lateOf(before), lateOf(during)];
    const done = caughtUp.filter((c): c is number => c !== null).sort((a, b) => a - b);
    const inOrder = behind.filter((b) => b.ids.every((id, i) => i === 0 || id > b.ids[i - 1]!)).length;
    const complete = behind.filter(got).length;
    for (const r of [live, ...behind]) r.ws.close();
    const catchUp = {
      consoles: k, eventBytes: 2048, ratePerS: 100, pausedS: 8, missedEach: missed.length, caughtUp: done.length, complete, inOrder,
      catchUpMs: { p50: r2(percentile(done, 50)), p95: r2(percentile(done, 95)), max: r2(done.at(-1) ?? NaN) },
      liveBefore: { p50Ms: r2(percentile(liveBefore, 50)), p95Ms: r2(percentile(liveBefore, 95)) },
      liveDuring: { p50Ms: r2(percentile(liveDuring, 50)), p95Ms: r2(percentile(liveDuring, 95)), received: liveDuring.length, sent: during.length },
    };
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
      catchUp,
    };
    console.log(table([
      { phase: `burst ${n}, bare bus (no log)`, 'emit ms': result.burst.bare.emitMs, 'events/s': result.burst.bare.eventsPerS, 'p50 ms': '–', 'p95 ms': '–', ordered: bare.ordered },
      { phase: `burst ${n}, event log (${result.db})`, 'emit ms': result.burst.logged.emitMs, 'events/s': result.burst.logged.eventsPerS, 'p50 ms': '–', 'p95 ms': '–', ordered: logged.ordered },
      { phase: `steady ${rate}/s → WebSocket`, 'emit ms': '–', 'events/s': rate, 'p50 ms': result.steady.p50Ms, 'p95 ms': result.steady.p95Ms, ordered: `${lat.length}/${total} received` },
      { phase: 'a reading console, before others fall behind (2 KiB, 100/s)', 'emit ms': '–', 'events/s': 100, 'p50 ms': catchUp.liveBefore.p50Ms, 'p95 ms': catchUp.liveBefore.p95Ms, ordered: '–' },
      { phase: `the same console while ${k} catch up`, 'emit ms': '–', 'events/s': 100, 'p50 ms': catchUp.liveDuring.p50Ms, 'p95 ms': catchUp.liveDuring.p95Ms, ordered: `${catchUp.liveDuring.received}/${catchUp.liveDuring.sent} received` },
      { phase: `${k} consoles catch up ${missed.length} missed events (time to the last)`, 'emit ms': '–', 'events/s': '–', 'p50 ms': catchUp.catchUpMs.p50, 'p95 ms': catchUp.catchUpMs.p95, ordered: `${complete}/${k} complete, ${inOrder}/${k} in order` },
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
