import { describe, expect, it } from 'vitest';
import { runFlow } from '../interpreter.ts';
import { ScriptedMedia } from '../scripted-media.ts';
import { validateFlow } from '../validate.ts';
import type { Flow } from '../schema.ts';

const flow: Flow = {
  id: 'survey', name: 'Survey', entry: 'rate',
  nodes: {
    rate: { type: 'survey', prompt: { text: 'Press 1 to 5.', voice: 'en-us' }, invalidPrompt: { text: 'Only 1 to 5, please.', voice: 'en-us' }, thanksPrompt: { text: 'Thank you.', voice: 'en-us' }, variable: 'csat', next: 'bye' },
    bye: { type: 'hangup' },
  },
};
const run = async (script: string) => {
  const scores: number[] = [];
  const media = new ScriptedMedia({ script });
  const r = await runFlow(flow, { caller: { number: null, blacklisted: false, customer: null }, now: () => new Date('2026-12-01T08:00:00Z'), hooks: { onSurvey: (_n, s) => { scores.push(s); } } }, media);
  return { r, scores };
};

describe('survey node', () => {
  it('is a valid node type', () => {
    expect(validateFlow(flow).ok).toBe(true);
    const bad = validateFlow({ ...flow, nodes: { ...flow.nodes, rate: { ...flow.nodes.rate, prompt: { text: '' } } } });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain('/nodes/rate/prompt');
  });
  it('a key 1-5 is the score: stored through the hook, in the variable, then thanks and next', async () => {
    const { r, scores } = await run('4');
    expect(scores).toEqual([4]);
    expect(r.variables.csat).toBe('4');
    expect(r.path.map((p) => `${p.node}:${p.branch ?? ''}`)).toEqual(['rate:score 4', 'bye:']);
  });
  it('another key asks again; a second bad answer ends with no answer (hang up)', async () => {
    const retry = await run('94');
    expect(retry.scores).toEqual([4]);
    const none = await run('90');
    expect(none.scores).toEqual([]);
    expect(none.r.outcome).toBe('hangup');
    expect(none.r.path[0]!.branch).toBe('no answer');
  });
  it('a rejecting store ends the flow with error (the score was not kept)', async () => {
    const media = new ScriptedMedia({ script: '5' });
    const r = await runFlow(flow, { caller: { number: null, blacklisted: false, customer: null }, now: () => new Date(), hooks: { onSurvey: () => Promise.reject(new Error('db down')) } }, media);
    expect(r.outcome).toBe('error');
  });
});
