/**
 * Predictive dialer pacing, simulated (dialer-sim.ts): 100 seeded runs of an
 * 8-hour shift, 20 agents on 40 lines, 25 % of calls answered by a person,
 * log-normal talk time with a 120 s mean, no wrap-up, ring to answer 5–25 s,
 * abandoned when no agent is free within 2 s; predictive and progressive,
 * and the same for a small team (5 agents, 10 lines). Writes
 * bench/results/dialer.json: talk minutes per agent-hour and abandonment
 * (mean and worst run, fractions of live answers). Runs: KEFU_DIALER_RUNS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { simulate, type SimParams, type SimResult } from './dialer-sim.ts';
import { table } from './load.ts';

export interface Figures {
  talkMinPerAgentHour: number;
  abandonMean: number;
  abandonWorst: number;
  /** Lowest talk minutes per agent-hour of any run. */
  talkMinWorst: number;
  /** Highest abandonment rate at any moment of any run once 100 people had answered. */
  abandonPeakInShift: number;
  agents: number;
  lines: number;
  runs: number;
}

function series(runs: number, p: Omit<SimParams, 'seed'>): Figures {
  const rs: SimResult[] = [];
  for (let i = 0; i < runs; i++) rs.push(simulate({ ...p, seed: 1 + i }));
  const mean = (f: (r: SimResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  return {
    talkMinPerAgentHour: +mean((r) => r.talkMinPerAgentHour).toFixed(2),
    abandonMean: +mean((r) => r.abandonRate).toFixed(4),
    abandonWorst: +Math.max(...rs.map((r) => r.abandonRate)).toFixed(4),
    talkMinWorst: +Math.min(...rs.map((r) => r.talkMinPerAgentHour)).toFixed(2),
    abandonPeakInShift: +Math.max(...rs.map((r) => r.peakRate)).toFixed(4),
    agents: p.agents, lines: p.lines, runs,
  };
}

export async function run(opts: { runs?: number; out?: string | null } = {}) {
  const runs = opts.runs ?? Number(process.env.KEFU_DIALER_RUNS ?? 100);
  const t0 = performance.now();
  const predictive = series(runs, { agents: 20, lines: 40, mode: 'predictive' });
  const progressive = series(runs, { agents: 20, lines: 40, mode: 'progressive' });
  const small = series(runs, { agents: 5, lines: 10, mode: 'predictive' });
  const smallProgressive = series(runs, { agents: 5, lines: 10, mode: 'progressive' });
  const seconds = +((performance.now() - t0) / 1000).toFixed(1);
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const row = (what: string, f: Figures) => ({
    what, 'talk min/agent-h': f.talkMinPerAgentHour, 'worst run talk': f.talkMinWorst,
    'abandon mean': pct(f.abandonMean), 'abandon worst run': pct(f.abandonWorst), 'peak in shift (≥100 answers)': pct(f.abandonPeakInShift),
  });
  console.log(table([
    row('predictive, 20 agents / 40 lines', predictive),
    row('progressive, 20 agents / 40 lines', progressive),
    row('predictive, 5 agents / 10 lines', small),
    row('progressive, 5 agents / 10 lines', smallProgressive),
  ]));
  console.log(`${runs} runs of an 8 h shift each, ${seconds} s`);
  const result = {
    bench: 'dialer-pacing', runs, seconds,
    model: { shiftH: 8, pLive: 0.25, pMachine: 0.15, pBusy: 0.15, pNoAnswer: 0.45, talkMeanS: 120, talkSigmaLn: 0.7, ringToAnswerS: [5, 25], ringTimeoutS: 25, amdS: 3, connectWithinS: 2, wrapUpS: 0 },
    predictive, progressive, small, smallProgressive,
  };
  if (opts.out !== null) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(opts.out ?? 'bench/results/dialer.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
