/**
 * The single-line office as the integration tests run it: the daemon as a
 * process on a fresh database, one line `office` on the V.253 modem simulator
 * (a socat pty), the event stream open, the line idle.
 */
import type { TestContext } from 'vitest';
import type { DialectName } from '../../drivers/v253-modem/dialects.ts';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase } from './db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from './daemon.ts';
import { waitForLineIdle } from './wait.ts';

export interface ModemOffice {
  sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  daemon: DaemonProcess;
  events: Awaited<ReturnType<typeof eventClient>>;
  /** For afterEach: prints the daemon's log and the simulator's last events when the test failed. */
  logIfFailed(c: TestContext): void;
  close(): Promise<void>;
}

export async function startModemOffice(opts: { dialect?: DialectName; flow?: string } = {}): Promise<ModemOffice> {
  const sim = await startSimulatedModem({ dialect: opts.dialect ?? 'conexant' });
  const db = await freshDatabase();
  const daemon = await startDaemonProcess({
    databaseUrl: db.url,
    config: { lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: opts.flow ?? 'main', answerAfterRings: 2 } }] },
  });
  const events = await eventClient(daemon.url);
  await waitForLineIdle(daemon, 'office');
  return {
    sim, db, daemon, events,
    logIfFailed(c) {
      if (c.task.result?.state !== 'fail') return;
      console.log(`daemon log:\n${daemon.output().slice(-8000)}\nsimulator: ${sim.simulator.history.slice(-40).map((h) => `${h.event}${h.detail ? `(${h.detail})` : ''}`).join(' ')}`);
    },
    async close() {
      events.close();
      await daemon.stop();
      await sim.close();
      await db.drop();
    },
  };
}
