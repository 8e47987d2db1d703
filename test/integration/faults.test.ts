/**
 * Faults never lose a call: the recordings folder replaced by a file, made
 * read-only, or full. Each time the real daemon (a process) answers a call
 * from the modem simulator over a pty, runs the IVR, closes the call record
 * with its disposition, marks the recording failed with the reason, sends
 * recording.failed, logs the fault once, and answers the next call.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';
import { fillUp, makeReadOnlyFolder, mountTmpfs, unmount, unmountAll } from '../helpers/fs-faults.ts';
import { waitForLineIdle } from '../helpers/wait.ts';

const FLOW = {
  id: 'fault-flow', name: 'Fault flow', entry: 'hello',
  nodes: { hello: { type: 'play', prompt: { text: 'Hello, thank you for calling.', voice: 'en-us' }, next: 'bye' }, bye: { type: 'hangup' } },
};

describe(`faults never lose a call on ${testDbKind()}`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let events: Awaited<ReturnType<typeof eventClient>>;
  let work: string;
  let recDir: string;
  let caller = 13500135000;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kefu-faults-'));
    recDir = join(work, 'rec');
    sim = await startSimulatedModem({ dialect: 'conexant' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: db.url,
      config: { recording: { dir: recDir }, lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: FLOW.id, answerAfterRings: 2 } }] },
    });
    events = await eventClient(daemon.url);
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
  });

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
    unmountAll();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const lineIdle = () => waitForLineIdle(daemon, 'office');

  /** One inbound call through the IVR; returns its id once the call ended. */
  const call = async () => {
    await lineIdle();
    const number = `${caller++}`;
    const ringDone = sim.simulator.ring({ number, rings: 3, intervalMs: 1000 });
    const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === `+86${number}`);
    const callId = ringing.data.callId as string;
    const ended = await events.waitFor((e) => e.type === 'call.ended' && e.data.callId === callId, 60_000);
    await ringDone;
    return { callId, disposition: ended.data.disposition };
  };

  const expectFailedButCallKept = async (codes: RegExp) => {
    const { callId, disposition } = await call();
    expect(disposition).toBe('completed');
    const failed = await events.waitFor((e) => e.type === 'recording.failed' && e.data.callId === callId, 20_000);
    expect(failed.data.reason).toMatch(codes);
    const rec = await daemon.api<{ state: string; failure: string }>('GET', `/recordings/${failed.data.recordingId as string}`);
    expect(rec.body).toMatchObject({ state: 'failed', failure: failed.data.reason });
    const record = await daemon.api<{ disposition: string; endedAt: string | null; ivrPath: Array<{ node: string }> }>('GET', `/calls/${callId}`);
    expect(record.body.disposition).toBe('completed');
    expect(record.body.endedAt).not.toBeNull();
    expect(record.body.ivrPath.map((s) => s.node)).toEqual(['hello', 'bye']); // the IVR ran to its end
    const faultLines = daemon.output().split('\n').filter((l) => l.includes(failed.data.recordingId as string) && l.includes('"level":50'));
    expect(faultLines).toHaveLength(1); // logged once
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.output()).not.toMatch(/unhandled|uncaught/i);
  };

  it('a recordings folder that is a plain file (ENOTDIR)', async () => {
    writeFileSync(recDir, 'not a folder');
    try {
      await expectFailedButCallKept(/ENOTDIR|EEXIST/);
    } finally {
      rmSync(recDir);
    }
  });

  it('a read-only recordings folder (a read-only mount when root)', async () => {
    makeReadOnlyFolder(recDir);
    try {
      await expectFailedButCallKept(/EROFS|EACCES/);
    } finally {
      unmount(recDir);
      rmSync(recDir, { recursive: true, force: true });
    }
  });

  it('a full file system under the recordings folder (ENOSPC)', async () => {
    mountTmpfs(recDir, { sizeKiB: 64 });
    try {
      mkdirSync(join(recDir, 'calls'), { recursive: true });
      expect(fillUp(recDir)).toBeGreaterThan(0);
      await expectFailedButCallKept(/ENOSPC/);
    } finally {
      unmount(recDir);
      rmSync(recDir, { recursive: true, force: true });
    }
  });

  it('once the folder is fine again the next call is recorded', async () => {
    const { callId, disposition } = await call();
    expect(disposition).toBe('completed');
    const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === callId, 20_000);
    expect(ready.data.durationMs).toBeGreaterThan(0);
    expect(daemon.child.exitCode).toBeNull();
  });
});
