/**
 * The multi-seat backend on the real Asterisk lab (scripts/asterisk-lab):
 * 1. floor: carrier Originate -> StasisStart seen by a bare ARI client;
 * 2. carrier Originate -> `call.answered` from the daemon (IVR answered), same run;
 * 3. `concurrent` simultaneous IVR calls: CPU of the daemon process against
 *    the pbx Asterisk's CPU over the same window;
 * 4. call rate ramp: 4 s steps of rising call rates (5 ... 250 calls/s) until
 *    calls fail or the set-up p50 doubles against the single-call p50, in a
 *    time budget (150 s); reports the highest sustained rate and why it stopped.
 * Needs root-built lab (sudo bash scripts/asterisk-lab build).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { AriClient } from '../../drivers/asterisk/ari-client.ts';
import { startLab, type Lab } from '../../test/helpers/asterisk-lab.ts';
import { freshDatabase } from '../../test/helpers/db.ts';
import { startDaemonProcess, TEST_KEY } from '../../test/helpers/daemon.ts';
import { percentile, table } from './load.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuTicks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const stats = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { n: s.length, p50Ms: +percentile(s, 50).toFixed(1), p99Ms: +percentile(s, 99).toFixed(1) }; };

async function floor(lab: Lab, n: number): Promise<number[]> {
  const e = lab.env;
  const ari = new AriClient({ url: e.KEFU_LAB_PBX_ARI_URL!, username: e.KEFU_LAB_PBX_ARI_USER!, password: e.KEFU_LAB_PBX_ARI_PASSWORD!, app: e.KEFU_LAB_PBX_ARI_APP! });
  const seen = new Map<string, number>();
  ari.on((ev) => { if (ev.type === 'StasisStart') { const c = (ev as { channel: { id: string; caller: { number: string } } }).channel; seen.set(c.caller.number, performance.now()); void ari.hangup(c.id).catch(() => undefined); } });
  await ari.connect();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const number = `1390000${String(i).padStart(4, '0')}`;
    const t0 = performance.now();
    await lab.call({ number, holdS: 1 });
    for (let t = 0; t < 500 && !seen.has(number); t++) await sleep(1);
    if (seen.has(number)) out.push(seen.get(number)! - t0);
  }
  await ari.close();
  return out;
}

export async function run(opts: { calls?: number; concurrent?: number; out?: string | null; rates?: number[]; rampBudgetS?: number } = {}) {
  const lab = await startLab();
  const db = await freshDatabase('pglite');
  const e = lab.env;
  try {
    const floorMs = await floor(lab, opts.calls ?? 50);
    const daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: {
        log: { level: 'warn' },
        recording: { enabled: false },
        lines: [{ id: 'trunk1', driver: 'asterisk', endpoint: `PJSIP/${e.KEFU_LAB_PBX_TRUNK}`, channels: 500, inbound: { flow: 'bench' } }],
        asterisk: {
          ami: { host: '127.0.0.1', port: Number(e.KEFU_LAB_PBX_AMI_PORT), username: e.KEFU_LAB_PBX_AMI_USER, secret: e.KEFU_LAB_PBX_AMI_SECRET },
          ari: { url: e.KEFU_LAB_PBX_ARI_URL, username: e.KEFU_LAB_PBX_ARI_USER, password: e.KEFU_LAB_PBX_ARI_PASSWORD, app: e.KEFU_LAB_PBX_ARI_APP },
        },
      },
    });
    try {
      await daemon.api('POST', '/ivr/flows', {
        id: 'bench', name: 'Bench', entry: 'menu',
        nodes: {
          // a long prompt, so audio flows both ways while CPU is measured (the caller plays a sound too)
          menu: { type: 'menu', prompt: { text: 'Thank you for calling. Our opening hours are nine to six, Monday to Friday, and nine to twelve on Saturday. Press one for sales, two for support, or stay on the line and an agent will be with you shortly. Thank you for your patience.', voice: 'en-us' }, options: { 1: 'bye' }, timeoutMs: 30000, retries: 2 },
          bye: { type: 'hangup' },
        },
      });
      const answered = new Map<string, number>();
      let ended = 0;
      const failedNumbers = new Set<string>();
      const ws = new WebSocket(`${daemon.url.replace('http', 'ws')}/api/v1/events`, ['kefu', `kefu.bearer.${TEST_KEY}`]);
      await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
      ws.on('message', (d: Buffer) => {
        const ev = JSON.parse(d.toString()) as { type: string; data: { number: string | null } };
        if (ev.type === 'call.answered' && ev.data.number) answered.set(ev.data.number, performance.now());
        if (ev.type === 'call.ended') {
          ended++;
          const d = ev.data as { number: string | null; disposition?: string };
          if (d.number && (d.disposition === 'failed' || d.disposition === 'busy')) failedNumbers.add(d.number);
        }
      });
      const setup: number[] = [];
      for (let i = 0; i < (opts.calls ?? 50); i++) {
        const number = `1380000${String(i).padStart(4, '0')}`;
        const t0 = performance.now();
        await lab.call({ number, holdS: 1 });
        for (let t = 0; t < 2000 && !answered.has(`+86${number}`); t++) await sleep(1);
        if (answered.has(`+86${number}`)) setup.push(answered.get(`+86${number}`)! - t0);
      }
      await sleep(3000);
      // concurrent calls: CPU of the daemon against the pbx Asterisk over the same window
      const concurrent = opts.concurrent ?? 100;
      const before = answered.size;
      for (let i = 0; i < concurrent; i++) await lab.call({ number: `1370000${String(i).padStart(4, '0')}`, preWaitS: 1, say: 'demo-congrats', holdS: 40 });
      for (let t = 0; t < 150 && answered.size - before < concurrent; t++) await sleep(100);
      const up = answered.size - before;
      const channelsUp = (lab.cli('pbx', 'core show channels count').match(/(\d+) active call/) ?? [])[1];
      const d0 = cpuTicks(daemon.child.pid!);
      const a0 = cpuTicks(Number(e.KEFU_LAB_PBX_PID));
      await sleep(10_000);
      const daemonTicks = cpuTicks(daemon.child.pid!) - d0;
      const asteriskTicks = cpuTicks(Number(e.KEFU_LAB_PBX_PID)) - a0;
      lab.cli('pbx', 'channel request hangup all');
      await sleep(3000);
      // call rate ramp: each step offers `rate` calls/s for STEP_S seconds (paced by the clock, not by AMI round trips),
      // until calls fail (not answered, or ended as failed/busy) or the set-up p50 doubles, within a time budget
      const ramp: Array<{ rate: number; offered: number; achievedPerS: number; answered: number; failed: number; p50Ms: number; p99Ms: number }> = [];
      const base = stats(setup).p50Ms;
      const STEP_S = 4;
      const budgetEnd = performance.now() + (opts.rampBudgetS ?? 150) * 1000;
      let stopReason = 'every step passed (raise the rates to find the limit)';
      for (const rate of opts.rates ?? [5, 10, 20, 40, 60, 80, 100, 130, 160, 200, 250]) {
        if (performance.now() + (STEP_S + 8) * 1000 > budgetEnd) { stopReason = `time budget (${opts.rampBudgetS ?? 150} s) spent`; break; }
        const start = new Map<string, number>();
        const endedBefore = new Set(failedNumbers);
        const t0 = performance.now();
        const pending: Array<Promise<void>> = [];
        for (let i = 0; i < rate * STEP_S; i++) {
          const due = t0 + (i * 1000) / rate;
          if (due > performance.now()) await sleep(due - performance.now());
          const number = `136${String(rate).padStart(3, '0')}${String(i).padStart(5, '0')}`;
          start.set(`+86${number}`, performance.now());
          pending.push(lab.call({ number, holdS: 1, preWaitS: 2 }).catch(() => undefined));
        }
        const achieved = start.size / ((performance.now() - t0) / 1000);
        await Promise.all(pending);
        await sleep(4000);
        const lat = [...start].filter(([n]) => answered.has(n)).map(([n, t]) => answered.get(n)! - t);
        const failed = [...start.keys()].filter((n) => failedNumbers.has(n) && !endedBefore.has(n)).length;
        const s = stats(lat);
        ramp.push({ rate, offered: start.size, achievedPerS: +achieved.toFixed(1), answered: lat.length, failed, p50Ms: s.p50Ms, p99Ms: s.p99Ms });
        lab.cli('pbx', 'channel request hangup all');
        await sleep(2000);
        if (lat.length < start.size || failed > 0) { stopReason = `calls failed at ${rate} calls/s`; break; }
        if (s.p50Ms > 2 * base) { stopReason = `set-up p50 ${s.p50Ms} ms is more than twice the single-call ${base} ms at ${rate} calls/s`; break; }
      }
      ws.close();
      const ok = (r: (typeof ramp)[number]) => r.answered === r.offered && r.failed === 0 && r.p50Ms <= 2 * base;
      // the highest rate of the unbroken run of passing steps from the bottom
      const sustained = ramp.slice(0, ramp.findIndex((r) => !ok(r)) === -1 ? ramp.length : ramp.findIndex((r) => !ok(r))).map((r) => r.rate).pop() ?? 0;
      const result = {
        bench: 'pbx', floor: stats(floorMs), originateToAnswered: stats(setup),
        concurrent: { offered: concurrent, up, asteriskActiveCalls: Number(channelsUp ?? 0), daemonCpuPct: +(daemonTicks / 10).toFixed(1), asteriskCpuPct: +(asteriskTicks / 10).toFixed(1), ratio: +(daemonTicks / Math.max(1, asteriskTicks)).toFixed(3) },
        ramp, sustainedCallsPerSecond: sustained, rampStoppedBy: stopReason, singleCallP50Ms: base, ended,
      };
      console.log(table([
        { what: 'floor: Originate -> StasisStart (bare ARI client)', n: result.floor.n, 'p50 ms': result.floor.p50Ms, 'p99 ms': result.floor.p99Ms },
        { what: 'Originate -> call.answered by the IVR (daemon)', n: result.originateToAnswered.n, 'p50 ms': result.originateToAnswered.p50Ms, 'p99 ms': result.originateToAnswered.p99Ms },
      ]));
      console.log(table([{ 'calls offered': concurrent, 'answered by the IVR': up, 'Asterisk active calls': Number(channelsUp ?? 0), 'daemon CPU % (of one core)': result.concurrent.daemonCpuPct, 'pbx Asterisk CPU %': result.concurrent.asteriskCpuPct, 'daemon / Asterisk': result.concurrent.ratio }]));
      console.log(table(ramp));
      console.log(`sustained call rate: ${sustained} calls/s (the highest step with every call answered, none failed, and set-up p50 within twice the single-call ${base} ms); ramp stopped: ${stopReason}`);
      if (opts.out !== null) {
        mkdirSync('bench/results', { recursive: true });
        writeFileSync(opts.out ?? 'bench/results/pbx.json', JSON.stringify(result, null, 2));
      }
      return result;
    } finally {
      await daemon.stop();
    }
  } finally {
    await lab.stop();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
