/**
 * Voice lookup of contacts end to end on the single-line office: the daemon
 * as a process, the V.253 modem simulator on a socat pty playing the caller
 * (a name spoken by espeak-ng at 8 kHz into +VRX), the real pocketsphinx, the
 * database. Caller says a name → "did you say …? press 1" → 1 → the modem
 * flashes and dials the contact's number (a blind transfer) and hangs up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db.ts';
import type { DaemonProcess } from '../helpers/daemon.ts';
import { startModemOffice, type ModemOffice } from '../helpers/modem-office.ts';
import { waitForLineIdle } from '../helpers/wait.ts';
import { EspeakTts } from '../../src/media/tts.ts';

const FLOW = {
  id: 'voice-directory',
  name: 'Voice directory',
  entry: 'who',
  nodes: {
    who: {
      type: 'directory', prompt: { text: 'Say the name of the person you want.', voice: 'en-us' },
      noInputMs: 6000, retries: 0, fallback: 'sorry', onNoMatch: 'sorry', onNoInput: 'sorry',
    },
    sorry: { type: 'hangup', prompt: { text: 'Sorry, goodbye.', voice: 'en-us' } },
  },
};

describe(`voice directory on the modem line (${testDbKind()})`, () => {
  let office: ModemOffice;
  let sim: ModemOffice['sim'];
  let daemon: DaemonProcess;
  let events: ModemOffice['events'];
  const tts = new EspeakTts();

  beforeAll(async () => {
    office = await startModemOffice({ flow: FLOW.id });
    ({ sim, daemon, events } = office);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    for (const c of [
      { name: 'John Smith', nicknames: ['Johnny'], phones: [{ number: '139 0013 9001' }] },
      { name: 'Mary Johnson', phones: [{ number: '139 0013 9002' }] },
      { name: 'Robert Brown', phones: [{ number: '139 0013 9003' }] },
      { name: '王芳', phones: [{ number: '139 0013 9004' }] },
      { name: 'Nobody Reachable' },
    ]) expect((await daemon.api('POST', '/contacts', c)).status).toBe(201);
  });

  afterEach((c) => office.logIfFailed(c));
  afterAll(async () => { await office?.close(); });

  /** Rings, waits for the question to be played, then says `name` into the line. */
  const callAndSay = async (name: string, caller: string) => {
    const since = Date.now();
    const rings = sim.simulator.ring({ number: caller, rings: 3, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && Date.parse(e.at) >= since - 1000 && e.data.number === `+86${caller}`);
    const callId = ringing.data.callId as string;
    const asked = await sim.simulator.waitFor('vtx-end', { since, timeoutMs: 30_000 }); // the question was played
    await sim.simulator.waitFor('vrx-start', { since: asked.at, timeoutMs: 10_000 }); // and the modem listens again
    await sim.simulator.sendAudio(await tts.synthesize(name, 'en-us'));
    return { since, callId, rings };
  };

  /** Presses `key` once the prompt that started at `at` has played and the modem listens again (+VRX carries the DLE code). */
  const pressAfterPrompt = async (at: number, key: string) => {
    const played = await sim.simulator.waitFor('vtx-end', { since: at, timeoutMs: 30_000 });
    await sim.simulator.waitFor('vrx-start', { since: played.at, timeoutMs: 10_000 });
    await sim.simulator.pressDigits(key);
  };

  it('caller says a name, confirms with 1, and the call is transferred to that contact', async () => {
    const { since, callId, rings } = await callAndSay('Mary Johnson', '13800138000');
    // "Did you say Mary Johnson? …" is the next prompt; the caller presses 1 once it plays
    const confirm = await sim.simulator.waitFor('vtx-start', { since: Date.now(), timeoutMs: 30_000 });
    await pressAfterPrompt(confirm.at, '1');
    const transfer = await sim.simulator.waitFor('transfer', { since, timeoutMs: 30_000 });
    expect(transfer.detail).toBe('13900139002');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    expect(ended.data.disposition).toBe('handset');
    const call = await daemon.api<{ ivrPath: Array<{ node: string; digits?: string }> }>('GET', `/calls/${callId}`);
    expect(call.body.ivrPath.map((s) => s.node)).toEqual(['who']);
    expect(call.body.ivrPath[0]!.digits).toBe('1');
    expect(sim.simulator.commands.filter((c) => c.at >= since).map((c) => c.command)).toContain('ATD!13900139002;');
    await rings;
    await waitForLineIdle(daemon, 'office');
  });

  it('a nickname finds the contact; pressing 2 does not transfer', async () => {
    const { since, callId, rings } = await callAndSay('Johnny', '13800138001');
    const confirm = await sim.simulator.waitFor('vtx-start', { since: Date.now(), timeoutMs: 30_000 });
    await pressAfterPrompt(confirm.at, '2');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    expect(ended.data.disposition).toBe('completed');
    expect(sim.simulator.history.filter((h) => h.at >= since && h.event === 'transfer')).toEqual([]);
    const played = sim.simulator.played().filter((p) => p.at >= since).length;
    expect(played).toBeGreaterThanOrEqual(3); // question, "did you say John Smith?", "sorry"
    await rings;
  });
});

