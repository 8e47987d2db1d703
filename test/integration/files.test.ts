/**
 * Files on disk: the daemon started from a folder other than the repository
 * with the default relative `dataDir: ./data` (and a relative PGlite path)
 * keeps everything under that folder, serves recordings from it, and makes
 * them private: data folder 0700, recordings 0600 in 0700 folders, database
 * files readable by their owner only.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedModem } from '../../drivers/v253-modem/simulator.ts';
import { freshDatabase, testDbKind } from '../helpers/db.ts';
import { eventClient, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.ts';

const FLOW = {
  id: 'files-flow', name: 'Files flow', entry: 'hello',
  nodes: { hello: { type: 'play', prompt: { text: 'Hello.', voice: 'en-us' }, next: 'bye' }, bye: { type: 'hangup' } },
};

/** Every file and folder under `dir`. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? [p, ...walk(p)] : [p];
  });
}
const mode = (p: string) => statSync(p).mode & 0o777;

describe(`files on ${testDbKind()}`, () => {
  let sim: Awaited<ReturnType<typeof startSimulatedModem>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let daemon: DaemonProcess;
  let cwd: string;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'kefu-cwd-'));
    sim = await startSimulatedModem({ dialect: 'conexant' });
    db = await freshDatabase();
    daemon = await startDaemonProcess({
      databaseUrl: testDbKind() === 'pglite' ? 'pglite://./data/db' : db.url,
      dataDir: cwd, cwd,
      config: { dataDir: './data', lines: [{ id: 'office', driver: 'v253-modem', port: sim.driverPath, inbound: { flow: FLOW.id, answerAfterRings: 2 } }] },
    });
    expect((await daemon.api('POST', '/ivr/flows', FLOW)).status).toBe(201);
  });

  afterAll(async () => {
    await daemon?.stop();
    await sim?.close();
    await db?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('a recording made by a daemon started elsewhere is served, and is private', async () => {
    const events = await eventClient(daemon.url);
    try {
      const ringDone = sim.simulator.ring({ number: '13300133000', rings: 3, intervalMs: 1000 });
      const ringing = await events.waitFor((e) => e.type === 'call.ringing' && e.data.number === '+8613300133000', 30_000);
      const ready = await events.waitFor((e) => e.type === 'recording.ready' && e.data.callId === ringing.data.callId, 60_000);
      await ringDone;
      const audio = await daemon.api('GET', `/recordings/${ready.data.recordingId as string}/audio`);
      expect(audio.status).toBe(200);
      expect(audio.headers.get('content-type')).toBe('audio/wav');
    } finally {
      events.close();
    }

    const data = join(cwd, 'data');
    expect(mode(data)).toBe(0o700);
    const recordings = walk(join(data, 'recordings'));
    const wavs = recordings.filter((p) => p.endsWith('.wav'));
    expect(wavs).toHaveLength(1);
    for (const p of recordings) expect({ path: relative(cwd, p), mode: mode(p).toString(8) }).toEqual({ path: relative(cwd, p), mode: p.endsWith('.wav') ? '600' : '700' });
    expect(mode(join(data, 'recordings'))).toBe(0o700);
    const open = walk(data).filter((p) => (mode(p) & 0o077) !== 0).map((p) => `${relative(cwd, p)} ${mode(p).toString(8)}`);
    expect(open).toEqual([]); // database files, TTS cache, everything: owner only
    if (testDbKind() === 'pglite') expect(walk(join(data, 'db')).length).toBeGreaterThan(10);
  });
});
