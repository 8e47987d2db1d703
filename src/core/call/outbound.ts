/**
 * An outbound call as a typed state machine (pure, no I/O): click-to-dial on
 * a modem line (the modem dials, the person at the desk lifts the phone that
 * shares the line), click-to-dial on the PBX (the agent's phone rings first,
 * then the customer), and later the dialer's calls.
 *
 * waiting-for-line --lineAssigned--> ringing-agent (agent first) | dialing
 * ringing-agent --agentAnswered--> dialing        [dial]
 * ringing-agent --agentGone--> ended (agent-no-answer)
 * dialing --answered--> connected                 [connect, answered]
 * dialing --dialFailed(busy|no-answer|no-dialtone|failed)--> ended (that)
 * connected --hangup | agentGone--> ended (completed)
 * before connected: --hangup (ours, from the API) | agentGone--> ended (cancelled)
 * waiting-for-line --noLine--> ended (no-line)
 * Any state --deviceLost--> ended (failed).
 * Every end hangs up whatever legs are still up (`hangupAll`) before `end`.
 */
import type { Disposition } from './disposition.ts';

export type OutboundState = 'waiting-for-line' | 'ringing-agent' | 'dialing' | 'connected' | 'ended';

export type DialFailure = 'busy' | 'no-answer' | 'no-dialtone' | 'failed';

export type OutboundEvent =
  | { type: 'lineAssigned' }
  | { type: 'agentAnswered' }
  | { type: 'agentGone' }
  | { type: 'answered' }
  | { type: 'dialFailed'; outcome: DialFailure }
  | { type: 'hangup' }
  | { type: 'noLine' }
  | { type: 'deviceLost' };

export type OutboundEffect =
  | { type: 'ringAgent' }
  | { type: 'dial' }
  | { type: 'connect' }
  | { type: 'answered' }
  | { type: 'hangupAll' }
  | { type: 'end'; disposition: Disposition };

export interface OutboundTransition { state: OutboundState; effects: OutboundEffect[] }

export interface OutboundPlan {
  /** Ring the agent's phone first and dial the customer once the agent answered (PBX click-to-dial). */
  agentFirst: boolean;
  /** Every line is busy: the request waits for one. */
  waiting: boolean;
}

const end = (disposition: Disposition): OutboundTransition => ({ state: 'ended', effects: [{ type: 'hangupAll' }, { type: 'end', disposition }] });

const firstStep = (plan: OutboundPlan): OutboundTransition =>
  plan.agentFirst ? { state: 'ringing-agent', effects: [{ type: 'ringAgent' }] } : { state: 'dialing', effects: [{ type: 'dial' }] };

/** Where a new outbound call starts, and what it does first. */
export function startOutbound(plan: OutboundPlan): OutboundTransition {
  return plan.waiting ? { state: 'waiting-for-line', effects: [] } : firstStep(plan);
}

/** The next state and effects; events that do not apply leave the state as it is. */
export function outboundTransition(state: OutboundState, event: OutboundEvent, plan: OutboundPlan): OutboundTransition {
  const stay: OutboundTransition = { state, effects: [] };
  if (state === 'ended') return stay;
  if (event.type === 'deviceLost') return end('failed');
  switch (state) {
    case 'waiting-for-line':
      if (event.type === 'lineAssigned') return firstStep(plan);
      if (event.type === 'noLine') return end('no-line');
      if (event.type === 'hangup' || event.type === 'agentGone') return end('cancelled');
      return stay;
    case 'ringing-agent':
      if (event.type === 'agentAnswered') return { state: 'dialing', effects: [{ type: 'dial' }] };
      if (event.type === 'agentGone') return end('agent-no-answer');
      if (event.type === 'hangup') return end('cancelled');
      return stay;
    case 'dialing':
      if (event.type === 'answered') return { state: 'connected', effects: [{ type: 'connect' }, { type: 'answered' }] };
      if (event.type === 'dialFailed') return end(event.outcome);
      if (event.type === 'hangup' || event.type === 'agentGone') return end('cancelled');
      return stay;
    case 'connected':
      if (event.type === 'hangup' || event.type === 'agentGone') return end('completed');
      return stay;
  }
}
