import { describe, expect, it } from 'vitest';
import { lineTransition, type LineInput, type LineState } from './line-machine.ts';

const walk = (inputs: LineInput[], from: LineState = 'offline') => inputs.reduce(lineTransition, from);

describe('line machine', () => {
  it('offline -> idle -> ringing -> in-call -> idle', () => {
    expect(walk(['online'])).toBe('idle');
    expect(walk(['online', 'ring'])).toBe('ringing');
    expect(walk(['online', 'ring', 'answered'])).toBe('in-call');
    expect(walk(['online', 'ring', 'answered', 'callEnded'])).toBe('idle');
  });
  it('a pulled device makes any state offline, and nothing but online leaves it', () => {
    for (const s of ['idle', 'ringing', 'in-call'] as const) expect(lineTransition(s, 'offline')).toBe('offline');
    expect(walk(['ring', 'answered', 'callEnded'], 'offline')).toBe('offline');
    expect(walk(['online'], 'offline')).toBe('idle');
  });
  it('a second ring burst mid-call (call waiting) does not change the state', () => {
    expect(lineTransition('in-call', 'ring')).toBe('in-call');
  });
});
