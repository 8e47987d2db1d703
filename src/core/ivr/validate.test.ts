import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Flow } from './schema.ts';
import { validateFlow, type FlowIssue } from './validate.ts';

const good = (): Flow => ({
  id: 'test-flow',
  name: 'Test',
  entry: 'hours',
  nodes: {
    hours: { type: 'hours', schedule: { mon: [['09:00', '18:00']] }, holidays: ['2026-05-01'], open: 'menu1', closed: 'vm' },
    menu1: {
      type: 'menu',
      prompt: { text: 'Press 1 or 2' },
      options: { '1': 'sales', '2': 'again', '#': 'bye' },
      onTimeout: 'bye',
    },
    sales: { type: 'queue', queue: 'sales', fallback: 'vm' },
    again: { type: 'goto', target: 'menu1' },
    vm: { type: 'voicemail', prompt: { text: 'Leave a message' } },
    bye: { type: 'hangup' },
  },
});

const errorsOf = (input: unknown): FlowIssue[] => {
  const r = validateFlow(input);
  if (r.ok) throw new Error('expected the flow to be invalid');
  return r.errors;
};
const at = (errors: FlowIssue[], path: string): string[] => errors.filter((e) => e.path === path).map((e) => e.message);

describe('validateFlow', () => {
  it('accepts a good flow, with a loop through goto', () => {
    const r = validateFlow(good());
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it('accepts the shipped config/flows/main.json', () => {
    const flow: unknown = JSON.parse(readFileSync(new URL('../../../config/flows/main.json', import.meta.url), 'utf8'));
    const r = validateFlow(flow);
    expect(r.ok ? [] : r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('rejects what is not an object', () => {
    expect(errorsOf(null)).toEqual([{ path: '', message: expect.stringContaining('expected a flow object') }]);
  });

  it('reports schema errors with JSON pointers and what was expected', () => {
    const f = good() as unknown as Record<string, unknown> & { nodes: Record<string, Record<string, unknown>> };
    f.id = 'Bad Id';
    f.extra = 1;
    f.nodes.menu1!.timeoutMs = 'soon';
    delete f.nodes.sales!.fallback;
    f.nodes.bye!.colour = 'red';
    f.nodes.vm!.prompt = { text: 'x', voice: 'fr' };
    f.nodes.weird = { type: 'dance', next: 'bye' };
    f.nodes.notype = { next: 'bye' };
    const errors = errorsOf(f);
    expect(at(errors, '/id')[0]).toMatch(/expected a string matching/);
    expect(at(errors, '/extra')[0]).toMatch(/unknown property "extra"/);
    expect(at(errors, '/nodes/menu1/timeoutMs')).toEqual(['expected integer']);
    expect(at(errors, '/nodes/sales/fallback')).toEqual(['"fallback" is required']);
    expect(at(errors, '/nodes/bye/colour')[0]).toMatch(/unknown property "colour": expected one of type, title, description, prompt/);
    expect(at(errors, '/nodes/vm/prompt/voice')).toEqual(['expected one of "en-us", "cmn"']);
    expect(at(errors, '/nodes/weird/type')[0]).toMatch(/unknown node type "dance": expected one of play, menu/);
    expect(at(errors, '/nodes/notype/type')[0]).toMatch(/"type" is required/);
  });

  it('names both prompt shapes when a prompt matches neither', () => {
    const f = good();
    (f.nodes.vm as unknown as Record<string, unknown>).prompt = {};
    expect(at(errorsOf(f), '/nodes/vm/prompt')).toEqual(['expected one of: { text, voice? }, { file }']);
  });

  it('returns every error, not just the first (more than TypeBox buffers by default)', () => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 12; i++) nodes[`p${i}`] = { type: 'play', prompt: { text: 'hi' }, next: `missing${i}`, bogus: true };
    const errors = errorsOf({ id: 'x', name: 'x', entry: 'p0', nodes });
    expect(errors.filter((e) => e.message.startsWith('unknown property "bogus"'))).toHaveLength(12);
    const f = good();
    f.entry = 'nowhere';
    (f.nodes.menu1 as { options: Record<string, string> }).options['2'] = 'ghost';
    (f.nodes.menu1 as { prompt: { text: string } }).prompt.text = '  ';
    const errs = errorsOf(f);
    expect(at(errs, '/entry')[0]).toMatch(/entry node "nowhere" does not exist/);
    expect(at(errs, '/nodes/menu1/options/2')[0]).toMatch(/target "ghost" does not exist/);
    expect(at(errs, '/nodes/menu1/prompt/text')[0]).toMatch(/^prompt is required/);
  });

  it('checks menu keys, digit counts and prompts', () => {
    const f = good();
    f.nodes.menu1 = { type: 'menu', prompt: { text: '' }, options: { '1': 'bye', x: 'bye', '12': 'bye' }, invalidPrompt: { text: '' } };
    f.nodes.col = { type: 'collect', prompt: { text: 'Enter' }, minDigits: 6, maxDigits: 4, variable: 'acct', next: 'bye' };
    f.nodes.p = { type: 'play', prompt: { text: '' }, next: 'col' };
    const errors = errorsOf(f);
    expect(at(errors, '/nodes/menu1/prompt/text')[0]).toMatch(/prompt is required/);
    expect(at(errors, '/nodes/menu1/invalidPrompt/text')[0]).toMatch(/prompt text is empty/);
    expect(at(errors, '/nodes/menu1/options/x')[0]).toMatch(/not a DTMF key: expected one of 0-9, \* or #/);
    expect(at(errors, '/nodes/menu1/options/12')).toHaveLength(1);
    expect(at(errors, '/nodes/col/minDigits')[0]).toMatch(/minDigits <= maxDigits/);
    expect(at(errors, '/nodes/p/prompt/text')[0]).toMatch(/prompt is required/);
  });

  it('checks business hours: times, order, time zone, holidays', () => {
    const f = good();
    f.nodes.hours = {
      type: 'hours',
      timezone: 'Mars/Olympus',
      schedule: { mon: [['9:00', '18:00']], tue: [['18:00', '09:00']], wed: [['09:00', '24:00']], thu: [['24:00', '24:00']] },
      holidays: ['2026-02-30', 'tomorrow'],
      open: 'menu1',
      closed: 'vm',
    };
    const errors = errorsOf(f);
    expect(at(errors, '/nodes/hours/timezone')[0]).toMatch(/unknown time zone "Mars\/Olympus": expected an IANA name/);
    expect(at(errors, '/nodes/hours/schedule/mon/0/0')[0]).toMatch(/expected HH:MM/);
    expect(at(errors, '/nodes/hours/schedule/tue/0')[0]).toMatch(/start 18:00 is not before end 09:00/);
    expect(at(errors, '/nodes/hours/schedule/wed/0')).toEqual([]);
    expect(at(errors, '/nodes/hours/schedule/thu/0/0')).toHaveLength(1);
    expect(at(errors, '/nodes/hours/holidays/0')[0]).toMatch(/expected YYYY-MM-DD/);
    expect(at(errors, '/nodes/hours/holidays/1')).toHaveLength(1);
    expect(errors.every((e) => e.path.startsWith('/nodes/hours/'))).toBe(true);
  });

  it('rejects a loop that does not go through goto, and accepts it through goto', () => {
    const f = good();
    f.nodes.a = { type: 'play', prompt: { text: 'a' }, next: 'b' };
    f.nodes.b = { type: 'play', prompt: { text: 'b' }, next: 'a' };
    (f.nodes.menu1 as { options: Record<string, string> }).options['3'] = 'a';
    const errors = errorsOf(f);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toMatch(/^\/nodes\/(a|b)\/next$/);
    expect(errors[0]!.message).toMatch(/loop \((a → b → a|b → a → b)\): expected loops to go through a "goto" node/);
    f.nodes.b = { type: 'goto', target: 'a' };
    expect(validateFlow(f).ok).toBe(true);
  });

  it('warns about unreachable nodes without failing', () => {
    const f = good();
    f.nodes.orphan = { type: 'hangup' };
    const r = validateFlow(f);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([{ path: '/nodes/orphan', message: 'node "orphan" is not reachable from the entry node "hours"' }]);
  });

  it('rejects bad node ids and empty node maps', () => {
    expect(at(errorsOf({ id: 'x', name: 'x', entry: 'a', nodes: {} }), '/nodes')[0]).toMatch(/at least 1/);
    const f = good();
    f.nodes['bad id'] = { type: 'hangup' };
    expect(at(errorsOf(f), '/nodes/bad id')[0]).toMatch(/not a valid node id/);
  });
});
