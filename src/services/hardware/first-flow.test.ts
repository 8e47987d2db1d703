import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyFirstFlow } from './first-flow.ts';
import { validateFlow } from '../../core/ivr/validate.ts';
import { DEFAULT_FLOW_PATH } from '../flows.ts';
import type { Flow } from '../../core/ivr/schema.ts';

const shipped = JSON.parse(readFileSync(DEFAULT_FLOW_PATH, 'utf8')) as Flow;
const opts = { hours: { days: ['mon', 'tue'] as Array<'mon' | 'tue'>, open: '08:30', close: '17:30', timezone: 'Asia/Shanghai' }, greeting: { text: '您好，欢迎致电。', voice: 'cmn' as const } };

describe('applyFirstFlow', () => {
  it('sets the hours and replaces the first greeting of the shipped flow; the result is valid', () => {
    const out = applyFirstFlow(shipped, opts);
    const hours = out.nodes.hours as { schedule: Record<string, unknown> };
    expect(hours.schedule).toEqual({ mon: [['08:30', '17:30']], tue: [['08:30', '17:30']] });
    const caller = out.nodes[(out.nodes.hours as { open: string }).open] as { unknown: string };
    expect((out.nodes[caller.unknown] as { prompt: unknown }).prompt).toEqual(opts.greeting);
    expect(validateFlow(out).ok).toBe(true);
    expect((shipped.nodes.hours as { schedule: Record<string, unknown> }).schedule.sat).toBeDefined(); // input untouched
  });

  it('puts an hours node and a greeting in front of a flow that has neither', () => {
    const flow: Flow = { id: 'x', name: 'x', entry: 'bye', nodes: { bye: { type: 'hangup' } } } as Flow;
    const out = applyFirstFlow(flow, opts);
    expect(out.entry).toBe('setup-hours');
    expect(out.nodes['setup-greeting']).toMatchObject({ type: 'play', next: 'bye' });
    expect(validateFlow(out).ok).toBe(true);
  });
});
