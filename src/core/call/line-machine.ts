/**
 * A line's state as the console and API show it, from driver events and the
 * call on it. Pure.
 */
export type LineState = 'offline' | 'idle' | 'ringing' | 'in-call';

export type LineInput = 'online' | 'offline' | 'ring' | 'answered' | 'callEnded';

export function lineTransition(state: LineState, input: LineInput): LineState {
  switch (input) {
    case 'online': return state === 'offline' ? 'idle' : state;
    case 'offline': return 'offline';
    case 'ring': return state === 'idle' ? 'ringing' : state;
    case 'answered': return state === 'offline' ? state : 'in-call';
    case 'callEnded': return state === 'offline' ? state : 'idle';
  }
}
