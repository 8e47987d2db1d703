/** The flow kefu ships (config/flows/main.json): valid, Chinese first, and no tone-numbered pinyin. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { validateFlow } from './validate.ts';
import { simulateFlow } from './simulate.ts';
import type { Flow } from './schema.ts';
import { FlowService } from '../../services/flows.ts';
import type { FlowRepo } from '../../db/repos/flows.ts';

const raw = JSON.parse(readFileSync(new URL('../../../config/flows/main.json', import.meta.url), 'utf8')) as unknown;
const MONDAY_10_SHANGHAI = '2026-03-02T02:00:00Z';

/** Every { text, voice } prompt anywhere in the flow. */
function prompts(v: unknown, out: Array<{ text: string; voice?: string }> = []): Array<{ text: string; voice?: string }> {
  if (Array.isArray(v)) for (const x of v) prompts(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.text === 'string') out.push({ text: o.text, ...(typeof o.voice === 'string' ? { voice: o.voice } : {}) });
    for (const x of Object.values(o)) prompts(x, out);
  }
  return out;
}

describe('the shipped main flow', () => {
  it('passes the shared validator and the daemon\'s (no seats configured)', () => {
    const r = validateFlow(raw);
    expect(r.ok ? [] : r.errors).toEqual([]);
    const svc = new FlowService({} as FlowRepo, pino({ level: 'silent' }), []);
    expect(svc.validate(raw).ok).toBe(true);
  });

  it('has no tone-numbered pinyin; Mandarin prompts are Han characters', () => {
    const all = prompts(raw);
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) expect(p.text, p.text).not.toMatch(/\b[a-zü]+[1-5]\b/i);
    const cmn = all.filter((p) => p.voice === 'cmn');
    expect(cmn.length).toBeGreaterThanOrEqual(3);
    for (const p of cmn) expect(p.text, p.text).toMatch(/^[\p{Script=Han}，。、：；！？0-9]+$/u);
  });

  it('greets in Mandarin first, then English', async () => {
    const r = await simulateFlow(raw as Flow, { now: MONDAY_10_SHANGHAI, handset: true });
    const voices = r.prompts.map((p) => ('voice' in p.prompt ? p.prompt.voice : undefined));
    expect(voices.slice(0, 2)).toEqual(['cmn', 'en-us']);
    const closed = await simulateFlow(raw as Flow, { now: '2026-03-02T14:00:00Z' });
    expect(closed.prompts.map((p) => ('voice' in p.prompt ? p.prompt.voice : undefined)).slice(0, 2)).toEqual(['cmn', 'en-us']);
  });
});
