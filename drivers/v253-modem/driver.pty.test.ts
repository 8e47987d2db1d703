/**
 * The driver over a real pty pair (socat) with the modem simulator on the far
 * side, once per simulated dialect.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/core/errors.ts';
import type { LineEvent } from '../../src/core/ports.ts';
import { decodeToPcm, encodePcm } from './codec.ts';
import { DIALECT_NAMES, type DialectName } from './dialects.ts';
import { V253LineDriver } from './driver.ts';
import { probeModem } from './probe.ts';
import { createPtyPair, type PtyPair } from './pty.ts';
import { ModemSimulator, startSimulatedModem } from './simulator.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const sine = (ms: number, hz = 440, amp = 12000): Buffer => {
  const n = (ms * 8000) / 1000;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amp * Math.sin((2 * Math.PI * hz * i) / 8000)), i * 2);
  return b;
};

class Events {
  readonly list: LineEvent[] = [];
  push = (e: LineEvent): void => void this.list.push(e);
  of<T extends LineEvent['type']>(type: T): Array<Extract<LineEvent, { type: T }>> {
    return this.list.filter((e): e is Extract<LineEvent, { type: T }> => e.type === type);
  }
  async wait<T extends LineEvent['type']>(type: T, count = 1, timeoutMs = 5000): Promise<Array<Extract<LineEvent, { type: T }>>> {
    const t0 = Date.now();
    while (this.of(type).length < count) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`no ${count}x '${type}' within ${timeoutMs} ms; got ${this.list.filter((e) => e.type !== 'audio').map((e) => e.type).join(',')}`);
      await sleep(10);
    }
    return this.of(type);
  }
  clear(): void {
    this.list.length = 0;
  }
}

describe.each(DIALECT_NAMES.map((d) => [d]))('V.253 driver over a pty pair: %s', (name: DialectName) => {
  let pty: PtyPair;
  let sim: ModemSimulator;
  let driver: V253LineDriver;
  let events: Events;

  beforeEach(async () => {
    pty = await createPtyPair();
    sim = await ModemSimulator.open({ pty, dialect: name });
    driver = new V253LineDriver({
      id: `line-${name}`,
      path: pty.driverPath,
      commandTimeoutMs: 600,
      ringTimeoutMs: 400,
      callerIdQuietMs: 200,
      reconnect: { minMs: 100, maxMs: 400 },
      dialRingbackGapMs: 500,
    });
    events = new Events();
    driver.on(events.push);
    await driver.start();
  });

  afterEach(async () => {
    await driver.stop();
    await sim.close();
    await pty.close();
  });

  it('probes identity, voice and caller ID', async () => {
    const info = driver.info();
    expect(info?.manufacturer).toBe(sim.dialect.identity['+GMI'][0]);
    expect(info?.model).toBe(sim.dialect.identity['+GMM'][0]);
    expect(info?.capabilities.voice).toBe(true);
    expect(info?.capabilities.callerId).toBe(true);
    expect(info?.callerIdCommand).toBe(sim.dialect.callerIdCommands[0]);
    expect(events.of('online')).toHaveLength(1);
    expect(driver.probeResult()?.quirks.stopRepeat).toBe(sim.dialect.stopRepeat);
    // The diagnose probe reuses the same command layer on its own connection.
    await driver.stop();
    const report = await probeModem(pty.driverPath, 115200, { commandTimeoutMs: 600 });
    expect(report.responding).toBe(true);
    expect(report.info?.capabilities.voice).toBe(true);
    expect(report.details?.voiceFormat?.command).toMatch(/^AT\+VSM=\d+,8000$/);
    expect(report.problems.filter((p) => /data-only|caller-ID/.test(p.problem))).toEqual([]);
  });

  it('reports ring and caller ID in formatted, DDN and private form', async () => {
    const calls = [
      { format: 'formatted', number: '13800138000', name: 'ZHANG SAN' },
      { format: 'ddn', number: '01088889999' },
      { format: 'private' },
    ] as const;
    for (const [i, call] of calls.entries()) {
      await sim.ring({ ...call, rings: 2, intervalMs: 250, date: '0321', time: '1405' });
      await events.wait('callerId', i + 1);
      await sleep(450);
      expect(driver.lineState()).toBe('idle');
    }
    const cids = events.of('callerId').map((e) => e.callerId);
    expect(cids).toEqual([
      { number: '13800138000', name: 'ZHANG SAN', withheld: null, date: '0321', time: '1405' },
      { number: '01088889999', name: null, withheld: null, date: '0321', time: '1405' },
      { number: null, name: null, withheld: 'private', date: '0321', time: '1405' },
    ]);
    expect(events.of('ring')).toHaveLength(6);
  });

  it('transfers a call: hook flash and dial in one dial string, then on-hook', async () => {
    expect(await driver.transfer('13900139002')).toBe(false); // no call
    const ringing = sim.ring({ number: '13900000000', rings: 5, intervalMs: 300 });
    await events.wait('ring');
    await driver.answer();
    await ringing;
    await events.wait('answered');
    await expect(driver.transfer('139-0013')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await driver.transfer('13900139002')).toBe(true);
    expect(sim.history.find((h) => h.event === 'transfer')?.detail).toBe('13900139002');
    expect(sim.commands.map((c) => c.command)).toContain('ATD!13900139002;');
    expect((await events.wait('hangup'))[0]!.cause).toBe('local');
    expect(sim.status().offHook).toBe(false);
  });

  it('answers, receives DTMF and audio, plays 1 s, sees the far end hang up', async () => {
    const ringing = sim.ring({ number: '13900000000', rings: 5, intervalMs: 300 });
    await events.wait('ring');
    await driver.answer();
    await ringing;
    await events.wait('answered');
    expect(sim.history.find((h) => h.event === 'offhook')?.detail).toBe('voice');

    await sim.pressDigits('12#', { gapMs: 30 });
    await events.wait('dtmf', 3);
    expect(events.of('dtmf').map((e) => e.digit).join('')).toBe('12#');

    await sim.sendAudio(sine(400, 700));
    await sleep(100);
    const rx = Buffer.concat(events.of('audio').filter((e) => e.direction === 'rx').map((e) => e.pcm));
    expect(rx.length).toBeGreaterThanOrEqual(6400);
    let peak = 0;
    for (let i = 0; i + 1 < rx.length; i += 2) peak = Math.max(peak, Math.abs(rx.readInt16LE(i)));
    expect(peak).toBeGreaterThan(8000);

    const prompt = sine(1000);
    const t0 = Date.now();
    const res = await driver.play(prompt);
    expect(res).toEqual({ completed: true, interruptedBy: null });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const played = sim.played();
    expect(played).toHaveLength(1);
    expect(Math.abs((played[0]?.durationMs ?? 0) - 1000)).toBeLessThanOrEqual(100);
    expect(played[0]?.underruns).toBe(0);
    const enc = played[0]?.encoding ?? 'u8';
    expect(played[0]?.pcm.equals(decodeToPcm(encodePcm(prompt, enc), enc))).toBe(true);
    const tx = events.of('audio').filter((e) => e.direction === 'tx');
    expect(tx.reduce((n, e) => n + e.pcm.length, 0)).toBe(prompt.length);
    expect(driver.lineState()).toBe('voice-rx');

    await sim.hangUp();
    const [hangup] = await events.wait('hangup');
    expect(['remote', 'busy']).toContain(hangup?.cause);
    await sim.waitFor('onhook');
    await sleep(100);
    expect(driver.lineState()).toBe('idle');
    expect(sim.status().offHook).toBe(false);
  });

  it('stops a prompt on the first digit and when the far end hangs up', async () => {
    await driver.answer();
    const digit = sleep(400).then(() => sim.pressDigits('5'));
    const res = await driver.play(sine(3000), { interruptOnDtmf: true });
    await digit;
    expect(res).toEqual({ completed: false, interruptedBy: '5' });
    expect(sim.played()[0]?.aborted).toBe(true);
    expect(sim.played()[0]?.durationMs).toBeLessThan(1500);

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const res3 = await driver.play(sine(3000), { signal: ac.signal });
    expect(res3).toEqual({ completed: false, interruptedBy: null });
    expect(sim.played()[1]?.durationMs).toBeLessThan(1500);
    expect(driver.lineState()).toBe('voice-rx');

    const gone = sleep(400).then(() => sim.hangUp());
    const t0 = Date.now();
    const res2 = await driver.play(sine(3000));
    await gone;
    expect(res2.completed).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2500);
    await events.wait('hangup');
    await sim.waitFor('onhook');
  });

  it('hangup() during a prompt ends it at once', async () => {
    await driver.answer();
    const playing = driver.play(sine(5000));
    await sleep(300);
    const t0 = Date.now();
    await driver.hangup();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await playing).completed).toBe(false);
    expect(events.of('hangup').map((e) => e.cause)).toEqual(['local']);
    expect(driver.lineState()).toBe('idle');
    expect(sim.status().offHook).toBe(false);
    await driver.hangup();
  });

  it('dials out: answered, then busy', async () => {
    sim.answerOutbound({ delayMs: 200 });
    expect(await driver.dial('10086')).toBe('answered');
    expect(driver.lineState()).toBe('voice-rx');
    expect(sim.commands.some((c) => c.command === 'ATD10086;')).toBe(true);
    await driver.hangup();
    expect(events.of('hangup').at(-1)?.cause).toBe('local');
    expect(driver.lineState()).toBe('idle');
    sim.busyOutbound({ delayMs: 150 });
    expect(await driver.dial('10010')).toBe('busy');
    expect(driver.lineState()).toBe('idle');
  });

  it('goes offline when the device vanishes and online again by itself', async () => {
    await driver.answer();
    await sim.disappear();
    const [offline] = await events.wait('offline');
    expect(offline?.reason).toBeTruthy();
    expect(events.of('hangup').map((e) => e.cause)).toEqual(['device']);
    expect(driver.lineState()).toBe('offline');
    await sleep(300);
    await sim.reappear();
    await events.wait('online', 2, 8000);
    expect(driver.lineState()).toBe('idle');
    // Caller ID was enabled again after the device's reset.
    await sim.ring({ number: '13700000000', rings: 2, intervalMs: 250 });
    const [cid] = await events.wait('callerId');
    expect(cid?.callerId.number).toBe('13700000000');
  });

  it('a device pulled while a prompt plays: the prompt settles and the next call is answered once it is back', async () => {
    const settles = <T>(p: Promise<T>, what: string): Promise<T> =>
      Promise.race([p, sleep(8000).then(() => { throw new Error(`${what} still pending after 8 s`); })]);
    for (const offsetMs of [20, 150, 400, 700]) {
      await driver.answer();
      const playing = driver.play(sine(3000)).catch((err: unknown) => err);
      await sleep(offsetMs);
      await sim.disappear();
      await settles(playing, `play pulled after ${offsetMs} ms`);
      for (let i = 0; i < 100 && driver.lineState() !== 'offline'; i++) await sleep(50);
      expect(driver.lineState()).toBe('offline');
      await sim.reappear();
      for (let i = 0; i < 160 && driver.lineState() !== 'idle'; i++) await sleep(50);
      expect(driver.lineState()).toBe('idle');
      // Nothing from the lost call holds the line: the next answer goes through.
      await settles(driver.answer(), `answer after a pull at ${offsetMs} ms`);
      expect(driver.lineState()).toBe('voice-rx');
      await driver.hangup();
    }
  });

  it('shrugs off garbage and names the command that timed out', async () => {
    sim.garbage(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x7f, 0x10, 0x10, 0x80]));
    sim.garbage(300);
    await sleep(150);
    sim.stall('AT+VLS=1');
    const err = await driver.answer().then(() => null, (e: unknown) => e);
    expect(isKefuError(err, 'MODEM_TIMEOUT')).toBe(true);
    expect((err as Error).message).toContain('AT+VLS=1');
    expect(driver.lineState()).toBe('idle');
    await driver.answer();
    expect(driver.lineState()).toBe('voice-rx');
    await driver.hangup();
    expect(driver.lineState()).toBe('idle');
  });
});

describe('startSimulatedModem (demo mode helper)', () => {
  it('gives a driver path with a ringing simulator behind it', async () => {
    const modem = await startSimulatedModem({ dialect: 'usr' });
    const driver = new V253LineDriver({ id: 'demo', path: modem.driverPath, commandTimeoutMs: 600 });
    const events = new Events();
    driver.on(events.push);
    try {
      await driver.start();
      await modem.simulator.ring({ number: '4008123123', rings: 1, format: 'mesg', name: 'ACME' });
      const [cid] = await events.wait('callerId');
      expect(cid?.callerId).toMatchObject({ number: '4008123123', name: 'ACME' });
    } finally {
      await driver.stop();
      await modem.close();
    }
  });

  it('start() rejects with DEVICE_GONE when nothing answers', async () => {
    const pty = await createPtyPair();
    const driver = new V253LineDriver({ id: 'mute', path: pty.driverPath, commandTimeoutMs: 200 });
    try {
      const err = await driver.start().then(() => null, (e: unknown) => e);
      expect(isKefuError(err, 'DEVICE_GONE')).toBe(true);
      expect((err as Error).message).toContain('AT');
      const report = await probeModem(pty.driverPath, 115200, { commandTimeoutMs: 200 });
      expect(report.responding).toBe(false);
      expect(report.problems[0]?.fix).toMatch(/cable|another program/);
    } finally {
      await driver.stop();
      await pty.close();
    }
  });
});
