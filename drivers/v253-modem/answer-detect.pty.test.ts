/**
 * Dialling on a modem that reports no call progress (answers OK at once, no
 * VCON, no DLE codes): the driver tells the outcome from the line's audio
 * alone. Real pty pair, simulator far side playing scripted far ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heard, LineEvent } from '../../src/core/ports.ts';
import { V253LineDriver } from './driver.ts';
import { startSimulatedModem, type ModemSimulator } from './simulator.ts';
import { until } from '../../test/helpers/wait.ts';

describe('dialling by ear on a modem without call-progress reports', () => {
  let modem: Awaited<ReturnType<typeof startSimulatedModem>>;
  let sim: ModemSimulator;
  let driver: V253LineDriver;
  const heard: Heard[] = [];

  beforeAll(async () => {
    modem = await startSimulatedModem({ dialect: 'no-progress' });
    sim = modem.simulator;
    driver = new V253LineDriver({
      id: 'line-blind',
      path: modem.driverPath,
      commandTimeoutMs: 1000,
      // A dead line is called after 3 s here (12 s by default) to keep the test short.
      callProgress: { deadLineMs: 3000 },
    });
    driver.on((e: LineEvent) => {
      if (e.type === 'progress') heard.push(e.heard);
    });
    await driver.start();
    sim.scriptNumber('1001', { outcome: 'answer', farEnd: { kind: 'live', country: 'CN', ringMs: 6000, seed: 11 } });
    sim.scriptNumber('1002', { outcome: 'answer', farEnd: { kind: 'machine', country: 'NA', ringMs: 4000, seed: 12 } });
    sim.scriptNumber('1003', { outcome: 'answer', farEnd: { kind: 'crbt-live', ringMs: 4000, seed: 13 } });
    sim.scriptNumber('1004', { outcome: 'busy', farEnd: { kind: 'busy', country: 'CN', totalMs: 30_000, seed: 14 } });
    sim.scriptNumber('1005', { outcome: 'no-answer', farEnd: { kind: 'no-answer', country: 'UK', totalMs: 30_000, seed: 15 } });
    sim.scriptNumber('1006', { outcome: 'no-dialtone' });
  });

  afterAll(async () => {
    await driver.stop();
    await modem.close();
  });

  /** Dials and returns the outcome with what was heard during this dial. */
  async function dial(number: string, timeoutMs = 30_000): Promise<{ outcome: string; kinds: string[]; last: Heard | undefined }> {
    heard.length = 0;
    const outcome = await driver.dial(number, { timeoutMs });
    const kinds = heard.map((h) => h.kind);
    const last = heard[heard.length - 1];
    if (outcome === 'answered') await driver.hangup();
    await until('line idle again', () => driver.lineState() === 'idle', { timeoutMs: 5000, intervalMs: 20 });
    return { outcome, kinds, last };
  }

  it('a person answers after Chinese ringback: answered, heard as live', async () => {
    const r = await dial('1001');
    expect(r.outcome).toBe('answered');
    expect(r.kinds).toEqual(['ringback', 'answered-live']);
    expect(heard[0]?.country).toBe('CN');
    // The modem said nothing: only OK to ATD, no VCON.
    expect(sim.commands.some((c) => c.command === 'ATD1001;')).toBe(true);
  });

  it('a machine answers after North American ringback: answered, heard as a machine', async () => {
    const r = await dial('1002');
    expect(r.outcome).toBe('answered');
    expect(r.kinds).toEqual(['ringback', 'answered-machine']);
    expect(heard[0]?.country).toBe('NA');
  });

  it('colour ring-back music is still ringing; the person after it answers', async () => {
    const r = await dial('1003');
    expect(r.outcome).toBe('answered');
    expect(r.kinds).toEqual(['colour-ringback', 'answered-live']);
  });

  it('busy tone: busy', async () => {
    const r = await dial('1004');
    expect(r.outcome).toBe('busy');
    expect(r.last).toMatchObject({ kind: 'busy', country: 'CN', final: true });
  });

  it('UK ringback until the dial times out: no answer', async () => {
    const r = await dial('1005', 7000);
    expect(r.outcome).toBe('no-answer');
    expect(r.kinds).toEqual(['ringback']);
    expect(heard[0]?.country).toBe('UK');
  });

  it('a dead line (nothing heard at all): no dial tone', async () => {
    const r = await dial('1006');
    expect(r.outcome).toBe('no-dialtone');
    expect(r.last).toMatchObject({ kind: 'silence', deadLine: true });
  });
});
