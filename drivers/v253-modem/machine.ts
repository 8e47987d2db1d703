/**
 * The line as a typed state machine. `transition()` is pure; the driver logs
 * every change once as `{ lineId, from, event, to }`.
 */

export type LineState = 'offline' | 'idle' | 'ringing' | 'voice-rx' | 'voice-tx' | 'dialing';

export type LineInput =
  /** Device opened and probed. */
  | 'online'
  /** Device vanished or stopped answering. */
  | 'gone'
  | 'ring'
  /** No ring for the ring timeout: the caller gave up. */
  | 'rings-stopped'
  /** Off-hook in voice mode, receiving. */
  | 'answered'
  | 'play-start'
  | 'play-end'
  | 'dial-start'
  /** Dialled call was answered: off-hook in voice mode. */
  | 'dial-answered'
  | 'dial-failed'
  /** Call over (local hang-up or far end gone): back on-hook. */
  | 'hangup';

const TABLE: Readonly<Record<LineState, Partial<Record<LineInput, LineState>>>> = {
  offline: { online: 'idle' },
  idle: { ring: 'ringing', 'dial-start': 'dialing', answered: 'voice-rx', hangup: 'idle', gone: 'offline' },
  ringing: { ring: 'ringing', 'rings-stopped': 'idle', answered: 'voice-rx', hangup: 'idle', gone: 'offline' },
  'voice-rx': { 'play-start': 'voice-tx', hangup: 'idle', gone: 'offline', ring: 'voice-rx' },
  'voice-tx': { 'play-end': 'voice-rx', hangup: 'idle', gone: 'offline', ring: 'voice-tx' },
  dialing: { 'dial-answered': 'voice-rx', 'dial-failed': 'idle', hangup: 'idle', gone: 'offline' },
};

/** The next state, or null when `input` is not allowed in `state`. */
export function transition(state: LineState, input: LineInput): LineState | null {
  return TABLE[state][input] ?? null;
}

/** States in which a call is up (the line is off-hook). */
export const isOffHook = (s: LineState): boolean => s === 'voice-rx' || s === 'voice-tx' || s === 'dialing';
