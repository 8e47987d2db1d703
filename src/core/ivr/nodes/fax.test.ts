import { describe, expect, it } from 'vitest';
import { runFlow } from '../interpreter.ts';
import { ScriptedMedia } from '../scripted-media.ts';
import type { Flow } from '../schema.ts';

const flow: Flow = {
  id: 'fax-in', name: 'Fax in', entry: 'fax',
  nodes: {
    fax: { type: 'fax', prompt: { text: 'Start your fax now.', voice: 'en-us' }, fallback: 'sorry' },
    sorry: { type: 'hangup', prompt: { text: 'This line takes no faxes.', voice: 'en-us' } },
  },
};
const ctx = { caller: { number: '+8613800138000', blacklisted: false, customer: null }, now: () => new Date('2026-12-01T08:00:00Z') };

describe('fax node', () => {
  it('hands the call to fax reception and ends the flow with fax (the call is not hung up)', async () => {
    const media = new ScriptedMedia({ fax: true });
    const r = await runFlow(flow, ctx, media);
    expect(r.outcome).toBe('fax');
    expect(media.events.map((e) => e.op)).toEqual(['play', 'fax']);
  });
  it('runs the fallback on a line that cannot receive faxes', async () => {
    const media = new ScriptedMedia({});
    const r = await runFlow(flow, ctx, media);
    expect(r.outcome).toBe('hangup');
    expect(r.path.map((p) => p.node)).toEqual(['fax', 'sorry']);
    expect(r.path[0]!.branch).toBe('not available');
  });
});
