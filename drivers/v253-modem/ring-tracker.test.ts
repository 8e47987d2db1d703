import { describe, expect, it } from 'vitest';
import type { LineEvent } from '../../src/core/ports.ts';
import { RingTracker } from './ring-tracker.ts';
import { silentLogger } from './logger.ts';
import { transition, type LineState } from './machine.ts';

function tracker() {
  let state: LineState = 'idle';
  const events: LineEvent[] = [];
  const host = {
    lineState: () => state,
    input: (e: Parameters<typeof transition>[1]) => { const to = transition(state, e); if (!to) return false; state = to; return true; },
    emit: (e: LineEvent) => events.push(e),
  };
  return { t: new RingTracker(host, silentLogger, { ringTimeoutMs: 60_000, callerIdQuietMs: 60_000 }), events };
}

describe('RingTracker caller-ID reporting', () => {
  it('hands the raw lines of the block with the caller ID', () => {
    const { t, events } = tracker();
    t.line('RING');
    t.line('DATE=1130');
    t.line('TIME=0915');
    t.line('NMBR=13800138000');
    t.line('RING');
    t.reset();
    expect(events.find((e) => e.type === 'callerId')).toMatchObject({ callerId: { number: '13800138000' }, raw: ['DATE=1130', 'TIME=0915', 'NMBR=13800138000'] });
  });

  it('reports lines between the rings that no format matched, once, without a caller ID', () => {
    const { t, events } = tracker();
    t.line('RING');
    expect(t.line('CID: 13800138000')).toBe(true);
    t.line('RING');
    t.line('RING');
    t.reset();
    expect(events.filter((e) => e.type === 'callerIdUnparsed')).toEqual([{ type: 'callerIdUnparsed', raw: ['CID: 13800138000'] }]);
    expect(events.some((e) => e.type === 'callerId')).toBe(false);
  });

  it('ignores unknown lines while idle', () => {
    const { t, events } = tracker();
    expect(t.line('CID: 1')).toBe(false);
    expect(events).toEqual([]);
  });
});
