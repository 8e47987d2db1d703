/**
 * Call recordings: a WAV file per call written as the audio arrives (what
 * the caller said and what was played to them, in time order), its row in
 * the database from the first byte, and on finish the real sizes, duration
 * and SHA-256. A file a crash left open is repaired on the next start.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config, LineConfig } from '../../config/schema.ts';
import type { EventBus } from '../../core/events/bus.ts';
import type { RecordingRepo } from '../../db/repos/recordings.ts';
import { pcmDurationMs } from '../../core/audio.ts';
import { WAV_HEADER_BYTES, repairWavHeader, writeWav } from '../../media/wav.ts';
import { WavWriter } from '../../media/wav-writer.ts';
import { shouldRecord } from './policy.ts';

export interface ActiveRecording {
  readonly id: string;
  write(pcm: Buffer): void;
  /** Close the file, patch its header, store duration and checksum, emit recording.ready. */
  finish(): Promise<void>;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The backend closes its file shortly after the call ends: wait until its size stops changing (at most ~3 s). */
async function waitForStableFile(path: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const size = existsSync(path) ? statSync(path).size : -1;
    if (size >= WAV_HEADER_BYTES && size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class RecordingService {
  readonly dir: string;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly repo: RecordingRepo,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.dir = config.recording.dir ?? join(config.dataDir, 'recordings');
  }

  private pathFor(id: string, kind: 'calls' | 'voicemail'): string {
    const d = new Date();
    const dir = join(this.dir, kind, `${d.getUTCFullYear()}`, `${d.getUTCMonth() + 1}`.padStart(2, '0'), `${d.getUTCDate()}`.padStart(2, '0'));
    mkdirSync(dir, { recursive: true });
    return join(dir, `${id}.wav`);
  }

  /** Start recording a call if policy says so; null when it is not recorded. */
  /** `after`: settles once the call record exists (the recording row refers to it). */
  start(callId: string, line: LineConfig, numberKey: string | null, after: Promise<unknown> = Promise.resolve(), onDemand = false): ActiveRecording | null {
    if (!onDemand && !shouldRecord(this.config, line, numberKey)) return null;
    const id = randomUUID();
    const path = this.pathFor(id, 'calls');
    const log = this.logger.child({ callId, recordingId: id });
    // The row exists before the first byte, so a crash leaves a file we know about and repair.
    const ready = after.then(() => this.repo.create({ id, callId, path })).then(() => WavWriter.open(path));
    ready.catch((err: unknown) => log.error({ err }, 'recording could not start'));
    let writer: WavWriter | null = null;
    const early: Buffer[] = [];
    const put = (w: WavWriter, pcm: Buffer) => { w.write(pcm).catch((err: unknown) => log.error({ err }, 'recording write failed')); };
    void ready.then((w) => { writer = w; for (const pcm of early.splice(0)) put(w, pcm); }, () => undefined);
    return {
      id,
      write: (pcm) => { if (writer) put(writer, pcm); else early.push(pcm); },
      finish: async () => {
        const w = await ready;
        for (const pcm of early.splice(0)) put(w, pcm);
        const { dataBytes } = await w.close(); // waits for queued writes, patches the sizes
        await this.seal(id, callId, path, 'ready', dataBytes);
      },
    };
  }

  /**
   * Recording done by the backend (Asterisk MixMonitor writes both directions
   * to `path`): the row exists first; on finish, wait for the backend to
   * close the file, fix its header if needed, then seal it like ours.
   */
  startExternal(callId: string, line: LineConfig, numberKey: string | null, after: Promise<unknown>, begin: (path: string) => Promise<void>, onDemand = false): ActiveRecording | null {
    if (!onDemand && !shouldRecord(this.config, line, numberKey)) return null;
    const id = randomUUID();
    const path = this.pathFor(id, 'calls');
    const log = this.logger.child({ callId, recordingId: id });
    const started = after.then(() => this.repo.create({ id, callId, path })).then(() => begin(path)).then(() => true, (err: unknown) => {
      log.error({ err }, 'recording could not start');
      return false;
    });
    return {
      id,
      write: () => undefined,
      finish: async () => {
        if (!(await started)) { await this.repo.complete(id, { state: 'failed', durationMs: 0, bytes: 0, sha256: '' }); return; }
        await waitForStableFile(path);
        if (!existsSync(path)) { await this.repo.complete(id, { state: 'failed', durationMs: 0, bytes: 0, sha256: '' }); return; }
        const { dataBytes } = await repairWavHeader(path);
        await this.seal(id, callId, path, 'ready', dataBytes);
      },
    };
  }

  /** Checksum, store duration and size, announce. The file's header is already right. */
  private async seal(id: string, callId: string, path: string, state: 'ready' | 'repaired', dataBytes: number): Promise<void> {
    const sha256 = await sha256File(path);
    const durationMs = Math.round(pcmDurationMs(dataBytes));
    await this.repo.complete(id, { state, durationMs, bytes: dataBytes + WAV_HEADER_BYTES, sha256 });
    this.bus.emit('recording.ready', { recordingId: id, callId, durationMs, sha256 });
  }

  /** A voicemail message as its own recording of the call. */
  async saveVoicemail(callId: string, pcm: Buffer): Promise<void> {
    const id = randomUUID();
    const path = this.pathFor(id, 'voicemail');
    await this.repo.create({ id, callId, path });
    await writeWav(path, pcm);
    await this.seal(id, callId, path, 'ready', pcm.length);
  }

  /** On start: recordings a crash left open become playable files with real sizes. */
  async repairUnfinished(): Promise<number> {
    let n = 0;
    for (const r of await this.repo.unfinished()) {
      if (!existsSync(r.path) || statSync(r.path).size < WAV_HEADER_BYTES) {
        await this.repo.complete(r.id, { state: 'failed', durationMs: 0, bytes: 0, sha256: '' });
        continue;
      }
      const { dataBytes } = await repairWavHeader(r.path);
      await this.seal(r.id, r.callId, r.path, 'repaired', dataBytes);
      this.logger.info({ recordingId: r.id, callId: r.callId, dataBytes }, 'recording repaired after an unclean stop');
      n++;
    }
    return n;
  }
}
