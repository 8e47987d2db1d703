/**
 * The dongle's state as a pure transition function: what the driver observed
 * goes in, the next state comes out (or null: the input does not apply in
 * that state and is ignored).
 */
import type { SmsDongleState } from '../../src/core/sms/port.ts';

export type DongleInput =
  | { type: 'open' }
  | { type: 'sim'; sim: 'ready' | 'locked' | 'error' }
  | { type: 'registered'; yes: boolean }
  | { type: 'gone' }
  | { type: 'stop' };

export function transition(state: SmsDongleState, input: DongleInput): SmsDongleState | null {
  if (input.type === 'stop') return state === 'closed' ? null : 'closed';
  if (state === 'closed' && input.type !== 'open') return null;
  switch (input.type) {
    case 'open':
      return state === 'closed' || state === 'gone' ? 'initialising' : null;
    case 'gone':
      return state === 'gone' ? null : 'gone';
    case 'sim':
      if (state === 'gone') return null;
      if (input.sim === 'locked') return state === 'sim-locked' ? null : 'sim-locked';
      if (input.sim === 'error') return state === 'sim-error' ? null : 'sim-error';
      // SIM ready: registration decides; until known, searching.
      return state === 'initialising' || state === 'sim-locked' || state === 'sim-error' ? 'searching' : null;
    case 'registered':
      if (state !== 'searching' && state !== 'ready') return null;
      if (input.yes) return state === 'ready' ? null : 'ready';
      return state === 'searching' ? null : 'searching';
  }
}
