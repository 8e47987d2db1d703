/**
 * The contract of the `LineDriver` port (src/core/ports.ts), as tests that
 * run against every implementation: the V.253 modem driver with the modem
 * simulator on the far side of a pty (test/contract/v253-modem.test.ts), and
 * a real modem on a real line when a technician runs
 * `npm run contract:hardware` (the far side is then a person with a phone).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DialOutcome, LineDriver, LineEvent } from '../../src/core/ports.ts';
import { until } from '../helpers/wait.ts';

/** The far side of one phone line, as small as the contract needs. */
export interface LineFarSide {
  /** The driver under test (not started yet). */
  driver: LineDriver;
  /** The caller ID the far side's calls show (a simulator shows `suggested`; a real phone its own number). */
  callerNumber(suggested: string): string;
  /** A caller rings the line `rings` times with this caller ID (or until answered); resolves when ringing stops. */
  ring(o: { number: string; rings: number }): Promise<void>;
  /** The caller (off-hook) presses keys. */
  press(digits: string): Promise<void>;
  /** The caller (off-hook) speaks `ms` of sound. */
  speak(ms: number): Promise<void>;
  /** The caller hangs up. */
  hangUp(): Promise<void>;
  /** Sets up the next dial: the number to dial that answers, is busy, or is not answered. */
  nextDial(outcome: 'answer' | 'busy' | 'no-answer'): Promise<string>;
  /** The device is pulled out, and put back. */
  pull(): Promise<void>;
  plugIn(): Promise<void>;
  /** How long events may take to arrive (ms). */
  patienceMs: number;
  close(): Promise<void>;
}

class EventLog {
  readonly list: LineEvent[] = [];
  readonly push = (e: LineEvent): void => void this.list.push(e);
  of<T extends LineEvent['type']>(type: T, since = 0): Array<Extract<LineEvent, { type: T }>> {
    return this.list.slice(since).filter((e): e is Extract<LineEvent, { type: T }> => e.type === type);
  }
  /** Waits (polling with a deadline) until `count` events of `type` arrived after index `since`. */
  async wait<T extends LineEvent['type']>(type: T, since: number, patienceMs: number, count = 1): Promise<Array<Extract<LineEvent, { type: T }>>> {
    await until(`${count}x ${type}`, () => this.of(type, since).length >= count, {
      timeoutMs: patienceMs, intervalMs: 10, detail: () => `got ${this.list.slice(since).filter((e) => e.type !== 'audio').map((e) => e.type).join(', ')}`,
    });
    return this.of(type, since);
  }
  get mark(): number { return this.list.length; }
}

const tone = (ms: number): Buffer => {
  const n = (ms * 8000) / 1000;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(9000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return b;
};

export function lineDriverContract(name: string, makeFarSide: () => Promise<LineFarSide>): void {
  describe(`LineDriver contract: ${name}`, () => {
    let far: LineFarSide;
    let driver: LineDriver;
    const log = new EventLog();
    const patience = () => far.patienceMs;

    /** A caller rings in and we answer: resolves once the call is up. */
    const answeredCall = async (suggested: string): Promise<number> => {
      const at = log.mark;
      const ringing = far.ring({ number: far.callerNumber(suggested), rings: 6 });
      await log.wait('callerId', at, patience());
      await driver.answer();
      await ringing;
      return at;
    };

    const onHookAgain = async (at: number): Promise<void> => { await log.wait('hangup', at, patience()); };

    beforeAll(async () => {
      far = await makeFarSide();
      driver = far.driver;
      driver.on(log.push);
      await driver.start();
      await log.wait('online', 0, far.patienceMs);
    });

    afterAll(async () => {
      await driver?.stop();
      await far?.close();
    });

    beforeEach(() => { expect(driver.info(), 'the device is probed and online').not.toBeNull(); });
    // every test leaves the line on-hook, whatever happened in it
    afterEach(async () => { await driver.hangup(); });

    it('starts online with what the device can do; info() says it', () => {
      const online = log.of('online')[0]!;
      expect(online.info.capabilities.voice).toBe(true);
      expect(driver.info()).toEqual(online.info);
    });

    it('a caller rings: ring events, then caller ID with the number; reject drops the call without answering it', async () => {
      const at = log.mark;
      const number = far.callerNumber('13800138000');
      const ringing = far.ring({ number, rings: 6 });
      const cid = await log.wait('callerId', at, patience());
      expect(cid[0]!.callerId.number).toBe(number);
      expect(log.of('ring', at).length).toBeGreaterThanOrEqual(1);
      await driver.reject();
      await ringing;
      expect(log.of('answered', at)).toEqual([]);
      expect(log.of('audio', at)).toEqual([]);
    });

    it('answer: off-hook in voice mode, the caller is heard (rx audio) and their keys come as dtmf in order', async () => {
      const at = await answeredCall('13800138001');
      const heard = log.mark;
      await far.speak(300);
      await log.wait('audio', heard, patience());
      expect(log.of('audio', heard).some((e) => e.direction === 'rx')).toBe(true);
      await far.press('42#');
      const keys = await log.wait('dtmf', at, patience(), 3);
      expect(keys.map((k) => k.digit).join('')).toBe('42#');
    });

    it('play: completes and reports what was sent; a signal stops it early without rejecting', async () => {
      await answeredCall('13800138002');
      expect(await driver.play(tone(300))).toEqual({ completed: true, interruptedBy: null });
      const stop = new AbortController();
      const long = driver.play(tone(8000), { signal: stop.signal });
      stop.abort();
      expect(await long).toMatchObject({ completed: false });
    });

    it('play with interruptOnDtmf ends at the first key and names it', async () => {
      await answeredCall('13800138003');
      const sending = log.mark;
      const playing = driver.play(tone(8000), { interruptOnDtmf: true });
      // the key is pressed once the caller hears the prompt (tx audio is on its way)
      await until('play sends audio', () => log.of('audio', sending).some((e) => e.direction === 'tx'), { timeoutMs: patience(), intervalMs: 10 });
      await far.press('5');
      expect(await playing).toEqual({ completed: false, interruptedBy: '5' });
    });

    it('the caller hangs up: one hangup event; play after it resolves (never rejects); hangup() is harmless', async () => {
      const at = await answeredCall('13800138004');
      await far.hangUp();
      await onHookAgain(at);
      expect(log.of('hangup', at)).toHaveLength(1);
      expect((await driver.play(tone(200))).completed).toBe(false);
      await driver.hangup();
      await driver.hangup();
      expect(log.of('hangup', at)).toHaveLength(1);
    });

    it('dial: answered, busy and no answer are told apart', async () => {
      const outcomes: DialOutcome[] = [];
      for (const o of ['busy', 'no-answer', 'answer'] as const) {
        const number = await far.nextDial(o);
        outcomes.push(await driver.dial(number, { timeoutMs: Math.max(3000, patience() / 2) }));
        if (outcomes.at(-1) === 'answered') await driver.hangup();
      }
      expect(outcomes).toEqual(['busy', 'no-answer', 'answered']);
    });

    it('a pulled device: offline, its operations refuse; plugged in again it comes back online by itself', async () => {
      const at = log.mark;
      await far.pull();
      await log.wait('offline', at, patience());
      await expect(driver.answer()).rejects.toThrow();
      await far.plugIn();
      await log.wait('online', at, patience());
      expect(driver.info()).not.toBeNull();
    });
  });
}
