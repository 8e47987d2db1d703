import { describe, expect, it } from 'vitest';
import { isOffHook, transition, type LineInput, type LineState } from './machine.ts';

const run = (inputs: LineInput[], from: LineState = 'offline'): LineState | null =>
  inputs.reduce<LineState | null>((s, i) => (s ? transition(s, i) : null), from);

describe('line state machine', () => {
  it('walks an inbound call with a prompt', () => {
    expect(run(['online', 'ring', 'ring', 'answered', 'play-start', 'play-end', 'hangup'])).toBe('idle');
  });
  it('walks an outbound call and a failed dial', () => {
    expect(run(['online', 'dial-start', 'dial-answered'])).toBe('voice-rx');
    expect(run(['online', 'dial-start', 'dial-failed'])).toBe('idle');
  });
  it('goes idle when rings stop and offline from any state when the device goes', () => {
    expect(run(['online', 'ring', 'rings-stopped'])).toBe('idle');
    for (const s of ['idle', 'ringing', 'voice-rx', 'voice-tx', 'dialing'] as const) expect(transition(s, 'gone')).toBe('offline');
  });
  it('refuses inputs that make no sense', () => {
    expect(transition('offline', 'ring')).toBeNull();
    expect(transition('idle', 'play-start')).toBeNull();
    expect(transition('voice-tx', 'answered')).toBeNull();
    expect(transition('dialing', 'ring')).toBeNull();
  });
  it('knows which states are off-hook', () => {
    expect(['voice-rx', 'voice-tx', 'dialing'].every((s) => isOffHook(s as LineState))).toBe(true);
    expect(['offline', 'idle', 'ringing'].some((s) => isOffHook(s as LineState))).toBe(false);
  });
});
