import { describe, expect, it } from 'vitest';
import { outboundTransition, startOutbound, type OutboundEvent, type OutboundPlan, type OutboundState } from './outbound.ts';

const run = (plan: OutboundPlan, events: OutboundEvent[]) => {
  const first = startOutbound(plan);
  return events.reduce<{ state: OutboundState; effects: string[] }>((acc, e) => {
    const t = outboundTransition(acc.state, e, plan);
    return { state: t.state, effects: [...acc.effects, ...t.effects.map((x) => (x.type === 'end' ? `end:${x.disposition}` : x.type))] };
  }, { state: first.state, effects: first.effects.map((x) => x.type) });
};

const modem: OutboundPlan = { agentFirst: false, waiting: false };
const pbx: OutboundPlan = { agentFirst: true, waiting: false };

describe('outbound call machine', () => {
  it('modem: dials at once; answered -> connected; the far end hangs up -> completed', () => {
    expect(run(modem, [{ type: 'answered' }, { type: 'hangup' }])).toEqual({
      state: 'ended', effects: ['dial', 'connect', 'answered', 'hangupAll', 'end:completed'],
    });
  });
  it('a dial that fails ends with its outcome, never answered', () => {
    for (const outcome of ['busy', 'no-answer', 'no-dialtone', 'failed'] as const) {
      expect(run(modem, [{ type: 'dialFailed', outcome }]).effects).toEqual(['dial', 'hangupAll', `end:${outcome}`]);
    }
  });
  it('hang-up from the API before the answer is cancelled, after it completed', () => {
    expect(run(modem, [{ type: 'hangup' }]).effects.at(-1)).toBe('end:cancelled');
    expect(run(pbx, [{ type: 'agentAnswered' }, { type: 'hangup' }]).effects.at(-1)).toBe('end:cancelled');
    expect(run(pbx, [{ type: 'agentAnswered' }, { type: 'answered' }, { type: 'hangup' }]).effects.at(-1)).toBe('end:completed');
  });
  it('PBX: the agent rings first; the customer is dialled once the agent answered', () => {
    expect(run(pbx, [{ type: 'agentAnswered' }, { type: 'answered' }, { type: 'agentGone' }]).effects)
      .toEqual(['ringAgent', 'dial', 'connect', 'answered', 'hangupAll', 'end:completed']);
    expect(run(pbx, [{ type: 'answered' }]).state).toBe('ringing-agent'); // no customer leg yet: nothing to answer
  });
  it("the agent's phone not answered: agent-no-answer; the agent gives up while the customer rings: cancelled", () => {
    expect(run(pbx, [{ type: 'agentGone' }]).effects.at(-1)).toBe('end:agent-no-answer');
    expect(run(pbx, [{ type: 'agentAnswered' }, { type: 'agentGone' }]).effects.at(-1)).toBe('end:cancelled');
  });
  it('waiting for a line: starts on lineAssigned, or ends no-line / cancelled', () => {
    const waiting = { agentFirst: true, waiting: true };
    expect(run(waiting, [{ type: 'lineAssigned' }]).effects).toEqual(['ringAgent']);
    expect(run(waiting, [{ type: 'noLine' }]).effects).toEqual(['hangupAll', 'end:no-line']);
    expect(run(waiting, [{ type: 'hangup' }]).effects).toEqual(['hangupAll', 'end:cancelled']);
  });
  it('a lost device ends any state failed; an ended call ignores everything', () => {
    expect(run(modem, [{ type: 'answered' }, { type: 'deviceLost' }]).effects.at(-1)).toBe('end:failed');
    expect(run(modem, [{ type: 'hangup' }, { type: 'answered' }, { type: 'hangup' }]).effects.filter((e) => e.startsWith('end:'))).toHaveLength(1);
  });
});
