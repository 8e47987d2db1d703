/**
 * Voice lookup of contacts on the multi-seat backend (real Asterisk lab): the
 * carrier calls in and plays a name spoken by espeak-ng (8 kHz WAV), the
 * daemon records it with ARI (ends on silence), recognises it with the real
 * pocketsphinx, asks "did you say …?", the carrier presses 1, and the
 * contact's seat rings and takes the call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { labDaemonConfig, settledCall, startLab, type Lab, type LegOut } from '../helpers/asterisk-lab.ts';
import { waitForLineIdle } from '../helpers/wait.ts';
import { EspeakTts } from '../../src/media/tts.ts';
import { writeWav } from '../../src/media/wav.ts';

const FLOW = {
  id: 'voice-directory', name: 'Voice directory', entry: 'who',
  nodes: {
    who: { type: 'directory', prompt: { text: 'Say a name.', voice: 'en-us' }, noInputMs: 3000, retries: 0, fallback: 'bye', onNoMatch: 'bye', onNoInput: 'bye' },
    bye: { type: 'hangup', prompt: { text: 'Goodbye.', voice: 'en-us' } },
  },
};

describe(`voice directory on Asterisk (${testDbKind()})`, () => {
  let lab: Lab;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  const dir = mkdtempSync(join(tmpdir(), 'kefu-names-'));

  beforeAll(async () => {
    lab = await startLab();
    db = await freshDatabase();
    daemon = await startDaemonProcess({ databaseUrl: db.url, config: labDaemonConfig(lab, { channels: 1, flow: FLOW.id }, { seats: [{ id: 'seat-110', endpoint: 'PJSIP/110' }] }) });
    events = await eventClient(daemon.url);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
    expect((await daemon.api('POST', '/contacts', { name: 'Mary Johnson', seat: 'seat-110' })).status).toBe(201);
    expect((await daemon.api('POST', '/contacts', { name: 'John Smith', phones: [{ number: '13900139001' }] })).status).toBe(201);
    await writeWav(join(dir, 'mary.wav'), await new EspeakTts().synthesize('Mary Johnson', 'en-us'), undefined, 0o644);
    await writeWav(join(dir, 'john.wav'), await new EspeakTts().synthesize('John Smith', 'en-us'), undefined, 0o644);
    await waitForLineIdle(daemon, 'trunk1');
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await lab?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the caller says a name, confirms with 1, and the contact\'s seat takes the call', async () => {
    await lab.carrier.action('Setvar', { Variable: 'AGENT_110', Value: 'answer' });
    await lab.call({ number: '13800138000', preWaitS: 3, say: join(dir, 'mary'), afterWaitS: 5, afterDtmf: '1', holdS: 20 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138000');
    const callId = ringing.data.callId as string;
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 90_000);
    const call = await settledCall<{ disposition: string; digits: string; ivrPath: Array<{ node: string; branch?: string }>; legs: LegOut[] }>(daemon, callId);
    expect(ended.data.disposition, JSON.stringify(call) + daemon.output().split('\n').filter((l) => l.includes(callId) || /"level":[45]0/.test(l)).slice(-15).join('\n')).toBe('completed');
    // on a PBX the seat that answers is connected to the caller (as for a handset node); the caller hanging up completes the call
    expect(call.digits).toBe('1');
    expect(call.ivrPath.map((p) => p.node)).toEqual(['who']);
    expect(call.legs.some((l) => l.seatId === 'seat-110' && l.answeredAt !== null)).toBe(true);
  });

  it('a contact with a number and no seat: the trunk dials the number and the caller is bridged to whoever answers', async () => {
    await waitForLineIdle(daemon, 'trunk1');
    await lab.call({ number: '13800138001', preWaitS: 3, say: join(dir, 'john'), afterWaitS: 5, afterDtmf: '1', holdS: 15 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613800138001');
    const callId = ringing.data.callId as string;
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 90_000);
    const call = await settledCall<{ disposition: string; digits: string; legs: LegOut[] }>(daemon, callId);
    expect(ended.data.disposition, JSON.stringify(call)).toBe('completed');
    expect(call.digits).toBe('1');
    // 13900139001 on the lab's carrier is its plain customer, who answers after a second (test/helpers/callees.ts)
    const out = call.legs.filter((l) => l.kind === 'outbound');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ seatId: null, answeredAt: expect.any(String) });
  });
});
