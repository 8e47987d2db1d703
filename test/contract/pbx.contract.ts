/**
 * The contract of the `Pbx` port (src/core/ports.ts), as tests that run
 * against every implementation: the Asterisk driver on the lab
 * (test/asterisk/pbx-contract.test.ts), on a real Asterisk
 * (npm run contract:hardware), and the in-process fake the services' unit
 * tests use (test/contract/fake-pbx.test.ts). What one passes, all pass.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/core/errors.ts';
import type { Pbx } from '../../src/core/ports.ts';
import { PbxEventLog } from './pbx-events.ts';
import { until } from '../helpers/wait.ts';

/** The far side of a PBX, as small as the contract needs. */
export interface PbxFarSide {
  /** The PBX under test (not started yet). */
  pbx: Pbx;
  /** A dial string whose phone answers (after ringing a moment), is busy, or rings until our time-out. */
  phone(behaviour: 'answer' | 'busy' | 'no-answer'): string;
  /**
   * A dial string of a callee out in the network: a person (a short hello,
   * then silence), an answering machine (a long greeting and a beep), busy,
   * ringing until our time-out, a network that fails the call, or a person
   * who presses 5 a few seconds after their hello (a survey's answer).
   */
  callee(kind: 'human' | 'machine' | 'busy' | 'no-answer' | 'congestion' | 'keypress'): string;
  /** A caller dials in with this caller ID; once we answer they press `dtmf` (if any) and stay on the line. */
  callIn(o: { number: string; name?: string; dtmf?: string }): Promise<void>;
  /** The far end of a leg hangs up (a caller: the one with this caller ID). */
  farHangup(leg: { id: string; name: string; callerNumber: string }): Promise<void>;
  /** The legs in a bridge, as the PBX reports them. */
  bridgeMembers(bridgeId: string): Promise<string[]>;
  /** The PBX goes away (crash); `restore` brings it back restarted (every leg lost). */
  kill(): Promise<void>;
  restore(): Promise<void>;
  /** A sound the PBX plays for a moment, and one long enough to be stopped. */
  sounds: { short: string; long: string };
  /** How long events may take to arrive here (ms). */
  patienceMs: number;
  close(): Promise<void>;
}

const rejectsWith = async (p: Promise<unknown>, ...codes: string[]): Promise<void> => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err, `expected a ${codes.join(' or ')} rejection`).not.toBeNull();
  expect(codes).toContain(isKefuError(err) ? err.code : err);
};

