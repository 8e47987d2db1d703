/**
 * An agent's state as a pure machine: transition(agent, event, now) returns
 * the next agent or an error value. Time is passed in (ms), never read here.
 *
 * logged-out -login-> paused(login) -ready-> ready -offer-> ringing -answer-> on-call
 * -hangup-> wrap-up (until now + the call's wrapUpS) -wrapUpDone-> ready. ringing -noAnswer-> ready, or paused
 * ("missed-calls") after `maxMissed` misses in a row. ringing -cancel-> ready
 * when kefu stops the ring itself (another agent answered, the caller left):
 * not a miss. Only a ring that times out or that the phone refuses is one.
 */
export type AgentStateName = 'logged-out' | 'ready' | 'ringing' | 'on-call' | 'wrap-up' | 'paused';

export interface Agent {
  id: string;
  state: AgentStateName;
  seatId: string | null;
  reason: string | null;
  callId: string | null;
  /** When the agent last finished a call (longest-idle); 0 = never. */
  lastCallEndedAt: number;
  callsTaken: number;
  missedInARow: number;
  since: number;
  /** In wrap-up: when it ends (ms), as set at the call's end (the queue's wrapUpS); null otherwise. */
  wrapUpUntil: number | null;
}

export type AgentEvent =
  | { type: 'login'; seatId: string | null }
  | { type: 'logout' }
  | { type: 'ready' }
  | { type: 'pause'; reason: string }
  | { type: 'offer'; callId: string }
  | { type: 'answer' }
  | { type: 'noAnswer'; maxMissed: number }
  | { type: 'cancel' }
  | { type: 'hangup'; wrapUpS: number }
  | { type: 'wrapUpDone' };

export type AgentResult = { ok: true; agent: Agent } | { ok: false; error: string };

export const newAgent = (id: string, now: number): Agent => ({
  id, state: 'logged-out', seatId: null, reason: null, callId: null, lastCallEndedAt: 0, callsTaken: 0, missedInARow: 0, since: now, wrapUpUntil: null,
});

export function agentTransition(a: Agent, e: AgentEvent, now: number): AgentResult {
  const to = (patch: Partial<Agent>): AgentResult => {
    const state = patch.state ?? a.state;
    return { ok: true, agent: { ...a, ...patch, since: state !== a.state ? now : a.since, wrapUpUntil: state === 'wrap-up' ? patch.wrapUpUntil ?? a.wrapUpUntil : null } };
  };
  const refuse = (): AgentResult => ({ ok: false, error: `agent ${a.id} cannot ${e.type} while ${a.state}` });
  switch (e.type) {
    case 'login': return a.state === 'logged-out' ? to({ state: 'paused', reason: 'login', seatId: e.seatId }) : refuse();
    case 'logout': return a.state === 'ringing' || a.state === 'on-call' ? refuse() : to({ state: 'logged-out', seatId: null, reason: null, callId: null });
    case 'ready': return a.state === 'paused' || a.state === 'wrap-up' || a.state === 'ready' ? to({ state: 'ready', reason: null }) : refuse();
    case 'pause': return a.state === 'ready' || a.state === 'wrap-up' || a.state === 'paused' ? to({ state: 'paused', reason: e.reason }) : refuse();
    case 'offer': return a.state === 'ready' ? to({ state: 'ringing', callId: e.callId }) : refuse();
    case 'answer': return a.state === 'ringing' ? to({ state: 'on-call', missedInARow: 0 }) : refuse();
    case 'noAnswer': {
      if (a.state !== 'ringing') return refuse();
      const missed = a.missedInARow + 1;
      return missed >= e.maxMissed
        ? to({ state: 'paused', reason: 'missed-calls', callId: null, missedInARow: missed })
        : to({ state: 'ready', callId: null, missedInARow: missed });
    }
    case 'cancel': return a.state === 'ringing' ? to({ state: 'ready', callId: null }) : refuse();
    case 'hangup': return a.state === 'on-call' ? to({ state: 'wrap-up', callId: null, lastCallEndedAt: now, callsTaken: a.callsTaken + 1, wrapUpUntil: now + e.wrapUpS * 1000 }) : refuse();
    case 'wrapUpDone': return a.state === 'wrap-up' ? to({ state: 'ready' }) : refuse();
  }
}