describe(`the shipped main flow: 3 in the menu is the voice directory (${testDbKind()})`, () => {
  let office: ModemOffice;

  beforeAll(async () => {
    office = await startModemOffice({ flow: 'main' });
    const { daemon } = office;
    // The office is open all week for this test (the shipped hours would send an evening run to voicemail); the rest is as shipped.
    const main = await daemon.api<{ definition: { nodes: Record<string, Record<string, unknown>> } }>('GET', '/ivr/flows/main?version=published');
    const def = main.body.definition;
    const day = [['00:00', '24:00']];
    def.nodes.hours = { ...def.nodes.hours, schedule: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }, holidays: [] };
    expect((await daemon.api('PUT', '/ivr/flows/main', def)).status).toBe(200);
    expect((await daemon.api('POST', '/contacts', { name: 'Mary Johnson', phones: [{ number: '139 0013 9002' }] })).status).toBe(201);
  });

  afterEach((c) => office.logIfFailed(c));
  afterAll(async () => { await office?.close(); });

  it('welcome, menu, 3, "Mary Johnson", 1: the call is transferred to her number', async () => {
    const { sim, daemon, events } = office;
    const since = Date.now();
    const rings = sim.simulator.ring({ number: '13800138009', rings: 3, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138009');
    const callId = ringing.data.callId as string;
    // Three prompts: the welcome in Mandarin, in English, then the menu; 3 once the modem listens again.
    let at = since;
    for (let i = 0; i < 3; i++) at = (await sim.simulator.waitFor('vtx-end', { since: at, timeoutMs: 60_000 })).at + 1;
    await sim.simulator.waitFor('vrx-start', { since: at - 1, timeoutMs: 10_000 });
    await sim.simulator.pressDigits('3');
    // "Please say the name …", then the caller says it
    const asked = await sim.simulator.waitFor('vtx-end', { since: Date.now(), timeoutMs: 30_000 });
    await sim.simulator.waitFor('vrx-start', { since: asked.at, timeoutMs: 10_000 });
    await sim.simulator.sendAudio(await new EspeakTts().synthesize('Mary Johnson', 'en-us'));
    const confirm = await sim.simulator.waitFor('vtx-end', { since: Date.now(), timeoutMs: 30_000 });
    await sim.simulator.waitFor('vrx-start', { since: confirm.at, timeoutMs: 10_000 });
    await sim.simulator.pressDigits('1');
    const transfer = await sim.simulator.waitFor('transfer', { since, timeoutMs: 30_000 });
    expect(transfer.detail).toBe('13900139002');
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 30_000);
    expect(ended.data.disposition).toBe('handset');
    const call = await daemon.api<{ ivrPath: Array<{ node: string }> }>('GET', `/calls/${callId}`);
    expect(call.body.ivrPath.map((s) => s.node)).toEqual(['hours', 'caller', 'welcome', 'welcome-en', 'menu', 'directory']);
    await rings;
  });
});
