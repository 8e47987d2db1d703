/**
 * Screen pop: caller-ID bytes written to the pty by the modem simulator ->
 * `call.ringing` received by a WebSocket client, with 100k customers in the
 * database. The daemon runs in this process with a real V.253 driver on a
 * socat pty. Goal: p99 <= 20 ms.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/load.ts';
import { startDaemon } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { percentile, table } from './load.ts';
import { seedCustomers } from './seed.ts';

const KEY = 'bench-admin-key-0123456789abcdef';

export async function run(opts: { customers?: number; calls?: number; out?: string | null } = {}) {
  const n = opts.customers ?? 100_000;
  const calls = opts.calls ?? 100;

  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-pop-'));
  const sim = await startSimulatedModem({ dialect: 'conexant' });
  const config = loadConfig({
    overrides: {
      http: { port: 0 }, database: { url: `pglite://${join(dir, 'db')}` }, dataDir: dir, log: { level: 'warn' },
      lines: [{ id: 'bench', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: 'main', answerAfterRings: 20, ringGapMs: 300 } }],
    },
  });
  const daemon = await startDaemon({ config, logger: createLogger('warn'), bootstrapKey: KEY });
  try {
    await seedCustomers(daemon.ctx.db, n);
    const ws = new WebSocket(`${daemon.url.replace('http', 'ws')}/api/v1/events`, ['kefu', `kefu.bearer.${KEY}`]);
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const ringing = new Map<string, number>();
    let ended = 0;
    ws.on('message', (d: Buffer) => {
      const at = Date.now();
      const e = JSON.parse(d.toString()) as { type: string; data: { number: string | null; customer: unknown } };
      if (e.type === 'call.ringing' && e.data.number && e.data.customer) ringing.set(e.data.number, at);
      if (e.type === 'call.ended') ended++;
    });
    for (let i = 0; i < 100 && daemon.ctx.telephony.line('bench').state !== 'idle'; i++) await new Promise((r) => setTimeout(r, 100));
    const measure = async (withName: boolean, count: number): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = 0; i < count; i++) {
        const k = 1 + Math.floor(Math.random() * n);
        const national = `139${String(k).padStart(8, '0')}`;
        const since = Date.now();
        const endedBefore = ended;
        await sim.simulator.ring({ number: national, ...(withName ? { name: 'CUSTOMER' } : {}), rings: 1, intervalMs: 100 });
        const rec = await sim.simulator.waitFor('callerid', { since, timeoutMs: 5000 });
        for (let t = 0; t < 500 && !ringing.has(`+86${national}`); t++) await new Promise((r) => setTimeout(r, 2));
        const at = ringing.get(`+86${national}`);
        if (at === undefined) throw new Error(`no call.ringing with the customer for ${national}`);
        ringing.delete(`+86${national}`);
        lat.push(at - rec.at);
        for (let t = 0; t < 500 && ended === endedBefore; t++) await new Promise((r) => setTimeout(r, 10)); // rings stop -> missed
      }
      return lat.sort((a, b) => a - b);
    };
    await measure(true, 5); // warm-up
    const named = await measure(true, calls);
    const bare = await measure(false, calls);
    ws.close();
    const stats = (lat: number[]) => ({ p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), maxMs: lat[lat.length - 1]!, meanMs: +(lat.reduce((x, y) => x + y, 0) / lat.length).toFixed(2) });
    const result = {
      bench: 'screenpop', customers: n, calls,
      withName: stats(named), numberOnly: stats(bare),
      note: 'caller-ID bytes written to the pty -> call.ringing (with the customer) on a WebSocket client; ms clock. A block with NAME is complete at once; a number-only block waits the driver quiet time (15 ms at 115200 baud) for more lines.',
    };
    console.log(table([
      { 'caller ID': 'DATE/TIME/NMBR/NAME', customers: n, calls, 'p50 ms': result.withName.p50Ms, 'p99 ms': result.withName.p99Ms, 'max ms': result.withName.maxMs },
      { 'caller ID': 'DATE/TIME/NMBR (no name)', customers: n, calls, 'p50 ms': result.numberOnly.p50Ms, 'p99 ms': result.numberOnly.p99Ms, 'max ms': result.numberOnly.maxMs },
    ]));
    if (opts.out !== null) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(opts.out ?? 'bench/results/screenpop.json', JSON.stringify(result, null, 2));
    }
    return result;
  } finally {
    await daemon.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
