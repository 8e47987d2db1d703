/**
 * ACD routing decision time: pickAgents() for one waiting call with 100
 * agents in 10 queues (every strategy), agents in mixed states. Measured in
 * batches (one decision is below the timer's resolution). Baseline in the
 * same run: copying the member list, the least any decision must do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { newAgent, type Agent } from '../../src/core/acd/agent.ts';
import { pickAgents, type Member, type Strategy } from '../../src/core/acd/strategies.ts';
import { percentile, table } from './load.ts';

export async function run(opts: { agents?: number; queues?: number; decisions?: number; out?: string | null } = {}) {
  const nAgents = opts.agents ?? 100;
  const nQueues = opts.queues ?? 10;
  const decisions = opts.decisions ?? 200_000;
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const states: Agent['state'][] = ['ready', 'ready', 'ready', 'on-call', 'wrap-up', 'paused', 'ringing'];
  const agents = new Map<string, Agent>();
  const members: Member[] = [];
  for (let i = 0; i < nAgents; i++) {
    const id = `agent-${i}`;
    agents.set(id, { ...newAgent(id, 0), state: states[Math.floor(rnd() * states.length)]!, seatId: `seat-${i}`, lastCallEndedAt: Math.floor(rnd() * 1e6), callsTaken: Math.floor(rnd() * 50) });
    members.push({ agentId: id, skills: { mandarin: 1 + Math.floor(rnd() * 10), english: 1 + Math.floor(rnd() * 10) } });
  }
  const strategies: Strategy[] = ['ring-all', 'longest-idle', 'fewest-calls', 'round-robin', 'skills'];
  // every agent answers 3 of the 10 queues, so each queue has about 30 members
  const queues = Array.from({ length: nQueues }, (_, q) => ({
    strategy: strategies[q % strategies.length]!, members: members.filter((_, i) => (i + q) % nQueues < 3), skill: { name: 'mandarin', min: 5 },
  }));
  const measure = (fn: (i: number) => unknown) => {
    const batch = 1000;
    const per: number[] = [];
    for (let b = 0; b < decisions / batch; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) fn(b * batch + i);
      per.push(Number(process.hrtime.bigint() - t0) / batch / 1000);
    }
    per.sort((x, y) => x - y);
    return { p50Us: +percentile(per, 50).toFixed(3), p99Us: +percentile(per, 99).toFixed(3) };
  };
  let sink = 0;
  measure((i) => { sink += pickAgents(queues[i % nQueues]!.strategy, queues[i % nQueues]!.members, agents, { cursor: i % 30, skill: queues[i % nQueues]!.skill }).length; }); // warm-up
  const decision = measure((i) => { const q = queues[i % nQueues]!; sink += pickAgents(q.strategy, q.members, agents, { cursor: i % 30, skill: q.skill }).length; });
  const baseline = measure((i) => { sink += [...queues[i % nQueues]!.members].length; });
  const result = { bench: 'acd-routing', agents: nAgents, queues: nQueues, decisions, decision, baselineCopy: baseline, sink };
  console.log(table([
    { what: `route one call (${nAgents} agents, ${nQueues} queues, 5 strategies)`, 'p50 µs': decision.p50Us, 'p99 µs': decision.p99Us },
    { what: 'baseline: copy the member list', 'p50 µs': baseline.p50Us, 'p99 µs': baseline.p99Us },
  ]));
  if (opts.out !== null) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(opts.out ?? 'bench/results/acd.json', JSON.stringify(result, null, 2));
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
