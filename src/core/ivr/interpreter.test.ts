import { describe, expect, it, vi } from 'vitest';
import type { CallerInfo, VoicemailMessage } from './context.ts';
import { runFlow } from './interpreter.ts';
import type { Flow, FlowNode } from './schema.ts';
import { ScriptedMedia, type ScriptedMediaOptions } from './scripted-media.ts';
import { validateFlow } from './validate.ts';

const t = (text: string) => ({ text });
const flowOf = (nodes: Record<string, FlowNode>, entry = Object.keys(nodes)[0]!): Flow => {
  const flow: Flow = { id: 'f', name: 'f', entry, nodes };
  const v = validateFlow(flow);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return flow;
};
const unknownCaller: CallerInfo = { number: '+8613800138000', blacklisted: false, customer: null };
const at = (iso: string) => () => new Date(iso);

async function run(flow: Flow, script: ScriptedMediaOptions, caller = unknownCaller, now = at('2026-03-02T02:00:00Z')) {
  const media = new ScriptedMedia(script);
  const voicemails: VoicemailMessage[] = [];
  const onDigits = vi.fn();
  const result = await runFlow(flow, { caller, now, hooks: { onDigits, onVoicemail: (m) => void voicemails.push(m) } }, media);
  return { result, media, voicemails, onDigits, nodes: result.path.map((p) => p.node) };
}

const menuFlow = () =>
  flowOf({
    menu: {
      type: 'menu',
      prompt: t('press 1 or 2'),
      options: { '1': 'one', '2': 'two' },
      retries: 2,
      timeoutMs: 3000,
      timeoutPrompt: t('no key'),
      invalidPrompt: t('bad key'),
      onTimeout: 'timedout',
      onInvalid: 'invalid',
    },
    one: { type: 'hangup', prompt: t('one') },
    two: { type: 'hangup', prompt: t('two') },
    timedout: { type: 'hangup', prompt: t('timed out') },
    invalid: { type: 'hangup', prompt: t('invalid') },
  });

