/**
 * Which ready agents a waiting call is offered to, in order. Pure.
 * ring-all offers to every candidate at once; the others offer to the first
 * and move down the list when it is not answered.
 */
import type { Agent } from './agent.ts';

export type Strategy = 'ring-all' | 'longest-idle' | 'fewest-calls' | 'round-robin' | 'skills';

export interface Member { agentId: string; skills: Record<string, number> }
export interface PickOptions {
  /** round-robin: index of the member offered last time. */
  cursor?: number;
  /** skills: the skill the call needs and its minimum level (1-10). */
  skill?: { name: string; min: number };
  /** Agents already tried for this call. */
  exclude?: ReadonlySet<string>;
}

export function pickAgents(strategy: Strategy, members: readonly Member[], agents: ReadonlyMap<string, Agent>, opts: PickOptions = {}): string[] {
  const ready = members.filter((m) => agents.get(m.agentId)?.state === 'ready' && agents.get(m.agentId)?.seatId && !opts.exclude?.has(m.agentId));
  const idle = (m: Member) => agents.get(m.agentId)!.lastCallEndedAt;
  const byIdle = (x: Member, y: Member) => idle(x) - idle(y) || x.agentId.localeCompare(y.agentId);
  switch (strategy) {
    case 'ring-all': return ready.map((m) => m.agentId);
    case 'longest-idle': return [...ready].sort(byIdle).map((m) => m.agentId);
    case 'fewest-calls': return [...ready].sort((x, y) => agents.get(x.agentId)!.callsTaken - agents.get(y.agentId)!.callsTaken || byIdle(x, y)).map((m) => m.agentId);
    case 'round-robin': {
      const start = ((opts.cursor ?? -1) + 1) % Math.max(1, members.length);
      const rotated = [...members.slice(start), ...members.slice(0, start)];
      return rotated.filter((m) => ready.includes(m)).map((m) => m.agentId);
    }
    case 'skills': {
      const need = opts.skill;
      const level = (m: Member) => (need ? m.skills[need.name] ?? 0 : 0);
      const able = need ? ready.filter((m) => level(m) >= need.min) : ready;
      return [...able].sort((x, y) => level(y) - level(x) || byIdle(x, y)).map((m) => m.agentId);
    }
  }
}