export function pbxContract(name: string, makeFarSide: () => Promise<PbxFarSide>): void {
  describe(`Pbx contract: ${name}`, () => {
    let far: PbxFarSide;
    let pbx: Pbx;
    let log: PbxEventLog;
    let t: number;
    const gone = (legId: string) => log.of('legGone', (e) => e.legId === legId);

    /** Events on one connection come in order: once a later leg is reported gone, every earlier event is here. */
    const barrier = async (): Promise<void> => {
      const id = randomUUID();
      await pbx.originate({ id, endpoint: far.phone('busy'), role: 'agent', args: ['barrier'], timeoutS: 5, callerId: 'kefu' });
      await log.legGone(id, t);
    };

    /** A caller in our application, answered: its leg. Every test uses numbers of its own. */
    const answeredCaller = async (number: string, dtmf?: string) => {
      await far.callIn({ number, name: 'Contract', ...(dtmf ? { dtmf } : {}) });
      const e = await log.wait('legEntered', (x) => x.role === 'inbound' && x.leg.callerNumber === number, t);
      await pbx.answer(e.leg.id);
      await log.wait('legAnswered', (x) => x.legId === e.leg.id, t);
      return e.leg;
    };

    /** An originated leg that answered and entered. */
    const answeredAgent = async (args: string[] = ['call-1', 'agent-1']) => {
      const id = randomUUID();
      const placed = await pbx.originate({ id, endpoint: far.phone('answer'), role: 'agent', args, timeoutS: 10, callerId: '13800138000' });
      const entered = await log.entered(id, t);
      return { id, name: placed.name, entered };
    };

    beforeAll(async () => {
      far = await makeFarSide();
      pbx = far.pbx;
      t = far.patienceMs;
      log = new PbxEventLog(pbx);
      await pbx.start();
      await log.wait('link', (e) => e.up, t);
    });
    afterAll(async () => {
      log?.close();
      await pbx?.stop();
      await far?.close();
    });

    it('a caller dials in: legEntered with role inbound and the caller ID, listed by legs(), answered on request', async () => {
      const leg = await answeredCaller('13800138001');
      const entered = log.of('legEntered', (e) => e.leg.id === leg.id)[0]!;
      expect(entered.role).toBe('inbound');
      expect(entered.leg.callerName).toBe('Contract');
      expect(entered.leg.name).toMatch(/\w+\/.+/);
      expect(await pbx.legs()).toContain(leg.id);
      // a caller on a SIP trunk has its dialog's Call-ID; a gone leg has none
      const sipCallId = await pbx.sipCallId(leg.id);
      expect(sipCallId).toMatch(/\S+/);
      await pbx.hangup(leg.id);
      expect((await log.legGone(leg.id, t)).legId).toBe(leg.id);
      expect(await pbx.legs()).not.toContain(leg.id);
      expect(await pbx.sipCallId(leg.id)).toBeNull();
    });

    it('originate: the leg keeps our id, its role and args come back in legEntered, legAnswered too', async () => {
      const { id, name, entered } = await answeredAgent(['call-7', 'agent-7']);
      expect(entered.role).toBe('agent');
      expect(entered.args).toEqual(['call-7', 'agent-7']);
      expect(entered.leg.name).toBe(name);
      expect(entered.amd).toBeUndefined(); // no detection asked for
      await log.wait('legAnswered', (e) => e.legId === id, t);
      expect(await pbx.legs()).toContain(id);
      await pbx.hangup(id);
      expect((await log.legGone(id, t)).cause).toEqual(expect.any(Number));
    });

    it('hangup is idempotent: a gone leg, twice, or an id never seen resolve; legGone comes exactly once', async () => {
      const { id } = await answeredAgent();
      await pbx.hangup(id);
      await log.legGone(id, t);
      await pbx.hangup(id);
      await pbx.hangup(id, 'busy');
      await pbx.hangup(randomUUID());
      await barrier();
      expect(gone(id)).toHaveLength(1);
    });

    it('a busy phone: legGone busy (cause 17, user busy), never legEntered', async () => {
      const id = randomUUID();
      await pbx.originate({ id, endpoint: far.phone('busy'), role: 'agent', args: ['c', 'a'], timeoutS: 5, callerId: 'kefu' });
      expect(await log.legGone(id, t)).toMatchObject({ reason: 'busy', cause: 17 });
      await barrier();
      expect(log.of('legEntered', (e) => e.leg.id === id)).toHaveLength(0);
      expect(gone(id)).toHaveLength(1);
    });

    it('a phone nobody answers: legGone after the ring time-out with a no-answer cause (18 or 19), never legEntered', async () => {
      const id = randomUUID();
      await pbx.originate({ id, endpoint: far.phone('no-answer'), role: 'handset', args: ['c'], timeoutS: 1, callerId: 'kefu' });
      // a ringing leg of ours is listed too: a resync must not take it for lost
      expect(await pbx.legs()).toContain(id);
      const e = await log.legGone(id, t + 1000);
      expect([18, 19]).toContain(e.cause);
      expect(e.reason).toBe('no-answer');
      expect(await pbx.legs()).not.toContain(id);
      expect(log.of('legEntered', (x) => x.leg.id === id)).toHaveLength(0);
    });

    /** A leg dialled with answering-machine detection. */
    const detecting = async (kind: Parameters<PbxFarSide['callee']>[0], timeoutS = 10) => {
      const id = randomUUID();
      await pbx.originate({ id, endpoint: far.callee(kind), role: 'dialer', args: ['call-amd', kind], timeoutS, callerId: '13800138000', detectMachine: true });
      return id;
    };
    const enteredAfterAnswer = (id: string) => {
      const i = log.all.findIndex((e) => e.type === 'legAnswered' && e.legId === id);
      const j = log.all.findIndex((e) => e.type === 'legEntered' && e.leg.id === id);
      return i >= 0 && j > i;
    };

    it('detectMachine: a person answers; legAnswered at once, listed while detection listens, then legEntered with role, args and amd human', async () => {
      const id = await detecting('human');
      await log.wait('legAnswered', (e) => e.legId === id, t);
      if (log.of('legEntered', (e) => e.leg.id === id).length === 0) expect(await pbx.legs()).toContain(id);
      const e = await log.entered(id, t);
      expect(e.amd).toEqual({ status: 'human', cause: 'silence-after-greeting' });
      expect([e.role, e.args]).toEqual(['dialer', ['call-amd', 'human']]);
      expect(enteredAfterAnswer(id)).toBe(true);
      await pbx.hangup(id);
      expect((await log.legGone(id, t)).reason).toBe('normal');
    });

    it('detectMachine: an answering machine enters with amd machine', async () => {
      const id = await detecting('machine');
      const e = await log.entered(id, t);
      expect(e.amd?.status).toBe('machine');
      expect(['initial-silence', 'long-greeting', 'too-many-words', 'long-word']).toContain(e.amd?.cause);
      expect(enteredAfterAnswer(id)).toBe(true);
      await pbx.hangup(id);
      await log.legGone(id, t);
    });

    it('detectMachine: a person who presses a key enters as human; the key arrives as dtmf afterwards', async () => {
      const id = await detecting('keypress');
      expect((await log.entered(id, t)).amd?.status).toBe('human');
      expect((await log.wait('dtmf', (e) => e.legId === id, t)).digit).toBe('5');
      await pbx.hangup(id);
      await log.legGone(id, t);
    });

    it('detectMachine: busy, rang out and congestion end as busy, no-answer and failed, never legEntered', async () => {
      const busy = await detecting('busy');
      const noAnswer = await detecting('no-answer', 1);
      const congestion = await detecting('congestion');
      expect(await log.legGone(busy, t)).toMatchObject({ reason: 'busy', cause: 17 });
      expect((await log.legGone(congestion, t)).reason).toBe('failed');
      expect((await log.legGone(noAnswer, t + 1000)).reason).toBe('no-answer');
      await barrier();
      for (const id of [busy, noAnswer, congestion]) {
        expect(log.of('legEntered', (e) => e.leg.id === id)).toHaveLength(0);
        expect(gone(id)).toHaveLength(1);
      }
    });

    it('we hang up a ringing leg: it ends with legGone, never legEntered', async () => {
      const id = randomUUID();
      await pbx.originate({ id, endpoint: far.phone('no-answer'), role: 'agent', args: ['c', 'a'], timeoutS: 30, callerId: 'kefu' });
      await pbx.hangup(id);
      expect((await log.legGone(id, t)).reason).toBe('cancelled');
      await barrier();
      expect(log.of('legEntered', (x) => x.leg.id === id)).toHaveLength(0);
      expect(gone(id)).toHaveLength(1);
    });

    // Asterisk reports no cause for a caller who hangs up (BYE: ChannelHangupRequest without one, StasisEnd, no ChannelDestroyed for the app)
    it('the far end hangs up: legGone exactly once (cause when the PBX gave one)', async () => {
      const caller = await answeredCaller('13800138002');
      await far.farHangup(caller);
      const e = await log.legGone(caller.id, t);
      expect(['number', 'undefined']).toContain(typeof e.cause);
      expect(e.reason).toBe('normal'); // it was answered
      await barrier();
      expect(gone(caller.id)).toHaveLength(1);
    });

    it('bridge puts the legs in one mixing bridge; addToBridge joins a third; destroyBridge is idempotent', async () => {
      const caller = await answeredCaller('13800138003');
      const agent = await answeredAgent();
      const bridgeId = await pbx.bridge([caller.id, agent.id]);
      expect((await far.bridgeMembers(bridgeId)).sort()).toEqual([caller.id, agent.id].sort());
      // inventory() lists the legs with their names and the bridge with its legs (a node taken over finds its calls with it)
      const inv = await pbx.inventory();
      expect(inv.bridges.find((b) => b.id === bridgeId)?.legIds.sort()).toEqual([caller.id, agent.id].sort());
      // with the role each entered with: a caller no row names is told from the legs we dialled by it
      expect(inv.legs.find((l) => l.id === caller.id)).toMatchObject({ name: caller.name, callerNumber: '13800138003', role: 'inbound' });
      expect(inv.legs.find((l) => l.id === agent.id)).toMatchObject({ name: agent.name, role: 'agent', args: ['call-1', 'agent-1'] });
      // and when each was made (a caller taken over with no row: its record starts then)
      const made = Date.parse(inv.legs.find((l) => l.id === caller.id)!.createdAt ?? '');
      expect(Date.now() - made).toBeGreaterThanOrEqual(0);
      expect(Date.now() - made).toBeLessThan(60_000);
      const third = await answeredAgent(['monitor-1']);
      await pbx.addToBridge(bridgeId, third.id);
      expect(await far.bridgeMembers(bridgeId)).toHaveLength(3);
      await pbx.destroyBridge(bridgeId);
      await until('the bridge is gone from inventory()', async () => !(await pbx.inventory()).bridges.some((b) => b.id === bridgeId));
      await pbx.destroyBridge(bridgeId);
      // a bridge being torn down may still refuse as CONFLICT (ports.ts: NOT_FOUND / CONFLICT)
      await rejectsWith(pbx.addToBridge(bridgeId, third.id), 'NOT_FOUND', 'CONFLICT');
      for (const id of [caller.id, agent.id, third.id]) await pbx.hangup(id);
      await Promise.all([caller.id, agent.id, third.id].map((id) => log.legGone(id, t)));
    });

    it('bridge or addToBridge with a leg that does not exist rejects with NOT_FOUND', async () => {
      const caller = await answeredCaller('13800138004');
      await rejectsWith(pbx.bridge([caller.id, randomUUID()]), 'NOT_FOUND');
      const agent = await answeredAgent();
      const bridgeId = await pbx.bridge([caller.id, agent.id]);
      await rejectsWith(pbx.addToBridge(bridgeId, randomUUID()), 'NOT_FOUND');
      await pbx.destroyBridge(bridgeId);
      await pbx.hangup(agent.id);
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
    });

    it('ring and music on hold go on and off; off never rejects for a gone leg, on does (NOT_FOUND)', async () => {
      const caller = await answeredCaller('13800138005');
      await pbx.ring(caller.id, true);
      await pbx.ring(caller.id, false);
      await pbx.moh(caller.id, true);
      await pbx.moh(caller.id, false);
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
      await pbx.ring(caller.id, false);
      await pbx.moh(caller.id, false);
      await rejectsWith(pbx.ring(caller.id, true), 'NOT_FOUND');
      await rejectsWith(pbx.moh(caller.id, true), 'NOT_FOUND');
    });

    it('play resolves once it started; playbackDone follows with our id; stopPlayback ends one early and is idempotent', async () => {
      const caller = await answeredCaller('13800138006');
      const short = randomUUID();
      await pbx.play(caller.id, far.sounds.short, short);
      expect((await log.wait('playbackDone', (e) => e.playbackId === short, t)).legId).toBe(caller.id);
      const long = randomUUID();
      await pbx.play(caller.id, far.sounds.long, long);
      await pbx.stopPlayback(long);
      expect((await log.wait('playbackDone', (e) => e.playbackId === long, t)).legId).toBe(caller.id);
      await pbx.stopPlayback(long);
      await pbx.stopPlayback(randomUUID());
      await rejectsWith(pbx.play(randomUUID(), far.sounds.short, randomUUID()), 'NOT_FOUND');
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
    });

    it('a playback on a leg that goes ends with playbackDone too', async () => {
      const caller = await answeredCaller('13800138007');
      const id = randomUUID();
      await pbx.play(caller.id, far.sounds.long, id);
      await pbx.hangup(caller.id);
      await log.wait('playbackDone', (e) => e.playbackId === id, t);
    });

    it('recordMessage ends with recordingDone; takeRecording hands the WAV over once', async () => {
      const caller = await answeredCaller('13800138008');
      const name = `contract-${randomUUID()}`;
      await pbx.recordMessage(caller.id, { name, maxS: 1, beep: false });
      const done = await log.wait('recordingDone', (e) => e.name === name, t + 1000);
      expect(done).toMatchObject({ legId: caller.id, ok: true });
      const wav = await pbx.takeRecording(name);
      expect(wav?.subarray(0, 4).toString()).toBe('RIFF');
      expect(await pbx.takeRecording(name)).toBeNull();
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
    });

    it('the keys a caller presses arrive as dtmf events, in order', async () => {
      const caller = await answeredCaller('13800138009', '42#');
      await log.wait('dtmf', (e) => e.legId === caller.id && e.digit === '#', t + 2000);
      expect(log.of('dtmf', (e) => e.legId === caller.id).map((e) => e.digit).join('')).toBe('42#');
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
    });

    it('snoop: a leg on ours that enters with role snoop and our args', async () => {
      const caller = await answeredCaller('13800138010');
      const snoopId = randomUUID();
      await pbx.snoop(caller.id, { id: snoopId, whisper: false, args: ['monitor-9'] });
      const e = await log.entered(snoopId, t);
      expect(e.role).toBe('snoop');
      expect(e.args).toEqual(['monitor-9']);
      await pbx.hangup(snoopId);
      await pbx.hangup(caller.id);
      await log.legGone(caller.id, t);
    });

    it('the PBX goes away: link down, operations reject with PBX_UNREACHABLE; back: link up, lost legs are missing from legs()', async () => {
      const caller = await answeredCaller('13800138011');
      const downs = log.of('link', (e) => !e.up).length;
      const ups = log.of('link', (e) => e.up).length;
      await far.kill();
      await log.wait('link', (e) => !e.up && log.of('link', (x) => !x.up).indexOf(e) >= downs, t);
      await rejectsWith(pbx.originate({ id: randomUUID(), endpoint: far.phone('answer'), role: 'agent', args: [], timeoutS: 5, callerId: 'kefu' }), 'PBX_UNREACHABLE');
      await rejectsWith(pbx.legs(), 'PBX_UNREACHABLE');
      await rejectsWith(pbx.answer(caller.id), 'PBX_UNREACHABLE');
      await far.restore();
      await log.wait('link', (e) => e.up && log.of('link', (x) => x.up).indexOf(e) >= ups, t * 2);
      expect(await pbx.legs()).not.toContain(caller.id);
      const back = await answeredCaller('13800138012');
      await pbx.hangup(back.id);
      await log.legGone(back.id, t);
    });
  });
}
