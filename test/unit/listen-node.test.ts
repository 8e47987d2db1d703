/**
 * The `listen` and `directory` IVR nodes with a scripted caller whose answers
 * are real audio (espeak-ng, 8 kHz) recognised by the real pocketsphinx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../src/core/ivr/interpreter.ts';
import { ScriptedMedia } from '../../src/core/ivr/scripted-media.ts';
import { validateFlow } from '../../src/core/ivr/validate.ts';
import type { Flow } from '../../src/core/ivr/schema.ts';
import { listDirectory, type SpeechContext } from '../../src/core/asr/speech.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import { PocketsphinxRecognizer } from '../../drivers/asr-pocketsphinx/engine.ts';

const tts = new EspeakTts();
const speech: SpeechContext = {
  recognizer: new PocketsphinxRecognizer(),
  directory: listDirectory([
    { id: 'c1', name: 'John Smith', nicknames: ['Johnny'], seat: 'seat-1', number: null, groups: ['sales'] },
    { id: 'c2', name: 'Mary Johnson', nicknames: [], seat: null, number: '8001', groups: ['support'] },
    { id: 'c3', name: 'Robert Brown', nicknames: [], seat: null, number: null },
    { id: 'c4', name: '王芳', nicknames: [], seat: null, number: '8004' },
  ]),
};
const ctx = (s: SpeechContext | null = speech) => ({ caller: { number: null, blacklisted: false, customer: null }, now: () => new Date(0), ...(s ? { speech: s } : {}) });

const listenFlow: Flow = {
  id: 'listen', name: 'Listen', entry: 'ask',
  nodes: {
    ask: {
      type: 'listen', prompt: { text: 'Say sales or support.' }, variable: 'dept',
      choices: [{ phrase: 'sales', key: '1', next: 'sales' }, { phrase: 'support', key: '2', next: 'support' }],
      noMatchPrompt: { text: 'Sorry?' }, onNoMatch: 'nomatch', onNoInput: 'noinput',
    },
    sales: { type: 'hangup', prompt: { text: 'Sales.' } },
    support: { type: 'hangup', prompt: { text: 'Support.' } },
    nomatch: { type: 'hangup' },
    noinput: { type: 'hangup' },
  },
};
const dirFlow: Flow = {
  id: 'dir', name: 'Directory', entry: 'who',
  nodes: {
    who: { type: 'directory', prompt: { text: 'Say the name of the person you want.' }, fallback: 'sorry', onNoMatch: 'sorry', onNoInput: 'sorry' },
    sorry: { type: 'hangup', prompt: { text: 'Sorry.' } },
  },
};

let say: Record<string, Buffer>;
beforeAll(async () => {
  say = {};
  for (const t of ['support', 'sales', 'John Smith', 'Mary Johnson', 'Johnny', 'Robert Brown']) say[t] = await tts.synthesize(t, 'en-us');
}, 60_000);

describe('listen node', () => {
  it('validates, with duplicate phrases and keys named', () => {
    expect(validateFlow(listenFlow).ok).toBe(true);
    const bad = structuredClone(listenFlow);
    (bad.nodes.ask as Extract<Flow['nodes'][string], { type: 'listen' }>).choices.push({ phrase: ' Sales ', key: '1', next: 'sales' });
    const v = validateFlow(bad);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors.map((e) => e.path)).toEqual(['/nodes/ask/choices/2/phrase', '/nodes/ask/choices/2/key']);
  });

  it('branches on the spoken phrase and stores it', async () => {
    const media = new ScriptedMedia({ utterances: [say.support!], script: 's' });
    const r = await runFlow(listenFlow, ctx(), media);
    expect(r.path.map((p) => p.node)).toEqual(['ask', 'support']);
    expect(r.path[0]!.branch).toMatch(/^said support \(/);
    expect(r.variables.dept).toBe('support');
  });

  it('takes a key instead (DTMF fallback), also one typed during the question', async () => {
    const r = await runFlow(listenFlow, ctx(), new ScriptedMedia({ script: '1' }));
    expect(r.path.map((p) => p.node)).toEqual(['ask', 'sales']);
    expect(r.path[0]).toMatchObject({ branch: 'key 1', digits: '1' });
  });

  it('asks again after no match, then goes to onNoMatch; silence goes to onNoInput', async () => {
    // A hum the engine makes nothing of (pocketsphinx in grammar mode maps any speech to the closest phrase).
    const m = new ScriptedMedia({ utterances: [hum(), hum()], script: 'ss' });
    const r = await runFlow(listenFlow, ctx(), m);
    expect(r.path.map((p) => p.node)).toEqual(['ask', 'nomatch']);
    expect(m.played.map((p) => ('text' in p ? p.text : p.file))).toEqual(['Say sales or support.', 'Sorry?', 'Say sales or support.']);
    const q = await runFlow(listenFlow, ctx(), new ScriptedMedia({}));
    expect(q.path.map((p) => `${p.node}:${p.branch ?? ''}`)).toEqual(['ask:no input', 'noinput:']);
  });

  it('without a recogniser takes keys only', async () => {
    const r = await runFlow(listenFlow, ctx(null), new ScriptedMedia({ utterances: [say.sales!, say.sales!], script: 'ss' }));
    expect(r.path[0]!.branch).toBe('no match');
  });

  it('ends cleanly when the caller hangs up while it listens', async () => {
    const r = await runFlow(listenFlow, ctx(), new ScriptedMedia({ script: 'h' }));
    expect(r.outcome).toBe('caller-hangup');
  });
});

describe('directory node (voice lookup of contacts)', () => {
  it('recognises a name, confirms it and transfers to the seat', async () => {
    const m = new ScriptedMedia({ utterances: [say['John Smith']!], script: 's1' });
    const r = await runFlow(dirFlow, ctx(), m);
    expect(r.outcome).toBe('handset');
    expect(r.variables).toMatchObject({ contactId: 'c1', contactName: 'John Smith' });
    expect(m.events.find((e) => e.op === 'transfer')).toEqual({ op: 'transfer', target: { seat: 'seat-1', number: null }, ok: true });
    expect(m.played.map((p) => ('text' in p ? p.text : ''))).toContain('Did you say John Smith? Press 1 for yes, 2 for no.');
  });

  it('finds a contact by nickname and transfers to the number', async () => {
    const m = (new ScriptedMedia({ utterances: [say.Johnny!, say['Mary Johnson']!], script: 's2s1' }));
    const r = await runFlow(dirFlow, ctx(), m);
    expect(r.variables.contactName).toBe('Mary Johnson');
    expect(m.events.filter((e) => e.op === 'transfer')).toEqual([{ op: 'transfer', target: { seat: null, number: '8001' }, ok: true }]);
  });

  it('leaves out contacts with nowhere to transfer, and falls back when the transfer fails', async () => {
    const ma = new ScriptedMedia({ utterances: [say['Robert Brown']!, say['Robert Brown']!], script: 's2s2' });
    const a = await runFlow(dirFlow, ctx(), ma);
    expect(a.path.map((p) => `${p.node}:${p.branch}`)).toEqual(['who:no match', 'sorry:undefined']);
    expect(ma.played.map((p) => ('text' in p ? p.text : '')).filter((t) => t.includes('Robert'))).toEqual([]);
    const b = await runFlow(dirFlow, ctx(), (new ScriptedMedia({ utterances: [say['Mary Johnson']!], script: 's1', transfer: false })));
    expect(b.path.map((p) => `${p.node}:${p.branch}`)).toEqual(['who:transfer to Mary Johnson failed', 'sorry:undefined']);
  });
});


/** One second of a 440 Hz hum: loud enough to be heard, no words in it. */
function hum(): Buffer {
  const b = Buffer.alloc(16_000);
  for (let i = 0; i < 8000; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return b;
}
