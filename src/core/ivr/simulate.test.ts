import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Flow } from './schema.ts';
import { simulateFlow } from './simulate.ts';

const main = JSON.parse(readFileSync(new URL('../../../config/flows/main.json', import.meta.url), 'utf8')) as Flow;
const MONDAY_10_SHANGHAI = '2026-03-02T02:00:00Z';
const MONDAY_22_SHANGHAI = '2026-03-02T14:00:00Z';
const text = (p: { prompt: object }) => ('text' in p.prompt ? (p.prompt as { text: string }).text : '');

describe('simulateFlow on the shipped main flow', () => {
  it('office hours, press 2: support queue is missing in single-line mode, so the office phone', async () => {
    const r = await simulateFlow(main, { digits: '2', now: MONDAY_10_SHANGHAI });
    expect(r.path.map((p) => p.node)).toEqual(['hours', 'caller', 'welcome', 'welcome-en', 'menu', 'support', 'office']);
    expect(r.outcome).toBe('handset');
    // typed ahead: the key cut the welcome short and still reached the menu
    expect(r.prompts[0]).toMatchObject({ node: 'welcome', interruptedBy: '2' });
  });

  it('press 1 in call-centre mode: sales queue', async () => {
    const r = await simulateFlow(main, { digits: '1', now: MONDAY_10_SHANGHAI, queues: true });
    expect(r).toMatchObject({ outcome: 'queue', queue: 'sales', digits: '1' });
  });

  it('blacklisted caller hears the message and is hung up, day or night', async () => {
    for (const now of [MONDAY_10_SHANGHAI, MONDAY_22_SHANGHAI]) {
      const r = await simulateFlow(main, { now, caller: { blacklisted: true } });
      expect(r.path.slice(-3).map((p) => p.node)).toEqual(['blocked', 'blocked-en', 'bye']);
      expect(r.outcome).toBe('hangup');
      expect(r.prompts.map(text)).toEqual(['对不起，我们无法接听您的来电。', 'Sorry, we cannot take your call.']);
    }
  });

  it('VIP goes straight to the office phone', async () => {
    const r = await simulateFlow(main, { now: MONDAY_10_SHANGHAI, caller: { customer: { id: 'c1', tier: 'vip' } } });
    expect(r.path.map((p) => p.node)).toEqual(['hours', 'caller', 'vip-welcome', 'vip-welcome-en', 'vip-office']);
    expect(r.outcome).toBe('handset');
  });

  it('after hours: closed message in both languages, then voicemail', async () => {
    const r = await simulateFlow(main, { now: MONDAY_22_SHANGHAI });
    expect(r.path.map((p) => p.node)).toEqual(['hours', 'caller-closed', 'closed', 'closed-en', 'voicemail-closed']);
    expect(r.outcome).toBe('voicemail');
    expect(r.voicemail).toEqual({ node: 'voicemail-closed', durationMs: 3000 });
  });

  it('no key at all and nobody at the office: voicemail', async () => {
    const r = await simulateFlow(main, { now: MONDAY_10_SHANGHAI, handset: false });
    expect(r.path.map((p) => p.node)).toEqual(['hours', 'caller', 'welcome', 'welcome-en', 'menu', 'office', 'voicemail']);
    expect(r.path[4]!.branch).toBe('timeout');
  });
});
