import { describe, expect, it } from 'vitest';
import { AfterAgent } from './after-agent.ts';
import type { CallState } from '../../core/call/machine.ts';
import { isKefuError } from '../../core/errors.ts';

/** A call as the survey sees it: its line kind, its state, the flows it was sent to. */
function call(pbx: boolean, state: CallState = 'connected') {
  const c = { state, ran: [] as string[], after: null as unknown as AfterAgent };
  c.after = new AfterAgent({ id: 'c1', pbx, state: () => c.state, runFlow: (f) => { c.ran.push(f); c.state = 'ivr'; } });
  return c;
}

describe('post-call survey hand-off', () => {
  it('modem line: the flow runs at once; a call not connected is CONFLICT', async () => {
    const c = call(false);
    await c.after.send('survey');
    expect(c.ran).toEqual(['survey']);
    const queued = call(false, 'queued');
    await expect(queued.after.send('survey')).rejects.toSatisfy((e) => isKefuError(e, 'CONFLICT'));
    expect(queued.ran).toEqual([]);
  });

  it('PBX line: marked, the agent leg ended; the flow runs when the ACD reports the agent gone', async () => {
    const c = call(true);
    let ended = 0;
    c.after.endAgentLeg = async () => { ended++; return true; };
    await c.after.send('csat');
    expect(ended).toBe(1);
    expect(c.ran).toEqual([]);
    expect(c.after.agentGone('queue-flow')).toBe(true); // the call's mark wins over the queue's setting
    expect(c.ran).toEqual(['csat']);
  });

  it('PBX line: no queue agent on the call is CONFLICT and leaves no mark', async () => {
    const none = call(true);
    await expect(none.after.send('survey')).rejects.toSatisfy((e) => isKefuError(e, 'CONFLICT'));
    const c = call(true);
    c.after.endAgentLeg = async () => false;
    await expect(c.after.send('survey')).rejects.toSatisfy((e) => isKefuError(e, 'CONFLICT'));
    expect(c.after.agentGone(null)).toBe(false);
    expect(c.ran).toEqual([]);
  });

  it('the queue\'s surveyFlow alone; none, or the caller gone: hang up', () => {
    const c = call(true);
    expect(c.after.agentGone(null)).toBe(false);
    expect(c.after.agentGone('survey')).toBe(true);
    expect(c.ran).toEqual(['survey']);
    const gone = call(true, 'ended');
    expect(gone.after.agentGone('survey')).toBe(false);
    expect(gone.ran).toEqual([]);
  });
});
