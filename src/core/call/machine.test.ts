import { describe, expect, it } from 'vitest';
import { transition, type CallEvent, type CallState } from './machine.ts';

const run = (events: CallEvent[], from: CallState = 'ringing') =>
  events.reduce<{ state: CallState; effects: string[] }>((acc, e) => {
    const t = transition(acc.state, e);
    return { state: t.state, effects: [...acc.effects, ...t.effects.map((x) => (x.type === 'end' ? `end:${x.disposition}` : x.type))] };
  }, { state: from, effects: [] });

describe('call machine', () => {
  it('answers, records and runs the IVR, then ends completed with a hang-up', () => {
    expect(run([{ type: 'ring' }, { type: 'callerId' }, { type: 'answer' }, { type: 'answered' }, { type: 'ivrDone', outcome: 'hangup' }])).toEqual({
      state: 'ended', effects: ['answerLine', 'startRecording', 'startIvr', 'hangupLine', 'end:completed'],
    });
  });
  it('a blacklisted caller is rejected without answering, disposition blocked', () => {
    const r = run([{ type: 'ring' }, { type: 'block', action: 'reject' }, { type: 'blockDone' }]);
    expect(r.effects).toEqual(['reject', 'hangupLine', 'end:blocked']);
    expect(r.effects).not.toContain('answerLine');
  });
  it('blocked with a message plays it, never starts the IVR', () => {
    const r = run([{ type: 'block', action: 'message' }, { type: 'answer' }, { type: 'blockDone' }]);
    expect(r.effects).toEqual(['playBlockMessage', 'hangupLine', 'end:blocked']);
  });
  it('caller gives up while ringing: missed; during the IVR: abandoned', () => {
    expect(run([{ type: 'ring' }, { type: 'hangup' }]).effects).toEqual(['end:missed']);
    const inIvr = run([{ type: 'answer' }, { type: 'answered' }, { type: 'hangup' }]);
    expect(inIvr.state).toBe('ivr'); // the flow sees the hang-up and ends with its own outcome
    expect(run([{ type: 'ivrDone', outcome: 'caller-hangup' }], 'ivr').effects).toEqual(['end:abandoned']);
  });
  it('device lost in any live state ends the call as failed, once', () => {
    for (const s of ['ringing', 'blocking', 'answering', 'ivr'] as const) {
      expect(run([{ type: 'deviceLost' }, { type: 'deviceLost' }, { type: 'hangup' }], s).effects).toEqual(['end:failed']);
    }
  });
  it('ended is final', () => {
    expect(transition('ended', { type: 'answer' })).toEqual({ state: 'ended', effects: [] });
  });
  it('voicemail and handset outcomes', () => {
    expect(run([{ type: 'answer' }, { type: 'answered' }, { type: 'ivrDone', outcome: 'voicemail' }]).effects.at(-1)).toBe('end:voicemail');
    expect(run([{ type: 'answer' }, { type: 'answered' }, { type: 'ivrDone', outcome: 'handset' }]).effects).not.toContain('hangupLine');
  });
  it('queued: an agent connects, then the hang-up completes it; hanging up while waiting abandons; the wait limit overflows', () => {
    const toQueue = [{ type: 'answer' }, { type: 'answered' }, { type: 'ivrDone', outcome: 'queue' }] as CallEvent[];
    expect(run(toQueue).state).toBe('queued');
    expect(run([...toQueue, { type: 'agentConnected' }, { type: 'hangup' }]).effects.slice(-2)).toEqual(['hangupLine', 'end:completed']);
    expect(run([...toQueue, { type: 'hangup' }]).effects.at(-1)).toBe('end:abandoned');
    expect(run([...toQueue, { type: 'queueTimeout' }]).effects.slice(-2)).toEqual(['hangupLine', 'end:overflow']);
  });
  it('overflow to voicemail or a flow runs the IVR again; its outcome is the disposition', () => {
    const toQueue = [{ type: 'answer' }, { type: 'answered' }, { type: 'ivrDone', outcome: 'queue' }] as CallEvent[];
    const resumed = run([...toQueue, { type: 'resumeIvr' }]);
    expect(resumed.state).toBe('ivr');
    expect(resumed.effects.at(-1)).toBe('startIvr');
    expect(resumed.effects.filter((e) => e === 'startRecording')).toHaveLength(1);
    expect(run([...toQueue, { type: 'resumeIvr' }, { type: 'ivrDone', outcome: 'voicemail' }]).effects.at(-1)).toBe('end:voicemail');
  });
  it('a seat that takes the call from the IVR (handset on a PBX) connects it; the handset outcome then leaves it up', () => {
    const ivr = [{ type: 'answer' }, { type: 'answered' }] as CallEvent[];
    const taken = run([...ivr, { type: 'agentConnected' }, { type: 'ivrDone', outcome: 'handset' }]);
    expect(taken.state).toBe('connected');
    expect(run([...ivr, { type: 'agentConnected' }, { type: 'hangup' }]).effects.slice(-2)).toEqual(['hangupLine', 'end:completed']);
  });
  it('taken at the desk while ringing: answered at once, recorded, no IVR; in the IVR: the IVR stops', () => {
    expect(run([{ type: 'ring' }, { type: 'take' }, { type: 'answered' }, { type: 'hangup' }])).toEqual({
      state: 'ended', effects: ['answerLine', 'startRecording', 'hangupLine', 'end:completed'],
    });
    // the answer was under way (rings counted) when the agent took it: no second answer, no IVR
    expect(run([{ type: 'answer' }, { type: 'take' }, { type: 'answered' }]).effects).toEqual(['answerLine', 'startRecording']);
    expect(run([{ type: 'take' }, { type: 'ivrDone', outcome: 'caller-hangup' }, { type: 'hangup' }], 'ivr').effects)
      .toEqual(['stopIvr', 'hangupLine', 'end:completed']);
    // the caller gives up before the answer: missed; a queued or blocked call cannot be taken
    expect(run([{ type: 'take' }, { type: 'hangup' }]).effects).toEqual(['answerLine', 'end:missed']);
    expect(run([{ type: 'take' }], 'queued').effects).toEqual([]);
    expect(run([{ type: 'take' }], 'blocking').effects).toEqual([]);
  });
  it('a connected call goes back into the IVR for the post-call survey, and ends with it', () => {
    const back = transition('connected', { type: 'resumeIvr' });
    expect(back).toEqual({ state: 'ivr', effects: [{ type: 'startIvr' }] });
    expect(transition('ivr', { type: 'ivrDone', outcome: 'hangup' }).effects).toContainEqual({ type: 'end', disposition: 'completed' });
  });
});
