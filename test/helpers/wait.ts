/**
 * Waiting for a state, never for a time (DESIGN.md rule 17): poll with a
 * deadline, and say what was not seen when it passes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface UntilOptions {
  /** Deadline (default 30 s). */
  timeoutMs?: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** Appended to the error at the deadline (the daemon's log, the last state seen...). */
  detail?: () => string | Promise<string>;
}

/** Probes until `probe` gives a truthy value and returns it; past the deadline, throws naming `what`. */
export async function until<T>(what: string, probe: () => T | Promise<T>, opts: UntilOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) {
      const more = opts.detail ? `\n${await opts.detail()}` : '';
      throw new Error(`${what}: not seen in ${timeoutMs} ms${more}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

interface Daemonish { api<R>(method: string, path: string): Promise<{ body: R }>; output(): string }

/** A line is idle (up, no call on it): after start, once its device was probed; after a call, once it is hung up. */
export async function waitForLineIdle(daemon: Daemonish, lineId: string, timeoutMs = 30_000): Promise<void> {
  await until(`line ${lineId} idle`, async () => (await daemon.api<{ state: string }>('GET', `/lines/${lineId}`)).body.state === 'idle', {
    timeoutMs, detail: () => daemon.output().slice(-4000),
  });
}

/** Bytes of recording `recId` on disk under `dir` (0 while the recorder has not made its file, or its folder). */
export function recordedBytes(dir: string, recId: string): number {
  // The recorder makes its folder after the recording row exists: until then nothing is recorded.
  if (!existsSync(dir)) return 0;
  const file = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith(`${recId}.wav`));
  return file ? statSync(join(dir, file)).size : 0;
}

/**
 * Waits until the daemon's recording of `callId` holds `ms` of audio on disk
 * (8 kHz 16-bit mono after a 44-byte header); returns the recording's id.
 * `dir` is the recordings folder (default: <dataDir>/recordings).
 */
export async function waitForRecordedAudio(daemon: Daemonish & { dataDir: string }, callId: string, ms: number, dir?: string): Promise<string> {
  const recId = await until(`a recording of call ${callId}`, async () => (await daemon.api<{ items: Array<{ id: string }> }>('GET', `/recordings?callId=${callId}`)).body.items[0]?.id);
  await waitForRecordingBytes(daemon, recId, ms, dir);
  return recId;
}

/** Waits until recording `recId` holds `ms` of audio on disk (see {@link waitForRecordedAudio}). */
export async function waitForRecordingBytes(daemon: Daemonish & { dataDir: string }, recId: string, ms: number, dir = join(daemon.dataDir, 'recordings')): Promise<void> {
  await until(`${ms} ms in recording ${recId}`, () => recordedBytes(dir, recId) > 44 + ms * 16, { detail: () => daemon.output().slice(-4000) });
}
