import { describe, expect, it } from 'vitest';
import { EVENT_FAMILIES, KNOWN_EVENT_TYPES, matches, orderKeyOf, patternProblem } from './patterns.ts';

describe('webhook event patterns', () => {
  it('accepts exact types, known families and *', () => {
    for (const p of ['*', 'call.*', 'sms.*', 'fax.*', 'campaign.*', 'scorecard.*', 'recording.ready', 'task.due', 'screenpop', 'call.ended']) expect(patternProblem(p), p).toBeNull();
    expect(KNOWN_EVENT_TYPES).toContain('task.due');
    expect(EVENT_FAMILIES).toEqual(expect.arrayContaining(['call', 'sms', 'fax', 'task', 'campaign', 'scorecard', 'recording']));
  });
  it('refuses unknown types and families, and stray wildcards', () => {
    expect(patternProblem('call.bogus')).toMatch(/unknown event type "call.bogus"/);
    expect(patternProblem('foo.*')).toMatch(/unknown event family "foo"/);
    expect(patternProblem('call*')).toMatch(/wildcard/);
    expect(patternProblem('*.ended')).toMatch(/wildcard/);
    expect(patternProblem('')).toMatch(/unknown event type/);
  });
  it('matches', () => {
    expect(matches(['call.*'], 'call.ended')).toBe(true);
    expect(matches(['call.*'], 'callx.ended')).toBe(false);
    expect(matches(['call.*'], 'screenpop')).toBe(false);
    expect(matches(['sms.received', 'fax.*'], 'fax.status')).toBe(true);
    expect(matches(['sms.received'], 'sms.status')).toBe(false);
    expect(matches(['*'], 'line.ring')).toBe(true);
    expect(matches([], 'call.ended')).toBe(false);
  });
  it('keys the order by call, then by fax', () => {
    expect(orderKeyOf({ callId: 'c1', faxId: 'f1' })).toBe('call:c1');
    expect(orderKeyOf({ faxId: 'f1' })).toBe('fax:f1');
    expect(orderKeyOf({ agentId: 'a' })).toBeNull();
    expect(orderKeyOf({ callId: '' })).toBeNull();
    expect(orderKeyOf(null)).toBeNull();
  });
});