describe('runFlow', () => {
  it('follows a menu digit', async () => {
    const { result, media, onDigits } = await run(menuFlow(), { script: '2' });
    expect(result.outcome).toBe('hangup');
    expect(result.path.map((p) => [p.node, p.digits, p.branch])).toEqual([
      ['menu', '2', 'option 2'],
      ['two', undefined, undefined],
    ]);
    expect(result.digits).toBe('2');
    expect(onDigits).toHaveBeenCalledWith('menu', '2');
    // the key interrupted the prompt and was not lost
    expect(media.events[0]).toMatchObject({ op: 'play', interruptedBy: '2' });
    expect(media.events.at(-1)).toEqual({ op: 'hangup' });
  });

  it('retries on timeout, then goes to onTimeout', async () => {
    const { result, media } = await run(menuFlow(), { script: '' });
    expect(result.path.map((p) => p.node)).toEqual(['menu', 'timedout']);
    expect(result.path[0]!.branch).toBe('timeout');
    expect(media.played.map((p) => ('text' in p ? p.text : p.file))).toEqual([
      'press 1 or 2', 'no key', 'press 1 or 2', 'no key', 'press 1 or 2', 'timed out',
    ]);
    expect(media.events.filter((e) => e.op === 'getDigit')).toEqual(Array(3).fill({ op: 'getDigit', timeoutMs: 3000, digit: null }));
  });

  it('plays the invalid prompt on a wrong key, then accepts a good one', async () => {
    const { result, media } = await run(menuFlow(), { script: '91' });
    expect(result.path[0]).toMatchObject({ node: 'menu', digits: '91', branch: 'option 1' });
    expect(media.played.map((p) => ('text' in p ? p.text : ''))).toEqual(['press 1 or 2', 'bad key', 'press 1 or 2', 'one']);
  });

  it('goes to onInvalid after too many wrong keys', async () => {
    const { result } = await run(menuFlow(), { script: '999' });
    expect(result.path.map((p) => p.node)).toEqual(['menu', 'invalid']);
    expect(result.path[0]).toMatchObject({ digits: '999', branch: 'invalid' });
  });

  it('collects digits up to the terminator into a variable', async () => {
    const flow = flowOf({
      ask: { type: 'collect', prompt: t('account?'), minDigits: 4, maxDigits: 10, variable: 'account', next: 'done', invalidPrompt: t('too short'), retries: 1 },
      done: { type: 'hangup' },
    });
    const ok = await run(flow, { script: '12345#9' });
    expect(ok.result.variables).toEqual({ account: '12345' });
    expect(ok.result.path[0]).toMatchObject({ digits: '12345#', branch: 'terminator' });
    const short = await run(flow, { script: '12#.' });
    expect(short.result.variables).toEqual({});
    expect(short.result.path[0]).toMatchObject({ node: 'ask', branch: 'invalid' });
    expect(short.result.outcome).toBe('hangup');
    expect(short.media.played.map((p) => ('text' in p ? p.text : ''))).toEqual(['account?', 'too short', 'account?']);
    const max = await run(flow, { script: '12345678901' });
    expect(max.result.variables.account).toBe('1234567890');
  });

  describe('business hours in Asia/Shanghai', () => {
    const flow = flowOf({
      hours: { type: 'hours', schedule: { mon: [['09:00', '12:00'], ['13:00', '18:00']] }, holidays: ['2026-03-09'], open: 'open', closed: 'closed' },
      open: { type: 'hangup' },
      closed: { type: 'hangup' },
    });
    it.each([
      ['2026-03-02T01:00:00Z', 'open', 'Mon 09:00 local'],
      ['2026-03-02T00:59:00Z', 'closed', 'Mon 08:59 local'],
      ['2026-03-02T04:30:00Z', 'closed', 'Mon 12:30 local (lunch)'],
      ['2026-03-02T09:59:00Z', 'open', 'Mon 17:59 local'],
      ['2026-03-02T10:00:00Z', 'closed', 'Mon 18:00 local'],
      ['2026-03-01T18:00:00Z', 'closed', 'Sun 02:00 UTC but Mon 02:00 local'],
      ['2026-03-01T23:00:00Z', 'closed', 'Mon 07:00 local'],
      ['2026-03-09T02:00:00Z', 'closed', 'Mon 10:00 local on a holiday'],
      ['2026-03-03T02:00:00Z', 'closed', 'Tue (no schedule)'],
    ])('%s is %s (%s)', async (iso, branch) => {
      const { result } = await run(flow, {}, unknownCaller, at(iso));
      expect(result.path.map((p) => p.node)).toEqual(['hours', branch]);
      expect(result.path[0]!.at).toBe(iso.replace('Z', '.000Z'));
    });
  });

  describe('caller branch', () => {
    const flow = flowOf({
      who: { type: 'caller', blacklisted: 'blocked', tiers: { vip: 'vip' }, known: 'known', unknown: 'stranger' },
      blocked: { type: 'hangup' },
      vip: { type: 'hangup' },
      known: { type: 'hangup' },
      stranger: { type: 'hangup' },
    });
    it.each<[string, CallerInfo, string]>([
      ['blacklisted', { number: '1', blacklisted: true, customer: { id: 'c1', tier: 'vip' } }, 'blocked'],
      ['vip', { number: '1', blacklisted: false, customer: { id: 'c1', tier: 'vip' } }, 'vip'],
      ['known, tier without branch', { number: '1', blacklisted: false, customer: { id: 'c1', tier: 'gold' } }, 'known'],
      ['known, no tier', { number: '1', blacklisted: false, customer: { id: 'c1', tier: null } }, 'known'],
      ['unknown', unknownCaller, 'stranger'],
    ])('%s', async (_name, caller, target) => {
      const { nodes } = await run(flow, {}, caller);
      expect(nodes).toEqual(['who', target]);
    });
  });

  it('stops an endless goto loop with outcome error', async () => {
    const flow = flowOf({
      a: { type: 'play', prompt: t('again'), next: 'b' },
      b: { type: 'goto', target: 'a' },
    });
    const media = new ScriptedMedia();
    const result = await runFlow(flow, { caller: unknownCaller, now: () => new Date() }, media, { maxSteps: 25 });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/stopped after 25 nodes/);
    expect(result.path).toHaveLength(25);
    expect(media.events.at(-1)).toEqual({ op: 'hangup' });
  });

  it('ends with caller-hangup when the caller hangs up mid-prompt', async () => {
    const { result, media } = await run(menuFlow(), { hangupDuringPrompt: 2 });
    expect(result.outcome).toBe('caller-hangup');
    expect(result.path.map((p) => p.node)).toEqual(['menu']);
    expect(media.events.filter((e) => e.op === 'hangup')).toEqual([]);
    const h = await run(menuFlow(), { script: '9h' });
    expect(h.result).toMatchObject({ outcome: 'caller-hangup', digits: '9' });
  });

  it('records voicemail into the sink, then hangs up', async () => {
    const flow = flowOf({ vm: { type: 'voicemail', prompt: t('leave a message'), maxMs: 2000 } });
    const { result, voicemails } = await run(flow, { script: '55', voicemailMs: 5000 });
    expect(result.outcome).toBe('voicemail');
    expect(voicemails).toHaveLength(1);
    expect(voicemails[0]).toMatchObject({ flowId: 'f', nodeId: 'vm', durationMs: 2000, endedBy: 'max' });
    expect(voicemails[0]!.pcm.length).toBe(32000);
  });

  it('hands over to the handset or a queue, else takes the fallback', async () => {
    const flow = flowOf({
      q: { type: 'queue', queue: 'sales', fallback: 'phone' },
      phone: { type: 'handset', fallback: 'bye' },
      bye: { type: 'hangup' },
    });
    expect((await run(flow, { queues: ['sales'] })).result).toMatchObject({ outcome: 'queue', queue: 'sales' });
    const single = await run(flow, { handset: true });
    expect(single.result.outcome).toBe('handset');
    expect(single.result.path[0]!.branch).toBe('not available');
    expect((await run(flow, { handset: false })).nodes).toEqual(['q', 'phone', 'bye']);
  });

  it('turns a media fault into outcome error', async () => {
    const flow = flowOf({ p: { type: 'play', prompt: { file: 'missing' }, next: 'bye' }, bye: { type: 'hangup' } });
    const media = new ScriptedMedia();
    media.play = () => Promise.reject(new Error('no such audio'));
    const result = await runFlow(flow, { caller: unknownCaller, now: () => new Date() }, media);
    expect(result).toMatchObject({ outcome: 'error', error: 'node "p" (play) failed: no such audio' });
  });
});
